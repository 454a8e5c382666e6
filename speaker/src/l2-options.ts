/**
 * The speaker's layer-2 settings from the environment (pure), MetalLB-style: gossip runs only when
 * METALLB_ML_BIND_ADDR is set (the pod IP). METALLB_ML_BIND_PORT (default 7946),
 * METALLB_ML_LABELS (label selector of the speaker pods: their IPs, read from the API at start
 * and every 5 minutes, are the gossip seeds), METALLB_ML_SEEDS (comma-separated peer IPs or
 * host:port, joined as well: for a lab without pods),
 * METALLB_ML_SECRET_NAME (default `memberlist`, key `secretkey`, in the speaker namespace),
 * METALLB_ML_INSECURE=true (gossip in plaintext when there is no key), METALLB_L2_INTERFACES
 * (comma-separated; default: every interface the layer-2 rules accept),
 * METALLB_L2_GRATUITOUS_REFRESH (a duration such as `30s` or `5m`, at least 1 s; unset or `0`:
 * off): after MetalLB's takeover burst, keep sending the gratuitous ARP/NA of every announced
 * VIP this often, for switches and hosts whose tables age out (MetalLB has no such option).
 */
import { parseIp } from '@metallb-ts/lib/ip/ip.ts';
import type { Env } from '@metallb-ts/lib/flags.ts';
import { err, ok, type Result } from '@metallb-ts/lib/result.ts';

/** Parsed layer-2 settings. */
export interface Layer2EnvOptions {
  readonly bindAddr: string;
  readonly port: number;
  /** `host:port` each. */
  readonly seeds: readonly string[];
  /** Label selector of the speaker pods (seeds from their IPs); undefined = explicit seeds only. */
  readonly podLabels: string | undefined;
  readonly secretName: string;
  readonly insecure: boolean;
  /** Undefined: scan. */
  readonly interfaces: readonly string[] | undefined;
  /** Periodic gratuitous refresh after the burst, ms; undefined = off. */
  readonly gratuitousRefreshMs: number | undefined;
}

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `30s`, `5m`, `1500ms`, `1h` → ms; `0` or empty → undefined (off); anything else or under 1 s → an error. */
export function refreshIntervalMs(text: string | undefined): Result<number | undefined, string> {
  const v = (text ?? '').trim();
  if (v === '' || v === '0') return ok(undefined);
  const m = /^(\d+)(ms|s|m|h)$/.exec(v);
  const ms = m === null ? NaN : Number(m[1]) * (UNIT_MS[m[2] ?? ''] ?? NaN);
  if (!(ms >= 1000 && ms <= 24 * 3_600_000)) return err(`METALLB_L2_GRATUITOUS_REFRESH: want a duration from 1s to 24h such as 30s or 5m (0: off), got ${JSON.stringify(v)}`);
  return ok(ms);
}

const list = (v: string | undefined): string[] => (v ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');

/** Undefined when layer 2 is off (no bind address); an error names the bad variable. */
export function layer2EnvOptions(env: Env): Result<Layer2EnvOptions | undefined, string> {
  const bind = env['METALLB_ML_BIND_ADDR'];
  if (bind === undefined || bind === '') return ok(undefined);
  if (parseIp(bind) === undefined) return err(`METALLB_ML_BIND_ADDR: not an IP address: ${JSON.stringify(bind)}`);
  const port = Number(env['METALLB_ML_BIND_PORT'] ?? '7946');
  if (!Number.isInteger(port) || port < 1 || port > 65535) return err(`METALLB_ML_BIND_PORT: not a port: ${JSON.stringify(env['METALLB_ML_BIND_PORT'])}`);
  const seeds: string[] = [];
  for (const s of list(env['METALLB_ML_SEEDS'])) {
    const ip = parseIp(s);
    if (ip !== undefined) seeds.push(ip.family === 'ipv6' ? `[${ip.text}]:${port}` : `${ip.text}:${port}`);
    else if (/^(\[[0-9a-fA-F:.]+\]|[0-9.]+):\d{1,5}$/.test(s)) seeds.push(s);
    else return err(`METALLB_ML_SEEDS: not an IP or host:port: ${JSON.stringify(s)}`);
  }
  const ifaces = list(env['METALLB_L2_INTERFACES']);
  const refresh = refreshIntervalMs(env['METALLB_L2_GRATUITOUS_REFRESH']);
  if (!refresh.ok) return refresh;
  return ok({
    bindAddr: bind, port, seeds, podLabels: env['METALLB_ML_LABELS'] || undefined, secretName: env['METALLB_ML_SECRET_NAME'] || 'memberlist',
    insecure: env['METALLB_ML_INSECURE'] === 'true', interfaces: ifaces.length === 0 ? undefined : ifaces,
    gratuitousRefreshMs: refresh.value,
  });
}

/** A speaker pod as the gossip seeds need it. */
export interface SeedPod {
  readonly status?: { readonly podIP?: string };
}

/**
 * The gossip seeds from the speaker pods (MetalLB's PodIPs: every listed pod's `status.podIP`),
 * `ip:port` (IPv6 in brackets), sorted; pods without an address yet are left out.
 */
export function seedsFromPods(pods: readonly SeedPod[], port: number): string[] {
  const out = new Set<string>();
  for (const p of pods) {
    const ip = parseIp(p.status?.podIP ?? '');
    if (ip !== undefined) out.add(ip.family === 'ipv6' ? `[${ip.text}]:${port}` : `${ip.text}:${port}`);
  }
  return [...out].sort();
}
