/**
 * Layer-2 failover (issue 10, proofs 3 and 4): `npm run bench -- l2failover [--trials 20]
 * [--nodes 3] [--handovers 5] [--no-reply]`.
 *
 * N lab nodes run the real announcer + gossip + responder (l2-node-child.ts) for one VIP. Per
 * failover trial the leader's process is SIGSTOPped and its traffic dropped (a silent death);
 * the time is from the SIGSTOP until the client's kernel neighbour entry for the VIP (polled
 * every 10 ms, never flushed: only gratuitous frames move it) points at the next node. Then the
 * node resumes, refutes, takes the VIP back, and the next trial starts. Per handover trial the
 * leader gets SIGTERM while the client pings the VIP every 50 ms; reported: the time until the
 * client follows, and pings lost. Last, unless --no-reply, the l2-reply bench (1,000 VIPs,
 * 1,000 requests/s for 5 s) gives arp_reply_p99_ms_1k_vips.
 */
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { L2FailoverScenario } from '../harness/l2-failover.ts';
import { run as replyBench } from './l2-reply.bench.ts';
import { percentile } from './service-load.ts';

const round = (x: number | undefined): number | null => (x === undefined || Number.isNaN(x) ? null : Math.round(x));

/** Runs the bench and returns the RESULT fields. */
export async function run(argv: readonly string[]): Promise<Record<string, unknown>> {
  const { values } = parseArgs({ args: [...argv], options: {
    trials: { type: 'string' }, nodes: { type: 'string' }, handovers: { type: 'string' }, 'no-reply': { type: 'boolean' },
  } });
  const trials = Number(values.trials ?? 20);
  const handovers = Number(values.handovers ?? 5);
  const s = await L2FailoverScenario.create(Number(values.nodes ?? 3));
  const failover: number[] = [];
  const handover: number[] = [];
  const recoveries: number[] = [];
  let failed = 0;
  let lost = 0;
  let sent = 0;
  try {
    console.log('trial  kind       from    -> to       ms');
    for (let i = 0; i < trials; i++) {
      const t = await s.silentFailover();
      if (t.ms === undefined) failed++;
      else failover.push(t.ms);
      console.log(`${String(i + 1).padStart(5)}  failover   ${t.from} -> ${t.to}  ${t.ms?.toFixed(0) ?? 'never'}`);
      const back = await s.recover(t.from, t.to);
      if (back === undefined) throw new Error(`trial ${i + 1}: ${t.to} never gave ${t.from} the VIP back`);
      recoveries.push(back);
      await sleep(1_000); // gossip settles
    }
    for (let i = 0; i < handovers; i++) {
      const h = await s.gracefulHandover();
      if (h.ms === undefined) failed++;
      else handover.push(h.ms);
      lost += h.loss.sent - h.loss.received;
      sent += h.loss.sent;
      console.log(`${String(i + 1).padStart(5)}  handover   ${h.from} -> ${h.to}  ${h.ms?.toFixed(0) ?? 'never'}  lost ${h.loss.sent - h.loss.received}/${h.loss.sent}`);
      await s.restart(h.from);
      await s.procs.get(h.from)!.waitFor((e) => e.event === 'l2' && e['state'] === 'announced', 0, 30_000);
      await sleep(1_500);
    }
  } finally {
    await s.destroy();
  }
  console.log(`failover p50 ${percentile(failover, 50).toFixed(0)} ms, p99 ${percentile(failover, 99).toFixed(0)} ms over ${failover.length}; ` +
    `handover p50 ${percentile(handover, 50).toFixed(0)} ms over ${handover.length}, ${lost}/${sent} pings lost; ${failed} never followed`);
  const reply = values['no-reply'] === true ? undefined : await replyBench(['--vips', '1000', '--rate', '1000', '--seconds', '5']);
  return {
    trials: failover.length, nodes: Number(values.nodes ?? 3),
    failover_p50_ms: round(percentile(failover, 50)), failover_p99_ms: round(percentile(failover, 99)), failover_max_ms: round(Math.max(...failover)),
    handover_trials: handover.length, handover_p50_ms: round(percentile(handover, 50)), handover_lost_packets: lost, handover_pings_sent: sent,
    never_followed: failed, recovery_p50_ms: round(percentile(recoveries, 50)),
    arp_reply_p99_ms_1k_vips: reply?.['arp_reply_p99_ms_1k_vips'] ?? null,
    loadavg_1m: Math.round(loadavg()[0]! * 100) / 100,
  };
}
