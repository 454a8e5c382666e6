/**
 * FRR reload speed: `npm run bench -- bgp-reload [--prefixes N] [--rounds R]`.
 *
 * Lab: node-0 (AS 64512, FRR 8.4 driven by the speaker's FrrApplier) ↔ router (AS 64513), eBGP
 * over IPv6. N (default 1,000) `network` /128 statements are announced with one config change,
 * then all withdrawn with one config change. Timed from the apply call until the router's
 * `pfxRcd` for the node is N / 0 (polled every 10 ms, bounded). Our path (diff → one
 * `vtysh -f` batch → running-config check) runs R rounds (default 3, median reported); then, in
 * the same run and lab, the same two changes through `frr-reload.py --reload`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { pollUntil } from '@metallb-ts/lib/time/poll.ts';
import type { FrrInstance } from '../harness/frr.ts';
import { Lab } from '../harness/lab.ts';
import { labApplier, neighborAt, nodeConf, routerConf } from '../harness/speaker-frr.ts';

const NODE6 = '2001:db8:0:1::10';
const ROUTER6 = '2001:db8:0:1::1';

/**
 * Prefixes the router has accepted from the node over IPv6. Asked of bgpd alone (`-d bgpd`):
 * a plain vtysh connects to every daemon first, which made each look ≈2× slower and the
 * measured time later by up to one look.
 */
async function pfxRcd(router: FrrInstance): Promise<number> {
  const r = await router.runVtysh(['-d', 'bgpd', '-c', 'show bgp ipv6 unicast summary json']);
  if (r.exitCode !== 0) throw new Error(`vtysh -d bgpd: ${r.stdout}${r.stderr}`);
  const s = JSON.parse(r.stdout) as { peers?: Record<string, { pfxRcd?: number }> };
  return s.peers?.[NODE6]?.pfxRcd ?? -1;
}

/** Seconds from `t0` until the router holds exactly `want` prefixes from the node. */
async function untilRouterHas(router: FrrInstance, want: number, t0: number, timeoutMs: number): Promise<number> {
  let last = -1;
  const r = await pollUntil(async () => ((last = await pfxRcd(router)) === want ? true : undefined), { timeoutMs, intervalMs: 10 });
  if (!r.ok) throw new Error(`router did not reach ${want} prefixes within ${timeoutMs} ms (has ${last})`);
  return (performance.now() - t0) / 1000;
}

/** The applier's timings of one apply, from its 'config applied' log line. */
interface Phases {
  readonly prepareMs: number;
  readonly checkMs: number;
  readonly batchMs: number;
  readonly verifyMs: number;
}

function lastPhases(logs: readonly string[]): Phases {
  const line = logs.findLast((l) => l.includes('"config applied"'));
  if (line === undefined) throw new Error('the applier logged no "config applied"');
  const j = JSON.parse(line) as Partial<Phases>;
  return { prepareMs: j.prepareMs ?? NaN, checkMs: j.checkMs ?? NaN, batchMs: j.batchMs ?? NaN, verifyMs: j.verifyMs ?? NaN };
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const r3 = (x: number): number => Math.round(x * 1000) / 1000;

/** Runs the benchmark; prints a table; returns the RESULT object. */
export async function run(argv: readonly string[]): Promise<Record<string, unknown>> {
  const { values } = parseArgs({ args: [...argv], strict: true, options: { prefixes: { type: 'string' }, rounds: { type: 'string' } } });
  const n = Number(values.prefixes ?? 1000);
  const rounds = Number(values.rounds ?? 3);
  if (!Number.isInteger(n) || n < 1 || n > 65_000 || !Number.isInteger(rounds) || rounds < 1) throw new Error('bad --prefixes/--rounds');
  const nets = Array.from({ length: n }, (_, i) => `2001:db8:100::${(i + 1).toString(16)}/128`);
  const empty = nodeConf({ peers4: [], peers6: [ROUTER6], v4: [] });
  const full = nodeConf({ peers4: [], peers6: [ROUTER6], v4: [], v6: nets });
  // The injected system clock's timers are unref'd; this keeps the process alive while polling.
  const keepAlive = setInterval(() => undefined, 1_000);
  const lab = await Lab.create({ nodes: 1 });
  try {
    const router = await lab.startFrr('router', routerConf({ v6: true }));
    const node = await lab.startFrr('node-0', 'frr defaults traditional\n');
    const sp = labApplier(node, {}, 900_000);
    const first = await sp.applier.apply(empty);
    if (first.result !== 'applied') throw new Error(`initial apply: ${first.result} ${first.message}`);
    await pollUntil(async () => ((await neighborAt(router, NODE6)).state === 'Established' ? true : undefined), { timeoutMs: 30_000 });
    await untilRouterHas(router, 0, performance.now(), 30_000);

    const ours = { announce: [] as number[], withdraw: [] as number[], applyA: [] as number[], applyW: [] as number[] };
    const phases: Record<'announce' | 'withdraw', Phases[]> = { announce: [], withdraw: [] };
    for (let i = 0; i < rounds; i++) {
      for (const [conf, want, total, call] of [[full, n, ours.announce, ours.applyA], [empty, 0, ours.withdraw, ours.applyW]] as const) {
        const t0 = performance.now();
        const r = await sp.applier.apply(conf);
        call.push((performance.now() - t0) / 1000);
        if (r.result !== 'applied' || r.method !== 'batch') throw new Error(`apply: ${r.result}/${r.method} ${r.message}`);
        total.push(await untilRouterHas(router, want, t0, 60_000));
        phases[want === 0 ? 'withdraw' : 'announce'].push(lastPhases(sp.logs));
      }
    }
    const session = await neighborAt(router, NODE6);

    const py = { announce: 0, withdraw: 0, callA: 0, callW: 0 };
    for (const [conf, want, key, call] of [[full, n, 'announce', 'callA'], [empty, 0, 'withdraw', 'callW']] as const) {
      const file = join(node.dir, `bench-${key}.conf`);
      writeFileSync(file, conf, { mode: 0o600 });
      const t0 = performance.now();
      const r = await sp.cli.fullReload(file);
      py[call] = (performance.now() - t0) / 1000;
      if (r.exitCode !== 0) throw new Error(`frr-reload.py exited ${r.exitCode}: ${r.stdout.slice(-500)}${r.stderr.slice(-500)}`);
      py[key] = await untilRouterHas(router, want, t0, 900_000);
    }

    const res = {
      prefixes: n, rounds,
      announce_1000_s: r3(median(ours.announce)), withdraw_1000_s: r3(median(ours.withdraw)),
      apply_call_announce_s: r3(median(ours.applyA)), apply_call_withdraw_s: r3(median(ours.applyW)),
      frr_reload_py_announce_1000_s: r3(py.announce), frr_reload_py_withdraw_1000_s: r3(py.withdraw),
      frr_reload_py_call_withdraw_s: r3(py.callW),
      ratio_withdraw: r3(py.withdraw / median(ours.withdraw)),
      ratio_announce: r3(py.announce / median(ours.announce)),
      session_resets_during_our_rounds: session.established - 1,
    };
    console.log(`bgp-reload: ${n} IPv6 /128 network statements, FRR 8.4, eBGP over IPv6 in netns`);
    console.log('path                 change    apply call s   until router s');
    console.log(`speaker diff batch   announce  ${res.apply_call_announce_s.toFixed(3).padStart(12)}   ${res.announce_1000_s.toFixed(3).padStart(14)}   (median of ${rounds}: ${ours.announce.map((x) => x.toFixed(3)).join(', ')})`);
    console.log(`speaker diff batch   withdraw  ${res.apply_call_withdraw_s.toFixed(3).padStart(12)}   ${res.withdraw_1000_s.toFixed(3).padStart(14)}   (median of ${rounds}: ${ours.withdraw.map((x) => x.toFixed(3)).join(', ')})`);
    console.log(`frr-reload.py        announce  ${py.callA.toFixed(3).padStart(12)}   ${res.frr_reload_py_announce_1000_s.toFixed(3).padStart(14)}`);
    console.log(`frr-reload.py        withdraw  ${py.callW.toFixed(3).padStart(12)}   ${res.frr_reload_py_withdraw_1000_s.toFixed(3).padStart(14)}`);
    console.log(`withdraw ratio frr-reload.py / ours: ${res.ratio_withdraw}x; announce: ${res.ratio_announce}x`);
    console.log('our path by phase, ms (median): diff = read, fill, parse, diff; check = vtysh --dryrun of the batch; batch = vtysh -f;');
    console.log('  verify = show running-config + compare (the router converges meanwhile); router = until router - (diff + check + batch)');
    for (const key of ['announce', 'withdraw'] as const) {
      const m = (f: (p: Phases) => number): string => median(phases[key].map(f)).toFixed(0).padStart(6);
      const lag = phases[key].map((p, i) => ours[key][i]! * 1000 - p.prepareMs - p.checkMs - p.batchMs);
      console.log(`  ${key.padEnd(8)} diff ${m((p) => p.prepareMs)}  check ${m((p) => p.checkMs)}  batch ${m((p) => p.batchMs)}  verify ${m((p) => p.verifyMs)}  router ${median(lag).toFixed(0).padStart(6)}`);
    }
    return res;
  } finally {
    clearInterval(keepAlive);
    await lab.destroy();
  }
}
