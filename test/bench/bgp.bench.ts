/**
 * The BGP benchmark: `npm run bench -- bgp [--changes N] [--bfd-trials N] [--skip-reload] [--skip-render]`.
 *
 * 1. Plan change → route at the router: two lab nodes run FRR and the speaker as separate
 *    processes (real apiserver); each of N changes (default 20) adds one prefix to node-0's
 *    NodePlan; timed from the write until the router's RIB holds it (polled every 10 ms).
 * 2. BFD failover: 100 ms × 3 on both ends; node-1's traffic is dropped with nftables (a silent
 *    failure); timed from the drop in place (the `nft` that installs it has returned) until the
 *    router's kernel replaced the VIP's route by one without node-1 (`ip monitor route`, no
 *    polling); also from the `nft` start (an upper bound), and from the last BFD packet the router
 *    received from node-1 (tcpdump's kernel timestamp: BFD's detect time + FRR's processing).
 *    Then traffic is restored and the next hop is awaited before the next trial (default 10).
 *    (Until this measurement, the time also held a `nft list tables` run before the drop and the
 *    lag of polling with one vtysh process per look, 100–200 ms each on this machine.)
 * 3. The 1,000-prefix announce/withdraw of bgp-reload (our batch vs frr-reload.py, same run)
 *    and the 10,000-Service render/plan size and one-Service-change costs of bgp-render, by
 *    calling their `run`. The machine's load during the lab part is printed and in RESULT.
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { pollUntil } from '@metallb-ts/lib/time/poll.ts';
import { BgpSpeakerLab, speakerNodeConf } from '../harness/bgp-speaker-lab.ts';
import { PacketCapture, RouteMonitor } from '../harness/lab-watch.ts';
import { run as runReload } from './bgp-reload.bench.ts';
import { run as runRender } from './bgp-render.bench.ts';
import { LoadSampler } from './load-sampler.ts';

const VIP = '198.51.100.1/32';
const DETECT_MS = 100 * 3;

const pct = (xs: readonly number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
};
const r1 = (x: number): number => Math.round(x * 10) / 10;

/** Polls every 10 ms (bounded) until `holds`; throws with `what` on timeout. */
async function until(what: string, holds: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const r = await pollUntil(async () => ((await holds()) ? true : undefined), { timeoutMs, intervalMs: 10 });
  if (!r.ok) throw new Error(`timed out waiting for ${what}`);
}

/** BFD failover trials on node-1 (see the module comment): three timings per trial, in ms. */
async function bfdFailover(l: BgpSpeakerLab, trials: number): Promise<{ fromDrop: number[]; fromSpawn: number[]; fromLastPacket: number[] }> {
  const out = { fromDrop: [] as number[], fromSpawn: [] as number[], fromLastPacket: [] as number[] };
  const routes = RouteMonitor.start(l.lab, 'router');
  const bfdIn = await PacketCapture.start(l.lab, 'router', 'eth0', 'udp dst port 3784 and src host 192.0.2.11');
  // The VIP's route replaced by one whose only next hop is node-0 (a multipath route prints `nexthop via` lines).
  const withoutNode1 = new RegExp(`^${VIP.slice(0, -3).replaceAll('.', '\\.')} .*via 192\\.0\\.2\\.10 `);
  try {
    for (let i = 0; i < trials; i++) {
      await until('both next hops and router BFD up', async () => (await l.nextHops(VIP)).length === 2 &&
        (await l.router.vtyshJson<Array<{ peer: string; status: string }>>('show bfd peers json')).some((b) => b.peer === '192.0.2.11' && b.status === 'up'), 60_000);
      const drop = await l.lab.dropTraffic('node-1');
      const routeAt = await routes.next(withoutNode1, drop.startedMs);
      const lastPacket = bfdIn.lastBefore(drop.inPlaceMs);
      if (lastPacket === undefined) throw new Error('no BFD packet from node-1 captured before the drop');
      out.fromDrop.push(routeAt - drop.inPlaceMs);
      out.fromSpawn.push(routeAt - drop.startedMs);
      out.fromLastPacket.push(routeAt - lastPacket);
      await l.lab.restoreTraffic('node-1');
    }
  } finally {
    await routes.stop();
    await bfdIn.stop();
  }
  return out;
}

/** Plan-change and BFD measurements in a 2-node speaker lab. */
async function speakerLab(changes: number, trials: number): Promise<Record<string, number>> {
  const l = await BgpSpeakerLab.start({ nodes: 2, bfd: true, stateIntervalMs: 2000 });
  try {
    const prefixes = [VIP];
    await l.writePlan(0, speakerNodeConf({ index: 0, v4: prefixes, bfd: true }));
    await l.writePlan(1, speakerNodeConf({ index: 1, v4: [VIP], bfd: true }));
    await until('ECMP over both nodes', async () => (await l.nextHops(VIP)).length === 2, 60_000);
    const changeMs: number[] = [];
    for (let i = 0; i < changes; i++) {
      const p = `198.51.100.${10 + i}/32`;
      prefixes.push(p);
      const t0 = performance.now();
      await l.writePlan(0, speakerNodeConf({ index: 0, v4: prefixes, bfd: true }));
      await until(`${p} at the router`, async () => (await l.nextHops(p)).length === 1);
      changeMs.push(performance.now() - t0);
    }
    const bfd = await bfdFailover(l, trials);
    console.log('bgp (speaker processes, 2 nodes, FRR 8.4, eBGP, BFD 100 ms x 3)');
    console.log(`plan change → route at router, ${changes} changes: p50 ${r1(pct(changeMs, 50))} ms, p95 ${r1(pct(changeMs, 95))} ms, max ${r1(Math.max(...changeMs))} ms`);
    const line = (what: string, xs: readonly number[]): void =>
      console.log(`${what}, ${trials} trials: p50 ${r1(pct(xs, 50))} ms, p95 ${r1(pct(xs, 95))} ms; all: ${xs.map((x) => x.toFixed(0)).join(', ')}`);
    line('BFD failover (drop in place → router route without node-1)', bfd.fromDrop);
    line('  from the nft start (upper bound)', bfd.fromSpawn);
    line('  from the last BFD packet received (detect 300 ms + FRR)', bfd.fromLastPacket);
    return {
      changes, change_to_route_p50_ms: r1(pct(changeMs, 50)), change_to_route_p95_ms: r1(pct(changeMs, 95)),
      bfd_trials: trials, bfd_failover_p50_ms: r1(pct(bfd.fromDrop, 50)), bfd_failover_p95_ms: r1(pct(bfd.fromDrop, 95)), bfd_detect_ms: DETECT_MS,
      bfd_failover_from_nft_start_p50_ms: r1(pct(bfd.fromSpawn, 50)), bfd_last_packet_to_route_p50_ms: r1(pct(bfd.fromLastPacket, 50)),
    };
  } finally {
    await l.lab.restoreTraffic('node-1').catch(() => undefined);
    await l.stop();
  }
}

/** Runs the benchmark; prints tables; returns the RESULT object. */
export async function run(argv: readonly string[]): Promise<Record<string, unknown>> {
  const { values } = parseArgs({ args: [...argv], strict: true, options: {
    changes: { type: 'string' }, 'bfd-trials': { type: 'string' }, 'skip-reload': { type: 'boolean' }, 'skip-render': { type: 'boolean' },
  } });
  const changes = Number(values.changes ?? 20);
  const trials = Number(values['bfd-trials'] ?? 10);
  if (!Number.isInteger(changes) || changes < 1 || changes > 100 || !Number.isInteger(trials) || trials < 0 || trials > 50) throw new Error('bad --changes/--bfd-trials');
  // The injected system clock's timers are unref'd; this keeps the process alive while polling.
  const keepAlive = setInterval(() => undefined, 1_000);
  try {
    const labLoad = new LoadSampler();
    const ours = await speakerLab(changes, trials);
    const lab = labLoad.stop();
    console.log(`machine load (1-min average) during the lab part: mean ${lab.mean}, max ${lab.max}`);
    const reload = values['skip-reload'] === true ? {} : await runReload(['--rounds', '1']);
    const render = values['skip-render'] === true ? {} : await runRender([]);
    const pick = (o: Record<string, unknown>, keys: readonly string[]) => Object.fromEntries(keys.filter((k) => k in o).map((k) => [k, o[k]]));
    return {
      ...ours, lab_load1_mean: lab.mean, lab_load1_max: lab.max,
      ...pick(reload, ['announce_1000_s', 'withdraw_1000_s', 'frr_reload_py_announce_1000_s', 'frr_reload_py_withdraw_1000_s', 'ratio_withdraw']),
      ...pick(render, ['plan_bytes_10k', 'render_10k_ms', 'service_change_10k_ms', 'service_change_10k_cpu_ms', 'service_add_10k_ms', 'service_add_10k_cpu_ms']),
    };
  } finally {
    clearInterval(keepAlive);
  }
}
