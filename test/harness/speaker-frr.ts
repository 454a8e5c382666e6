/**
 * Wiring for tests and benchmarks of the speaker's FRR applier in the lab: an applier bound to a
 * lab FRR instance (files in a private dir, restart detection from the instance's pidfiles), a
 * MetalLB-style node config, an eBGP router config, and bounded reads of the router's table.
 */
import { mkdirSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from '@metallb-ts/lib/log.ts';
import { systemClock } from '@metallb-ts/lib/time/clock.ts';
import { FrrApplier, type ApplyResult, type SecretResolver } from '../../speaker/src/frr/frr-applier.ts';
import { createFrrCli, type FrrCli } from '../../speaker/src/frr/frr-cli.ts';
import { pidfileProbe } from '../../speaker/src/frr/frr-probe.ts';
import type { FrrInstance } from './frr.ts';

/** An applier on a lab instance, with what it logged and reported. */
export interface LabApplier {
  readonly applier: FrrApplier;
  readonly cli: FrrCli;
  /** Where the applier keeps the full config (not the daemons' startup file). */
  readonly configPath: string;
  /** Every JSON log line written so far. */
  readonly logs: string[];
  /** Every result reported through onResult. */
  readonly results: ApplyResult[];
}

/**
 * Creates an applier for `frr`; secrets come from `secrets` (key → value). `cliTimeoutMs` caps
 * each vtysh / frr-reload.py run (frr-reload.py needs minutes for a thousand lines).
 */
export function labApplier(frr: FrrInstance, secrets: Readonly<Record<string, string>> = {}, cliTimeoutMs = 60_000): LabApplier {
  const workDir = join(frr.dir, 'speaker');
  mkdirSync(workDir, { mode: 0o700, recursive: true });
  const logs: string[] = [];
  const results: ApplyResult[] = [];
  const stream = new Writable({ write(chunk, _enc, cb) { logs.push(String(chunk)); cb(); } });
  const resolver: SecretResolver = {
    resolve: async (keys) => new Map(keys.flatMap((k) => (secrets[k] === undefined ? [] : [[k, secrets[k]] as const]))),
  };
  const cli = createFrrCli({ vtyDir: frr.dir, configDir: frr.dir, timeoutMs: cliTimeoutMs, ...frr.runtime.speakerTools(frr.dir) });
  const configPath = join(workDir, 'frr.conf');
  const applier = new FrrApplier({
    cli, secrets: resolver, configPath, workDir, clock: systemClock, rng: Math.random,
    logger: createLogger({ level: 'debug', stream, component: 'frr-applier' }),
    probe: pidfileProbe(frr.dir), onResult: (r) => results.push(r), retry: { baseMs: 200, maxMs: 2_000 },
    watchIntervalMs: 250,
  });
  return { applier, cli, configPath, logs, results };
}

/** Options of {@link nodeConf}. */
export interface NodeConfOptions {
  /** IPv4 peers: address → password placeholder key (or undefined for none). */
  readonly peers4: ReadonlyArray<{ readonly addr: string; readonly passwordKey?: string }>;
  /** IPv6 peers. */
  readonly peers6?: readonly string[];
  readonly v4: readonly string[];
  readonly v6?: readonly string[];
}

/** A node config laid out like MetalLB's FRR mode renders it (fast timers for tests). */
export function nodeConf(o: NodeConfOptions): string {
  const peers = [...o.peers4.map((p) => p.addr), ...(o.peers6 ?? [])];
  const af = (name: string, nets: readonly string[], nbs: readonly string[]): string[] =>
    nets.length + nbs.length === 0 ? [] : [
      ` address-family ${name} unicast`, ...nets.map((n) => `  network ${n}`), ...nbs.map((n) => `  neighbor ${n} activate`), ' exit-address-family'];
  return [
    'frr defaults traditional',
    'router bgp 64512',
    ' bgp router-id 192.0.2.10',
    ' no bgp ebgp-requires-policy',
    ' no bgp network import-check',
    ' no bgp default ipv4-unicast',
    ...peers.flatMap((p) => [` neighbor ${p} remote-as 64513`, ` neighbor ${p} timers 1 3`, ` neighbor ${p} timers connect 1`]),
    ...o.peers4.flatMap((p) => (p.passwordKey === undefined ? [] : [` neighbor ${p.addr} password @@password:${p.passwordKey}@@`])),
    ...af('ipv4', o.v4, o.peers4.map((p) => p.addr)),
    ...af('ipv6', o.v6 ?? [], o.peers6 ?? []),
    'exit',
    '',
  ].join('\n');
}

/** The router: eBGP AS 64513 towards node-0 over IPv4 (optionally with a password) and IPv6. */
export function routerConf(o: { readonly password?: string; readonly v6?: boolean } = {}): string {
  const n4 = '192.0.2.10';
  const n6 = '2001:db8:0:1::10';
  return [
    'frr defaults traditional',
    'router bgp 64513',
    ' bgp router-id 192.0.2.1',
    ' no bgp ebgp-requires-policy',
    ' no bgp default ipv4-unicast',
    ` neighbor ${n4} remote-as 64512`, ` neighbor ${n4} timers 1 3`, ` neighbor ${n4} timers connect 1`,
    ...(o.password === undefined ? [] : [` neighbor ${n4} password ${o.password}`]),
    ...(o.v6 === true ? [` neighbor ${n6} remote-as 64512`, ` neighbor ${n6} timers 1 3`, ` neighbor ${n6} timers connect 1`] : []),
    ' address-family ipv4 unicast', `  neighbor ${n4} activate`, ' exit-address-family',
    ...(o.v6 === true ? [' address-family ipv6 unicast', `  neighbor ${n6} activate`, ' exit-address-family'] : []),
    'exit',
    '',
  ].join('\n');
}

/** Prefixes in the router's BGP table for one family. */
export async function routesAt(router: FrrInstance, family: 'ipv4' | 'ipv6'): Promise<Set<string>> {
  const t = await router.vtyshJson<{ routes?: Record<string, unknown> }>(`show bgp ${family} unicast json`);
  return new Set(Object.keys(t.routes ?? {}));
}

/** Router-side view of one neighbor: established count and uptime. */
/** FRR reports a session's uptime (`bgpTimerUpMsec`) in whole seconds. */
export const UPTIME_RESOLUTION_MS = 1_000;

/** Waits until `UPTIME_RESOLUTION_MS` (+10 %) have passed since `sinceMs` (performance.now()), so a kept session's uptime has grown. */
export async function uptimeTick(sinceMs: number): Promise<void> {
  const left = sinceMs + UPTIME_RESOLUTION_MS * 1.1 - performance.now();
  if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
}

export async function neighborAt(router: FrrInstance, addr: string): Promise<{ state: string; established: number; upMs: number }> {
  const j = await router.vtyshJson<Record<string, { bgpState?: string; connectionsEstablished?: number; bgpTimerUpMsec?: number }>>(`show bgp neighbors ${addr} json`);
  const n = j[addr] ?? {};
  return { state: n.bgpState ?? 'unknown', established: n.connectionsEstablished ?? 0, upMs: n.bgpTimerUpMsec ?? 0 };
}
