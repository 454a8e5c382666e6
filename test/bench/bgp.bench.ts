/**
 * The BGP benchmark: `npm run bench -- bgp [--changes N] [--bfd-trials N] [--skip-reload] [--skip-render]`.
 *
 * 1. Plan change → route at the router: two lab nodes run FRR and the speaker as separate
 *    processes (real apiserver); each of N changes (default 20) adds one prefix to node-0's
 *    NodePlan; timed from the write until the router's RIB holds it (polled every 10 ms).
 * 2. BFD failover: 100 ms × 3 on both ends; node-1's traffic is dropped with nftables (a silent
 *    failure); timed until the router has removed node-1's next hop for the VIP; then traffic is
 *    restored and the next hop is awaited before the next trial (default 10 trials).
 * 3. The 1,000-prefix announce/withdraw of bgp-reload (our batch vs frr-reload.py, same run)
 *    and the 10,000-Service render/plan size of bgp-render, by calling their `run`.
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { pollUntil } from '@metallb-ts/lib/time/poll.ts';
import { BgpSpeakerLab, speakerNodeConf } from '../harness/bgp-speaker-lab.ts';
import { run as runReload } from './bgp-reload.bench.ts';
import { run as runRender } from './bgp-render.bench.ts';

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
    const failMs: number[] = [];
    for (let i = 0; i < trials; i++) {
      await until('both next hops and router BFD up', async () => (await l.nextHops(VIP)).length === 2 &&
        (await l.router.vtyshJson<Array<{ peer: string; status: string }>>('show bfd peers json')).some((b) => b.peer === '192.0.2.11' && b.status === 'up'), 60_000);
      const t0 = performance.now();
      await l.lab.dropTraffic('node-1');
      await until('node-1 next hop removed', async () => (await l.nextHops(VIP)).join() === '192.0.2.10', 10_000);
      failMs.push(performance.now() - t0);
      await l.lab.restoreTraffic('node-1');
    }
    console.log('bgp (speaker processes, 2 nodes, FRR 8.4, eBGP, BFD 100 ms x 3)');
    console.log(`plan change → route at router, ${changes} changes: p50 ${r1(pct(changeMs, 50))} ms, p95 ${r1(pct(changeMs, 95))} ms, max ${r1(Math.max(...changeMs))} ms`);
    console.log(`BFD failover (drop → next hop gone), ${trials} trials: p50 ${r1(pct(failMs, 50))} ms, p95 ${r1(pct(failMs, 95))} ms; all: ${failMs.map((x) => x.toFixed(0)).join(', ')}`);
    return {
      changes, change_to_route_p50_ms: r1(pct(changeMs, 50)), change_to_route_p95_ms: r1(pct(changeMs, 95)),
      bfd_trials: trials, bfd_failover_p50_ms: r1(pct(failMs, 50)), bfd_failover_p95_ms: r1(pct(failMs, 95)), bfd_detect_ms: DETECT_MS,
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
    const ours = await speakerLab(changes, trials);
    const reload = values['skip-reload'] === true ? {} : await runReload(['--rounds', '1']);
    const render = values['skip-render'] === true ? {} : await runRender([]);
    const pick = (o: Record<string, unknown>, keys: readonly string[]) => Object.fromEntries(keys.filter((k) => k in o).map((k) => [k, o[k]]));
    return {
      ...ours,
      ...pick(reload, ['announce_1000_s', 'withdraw_1000_s', 'frr_reload_py_announce_1000_s', 'frr_reload_py_withdraw_1000_s', 'ratio_withdraw']),
      ...pick(render, ['plan_bytes_10k', 'render_10k_ms']),
    };
  } finally {
    clearInterval(keepAlive);
  }
}
