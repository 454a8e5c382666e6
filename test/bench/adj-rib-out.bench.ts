/**
 * Cost of one adj-rib-out read: `npm run bench -- adj-rib-out [--prefixes N,M,…] [--rounds R]`.
 *
 * Lab: node-0 (AS 64512, FRR 8.4, config applied by the speaker's FrrApplier) ↔ router (AS
 * 64513), eBGP over IPv6. For each N (default 100,1000,10000) the node announces N `network`
 * /128 statements; once the router holds them, the speaker's reader (readAdvertised: one
 * `show bgp ipv6 unicast neighbors <peer> advertised-routes json` per session and family, JSON
 * parse, compare with the config's expected set) runs R times (default 5); the median and the
 * worst are printed, with the machine's 1-minute load average.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { pollUntil } from '@metallb-ts/lib/time/poll.ts';
import { readAdvertised } from '../../speaker/src/frr/adj-rib-out-reader.ts';
import { expectedRoutesOf } from '../../speaker/src/frr/core/adj-rib-out.ts';
import { Lab } from '../harness/lab.ts';
import { labApplier, neighborAt, nodeConf, routerConf } from '../harness/speaker-frr.ts';

const NODE6 = '2001:db8:0:1::10';
const ROUTER6 = '2001:db8:0:1::1';
const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/** Runs the benchmark; prints a table; returns the RESULT object. */
export async function run(argv: readonly string[]): Promise<Record<string, unknown>> {
  const { values } = parseArgs({ args: [...argv], strict: true, options: { prefixes: { type: 'string' }, rounds: { type: 'string' } } });
  const sizes = (values.prefixes ?? '100,1000,10000').split(',').map(Number);
  const rounds = Number(values.rounds ?? 5);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1 || n > 65_000) || !Number.isInteger(rounds) || rounds < 1) throw new Error('bad --prefixes/--rounds');
  const keepAlive = setInterval(() => undefined, 1_000);
  const lab = await Lab.create({ nodes: 1 });
  const rows: Array<{ prefixes: number; median_ms: number; max_ms: number; missing: number; load1: number }> = [];
  try {
    const router = await lab.startFrr('router', routerConf({ v6: true }));
    const node = await lab.startFrr('node-0', 'frr defaults traditional\n');
    const sp = labApplier(node, {}, 900_000);
    for (const n of sizes) {
      const conf = nodeConf({ peers4: [], peers6: [ROUTER6], v4: [], v6: Array.from({ length: n }, (_, i) => `2001:db8:100::${(i + 1).toString(16)}/128`) });
      const r = await sp.applier.apply(conf);
      if (r.result !== 'applied') throw new Error(`apply: ${r.result} ${r.message}`);
      const up = await pollUntil(async () => ((await neighborAt(router, NODE6)).state === 'Established' ? true : undefined), { timeoutMs: 30_000 });
      if (!up.ok) throw new Error('the session did not come up within 30 s');
      const expected = expectedRoutesOf(conf);
      const sent = await pollUntil(async () => {
        const a = [...(await readAdvertised(sp.cli, 'f'.repeat(64), expected)).values()][0];
        return a !== undefined && a.expected === n && a.missingCount === 0 ? a : undefined;
      }, { timeoutMs: 120_000, intervalMs: 500 });
      if (!sent.ok) throw new Error(`FRR did not advertise the ${n} prefixes within 120 s`);
      const ms: number[] = [];
      let missing = 0;
      for (let i = 0; i < rounds; i++) {
        const t0 = performance.now();
        const a = [...(await readAdvertised(sp.cli, 'f'.repeat(64), expected)).values()][0];
        ms.push(performance.now() - t0);
        missing = a?.missingCount ?? -1;
      }
      rows.push({ prefixes: n, median_ms: Math.round(median(ms)), max_ms: Math.round(Math.max(...ms)), missing, load1: Math.round(loadavg()[0]! * 100) / 100 });
    }
  } finally {
    clearInterval(keepAlive);
    await lab.destroy();
  }
  console.log(`adj-rib-out: one session (eBGP over IPv6, FRR 8.4), ${rounds} reads per size`);
  console.log('prefixes   median ms   max ms   missing   load1');
  for (const r of rows) console.log(`${String(r.prefixes).padStart(8)}   ${String(r.median_ms).padStart(9)}   ${String(r.max_ms).padStart(6)}   ${String(r.missing).padStart(7)}   ${r.load1}`);
  return { rounds, rows };
}
