/**
 * Layer-2 failover (issue 10, proofs 3 and 4): `npm run bench -- l2failover [--trials 20]
 * [--nodes 3] [--handovers 5] [--no-reply] [--lab children|speakers]`.
 *
 * `--lab speakers` runs the same trials through the product (l2-speaker-failover.ts): a real
 * apiserver with the chart, the operator writing the NodePlans, one speaker binary per node
 * finding its peers through the speaker Pods and gossiping with the memberlist Secret's key; a
 * graceful trial SIGTERMs a speaker and restarts it. The default (`children`) is described next.
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
import { L2FailoverScenario, type Takeover } from '../harness/l2-failover.ts';
import type { PingLoss } from '../harness/l2-node.ts';
import { L2SpeakerFailoverScenario } from '../harness/l2-speaker-failover.ts';
import { run as replyBench } from './l2-reply.bench.ts';
import { percentile } from './service-load.ts';

const round = (x: number | undefined): number | null => (x === undefined || Number.isNaN(x) ? null : Math.round(x));

/** Runs the bench and returns the RESULT fields. */
export async function run(argv: readonly string[]): Promise<Record<string, unknown>> {
  const { values } = parseArgs({ args: [...argv], options: {
    trials: { type: 'string' }, nodes: { type: 'string' }, handovers: { type: 'string' }, 'no-reply': { type: 'boolean' }, lab: { type: 'string' },
  } });
  const trials = Number(values.trials ?? 20);
  const handovers = Number(values.handovers ?? 5);
  const lab = values.lab ?? 'children';
  if (lab !== 'children' && lab !== 'speakers') throw new Error(`--lab: want children or speakers, got ${lab}`);
  const nodes = Number(values.nodes ?? 3);
  const m = await trialsOn(lab === 'speakers' ? await speakerLab(nodes) : await childLab(nodes), trials, handovers);
  const { failover, handover, recoveries, failed, lost, sent } = m;
  console.log(`failover p50 ${percentile(failover, 50).toFixed(0)} ms, p99 ${percentile(failover, 99).toFixed(0)} ms over ${failover.length}; ` +
    `handover p50 ${percentile(handover, 50).toFixed(0)} ms over ${handover.length}, ${lost}/${sent} pings lost; ${failed} never followed`);
  const reply = values['no-reply'] === true ? undefined : await replyBench(['--vips', '1000', '--rate', '1000', '--seconds', '5']);
  return {
    lab, trials: failover.length, nodes,
    failover_p50_ms: round(percentile(failover, 50)), failover_p99_ms: round(percentile(failover, 99)), failover_max_ms: round(Math.max(...failover)),
    handover_trials: handover.length, handover_p50_ms: round(percentile(handover, 50)), handover_lost_packets: lost, handover_pings_sent: sent,
    never_followed: failed, recovery_p50_ms: round(percentile(recoveries, 50)),
    arp_reply_p99_ms_1k_vips: reply?.['arp_reply_p99_ms_1k_vips'] ?? null,
    loadavg_1m: Math.round(loadavg()[0]! * 100) / 100,
  };
}

/** What the trials measured. */
interface Measured {
  readonly failover: number[];
  readonly handover: number[];
  readonly recoveries: number[];
  readonly failed: number;
  readonly lost: number;
  readonly sent: number;
}

const failoverRow = (i: number, t: Takeover): string => `${String(i + 1).padStart(5)}  failover   ${t.from} -> ${t.to}  ${t.ms?.toFixed(0) ?? 'never'}`;
const handoverRow = (i: number, h: Takeover & { readonly loss: PingLoss }): string =>
  `${String(i + 1).padStart(5)}  handover   ${h.from} -> ${h.to}  ${h.ms?.toFixed(0) ?? 'never'}  lost ${h.loss.sent - h.loss.received}/${h.loss.sent}`;

/** One lab the trials run on: its scenario's steps, as the trial loop calls them. */
interface TrialLab {
  /** The table header. */
  readonly header: string;
  silentFailover(): Promise<Takeover>;
  /** The time until the trial's leader is back; undefined if it never is. */
  recover(t: Takeover): Promise<number | undefined>;
  /** What did not happen when `recover` gave undefined. */
  neverBack(t: Takeover): string;
  gracefulHandover(): Promise<Takeover & { readonly loss: PingLoss }>;
  /** Starts the stopped leader of a handover again and waits until it announces. */
  restart(from: Takeover['from']): Promise<void>;
  destroy(): Promise<void>;
}

/** The trials through the operator and the speaker binaries (l2-speaker-failover.ts). */
async function speakerLab(nodes: number): Promise<TrialLab> {
  const s = await L2SpeakerFailoverScenario.create(nodes);
  return {
    header: 'trial  kind       from    -> to       ms   (operator + speaker binaries)',
    silentFailover: () => s.silentFailover(),
    recover: (t) => s.recover(t.from),
    neverBack: (t) => `the client never came back to ${t.from}`,
    gracefulHandover: () => s.gracefulHandover(),
    restart: (from) => s.restart(from), // resolves once the client resolves the VIP to it
    destroy: () => s.destroy(),
  };
}

/** The trials through per-node children running the speaker's layer-2 part (l2-node-child.ts). */
async function childLab(nodes: number): Promise<TrialLab> {
  const s = await L2FailoverScenario.create(nodes);
  return {
    header: 'trial  kind       from    -> to       ms',
    silentFailover: () => s.silentFailover(),
    recover: (t) => s.recover(t.from, t.to),
    neverBack: (t) => `${t.to} never gave ${t.from} the VIP back`,
    gracefulHandover: () => s.gracefulHandover(),
    restart: async (from) => {
      await s.restart(from);
      await s.procs.get(from)!.waitFor((e) => e.event === 'l2' && e['state'] === 'announced', 0, 30_000);
    },
    destroy: () => s.destroy(),
  };
}

/** `trials` silent failovers, then `handovers` graceful ones, on `lab` (destroyed at the end). */
async function trialsOn(lab: TrialLab, trials: number, handovers: number): Promise<Measured> {
  const failover: number[] = [];
  const handover: number[] = [];
  const recoveries: number[] = [];
  let failed = 0;
  let lost = 0;
  let sent = 0;
  try {
    console.log(lab.header);
    for (let i = 0; i < trials; i++) {
      const t = await lab.silentFailover();
      if (t.ms === undefined) failed++;
      else failover.push(t.ms);
      console.log(failoverRow(i, t));
      const back = await lab.recover(t);
      if (back === undefined) throw new Error(`trial ${i + 1}: ${lab.neverBack(t)}`);
      recoveries.push(back);
      await sleep(1_000); // gossip settles
    }
    for (let i = 0; i < handovers; i++) {
      const h = await lab.gracefulHandover();
      if (h.ms === undefined) failed++;
      else handover.push(h.ms);
      lost += h.loss.sent - h.loss.received;
      sent += h.loss.sent;
      console.log(handoverRow(i, h));
      await lab.restart(h.from);
      await sleep(1_500);
    }
  } finally {
    await lab.destroy();
  }
  return { failover, handover, recoveries, failed, lost, sent };
}
