/**
 * Layer-2 reply latency with many VIPs (issue 10, proof 8): `npm run bench -- l2-reply
 * [--vips 1000] [--rate 1000] [--seconds 10]`.
 *
 * One lab node runs the responder process holding N VIPs (half IPv4, half IPv6, documentation
 * ranges). A prober in the client namespace (l2-prober-child.ts, libpcap) sends ARP requests /
 * Neighbor Solicitations for the VIPs round-robin at a fixed rate and times each reply in its
 * own process; arping cannot do 1,000 requests/s, and its per-process timings are ms-granular.
 * Two phases: 100 requests/s for 3 s (light load), then `--rate` for `--seconds`, during which
 * the responder's CPU is read from /proc/<pid>/stat (user + system ticks). Reported:
 * arp/ns reply p50/p99 in both phases, replies lost, responder CPU %.
 */
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { startL2Responder, type L2ResponderProcess } from '../harness/l2-responder.ts';
import { Lab } from '../harness/lab.ts';
import type { ProberArgs } from './l2-prober-child.ts';
import { cpuSecondsOf } from './proc-cpu.ts';
import { percentile } from './service-load.ts';

const PROBER = fileURLToPath(new URL('./l2-prober-child.ts', import.meta.url));

/**
 * N VIPs, alternating IPv4 (198.51.100.0/24, then 203.0.113.0/24 without the router's .1/.2)
 * and IPv6 (2001:db8:0:1::1:x), so any run of requests asks both families.
 */
export function benchVips(n: number): string[] {
  const v4 = [
    ...Array.from({ length: 254 }, (_, i) => `198.51.100.${i + 1}`),
    ...Array.from({ length: 252 }, (_, i) => `203.0.113.${i + 3}`),
  ].slice(0, Math.ceil(n / 2));
  const v6 = Array.from({ length: n - v4.length }, (_, i) => `2001:db8:0:1::1:${(i + 1).toString(16)}`);
  if (v4.length + v6.length !== n) throw new RangeError(`at most ${2 * 506} VIPs`);
  return v4.flatMap((ip, i) => (v6[i] === undefined ? [ip] : [ip, v6[i]]));
}

/** CPU seconds (user + system) used so far by `pid`; throws when it cannot be read. */
function cpuSeconds(pid: number): number {
  const s = cpuSecondsOf(pid);
  if (s === undefined) throw new Error(`no CPU time for pid ${String(pid)} in /proc`);
  return s;
}

/** Announces every VIP at once and waits (bounded) for all outcomes. */
async function announceAll(r: L2ResponderProcess, vips: readonly string[]): Promise<void> {
  for (const ip of vips) r.send({ cmd: 'announce', ip });
  for (let i = 0; i < 300; i++) {
    const done = r.events.filter((e) => e.event === 'announce');
    if (done.length >= vips.length) {
      const bad = done.filter((e) => (e['outcome'] as { kind: string }).kind !== 'announced');
      if (bad.length > 0) throw new Error(`not announced: ${JSON.stringify(bad.slice(0, 3))}`);
      return;
    }
    await sleep(100);
  }
  throw new Error('VIPs were not all announced within 30 s');
}

interface Phase {
  readonly sent: number;
  readonly skipped: number;
  readonly arpMs: number[];
  readonly nsMs: number[];
}

async function probe(lab: Lab, targets: readonly string[], rate: number, durationMs: number): Promise<Phase> {
  const c = lab.addr('client');
  const args: ProberArgs = { iface: c.iface, mac: c.mac.toLowerCase(), ip4: c.v4, ip6: c.v6, targets, rate, durationMs };
  const r = await lab.exec('client', process.execPath, [PROBER, JSON.stringify(args)], { timeoutMs: durationMs + 30_000 });
  if (r.exitCode !== 0) throw new Error(`prober failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Phase;
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

/** Sum over all `ip` labels of a `metallb_layer2_*` counter in Prometheus text. */
function counterSum(text: string, name: string): number {
  return text.split('\n').filter((l) => l.startsWith(`metallb_layer2_${name}{`)).reduce((s, l) => s + Number(l.split(' ').at(-1)), 0);
}

/** Runs the bench and returns the RESULT fields. */
export async function run(argv: readonly string[]): Promise<Record<string, unknown>> {
  const { values } = parseArgs({ args: [...argv], options: { vips: { type: 'string' }, rate: { type: 'string' }, seconds: { type: 'string' } } });
  const n = Number(values.vips ?? 1000);
  const rate = Number(values.rate ?? 1000);
  const seconds = Number(values.seconds ?? 10);
  const vips = benchVips(n);
  const lab = await Lab.create({ nodes: 1 });
  let responder: L2ResponderProcess | undefined;
  try {
    responder = await startL2Responder(lab, 'node-0');
    const pid = Number(responder.events[0]?.['pid']);
    await announceAll(responder, vips);
    await sleep(5_500); // let the gratuitous bursts end
    const light = await probe(lab, vips, 100, 3_000);
    const m0 = await responder.metrics();
    const cpu0 = cpuSeconds(pid);
    const t0 = performance.now();
    const loaded = await probe(lab, vips, rate, seconds * 1000);
    const cpuPct = ((cpuSeconds(pid) - cpu0) / ((performance.now() - t0) / 1000)) * 100;
    const m1 = await responder.metrics();
    const [received, answered] = ['requests_received', 'responses_sent'].map((c) => counterSum(m1, c) - counterSum(m0, c));
    const rows = [['light (100/s)', light], [`loaded (${rate}/s)`, loaded]] as const;
    console.log('phase            sent   arp p50   arp p99   ns p50    ns p99    lost  skipped');
    for (const [name, p] of rows) {
      const cells = [percentile(p.arpMs, 50), percentile(p.arpMs, 99), percentile(p.nsMs, 50), percentile(p.nsMs, 99)].map((x) => x.toFixed(3).padStart(8));
      console.log(`${name.padEnd(16)} ${String(p.sent).padStart(5)} ${cells.join('  ')}  ${String(p.sent - p.arpMs.length - p.nsMs.length).padStart(4)}  ${p.skipped}`);
    }
    console.log(`responder CPU at ${rate} requests/s: ${cpuPct.toFixed(1)} % of one core (${n} VIPs); ` +
      `it counted ${received} requests and ${answered} responses in the loaded phase`);
    return {
      vips: n, rate_rps: rate, achieved_rps: Math.round(loaded.sent / seconds),
      arp_reply_p50_ms: round(percentile(loaded.arpMs, 50)), arp_reply_p99_ms_1k_vips: round(percentile(loaded.arpMs, 99)),
      ns_reply_p50_ms: round(percentile(loaded.nsMs, 50)), ns_reply_p99_ms: round(percentile(loaded.nsMs, 99)),
      light_arp_reply_p50_ms: round(percentile(light.arpMs, 50)), light_arp_reply_p99_ms: round(percentile(light.arpMs, 99)),
      lost: loaded.sent - loaded.arpMs.length - loaded.nsMs.length, prober_skipped: loaded.skipped, responder_requests_received: received, responder_responses_sent: answered,
      loadavg_1m: Math.round(loadavg()[0]! * 100) / 100,
      responder_cpu_pct_at_1k_rps: Math.round(cpuPct * 10) / 10,
    };
  } finally {
    await responder?.stop();
    await lab.destroy();
  }
}
