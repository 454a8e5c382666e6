/**
 * Layer-2 soak (issue 10, proof 6): `npm run bench -- l2soak [--minutes 10] [--nodes 3]
 * [--loss 20] [--no-burn]`.
 *
 * The l2failover lab (each node's real announcer + gossip + responder in its own process) runs
 * for `--minutes` with `--loss` % of the gossip packets (TCP and UDP port 7946, on every node's
 * input) dropped at random by nftables, and one bounded CPU burner per core. Nobody dies, so any
 * failover is false: a member declaring a live one dead or left, any change of who holds the VIP
 * (the members' `l2` events), or the client's arping (once a second) answered by anyone but the
 * leader. Suspicions are counted too: they are expected at this loss and must all be refuted.
 * A row per minute; the RESULT line has the totals.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { CpuBurners } from '../harness/cpu-burner.ts';
import { L2FailoverScenario } from '../harness/l2-failover.ts';
import { falseFailovers, L2Soak, type SoakCounts } from '../harness/l2-soak.ts';

const row = (c: SoakCounts): string => [
  (c.seconds / 60).toFixed(1).padStart(5), String(c.suspicions).padStart(10), String(c.refutations).padStart(11),
  String(c.deaths).padStart(6), String(c.vipChanges).padStart(10), `${c.arp.leaderOnly}/${c.arp.sent}`.padStart(9),
  String(c.arp.foreign).padStart(7), c.messagesPerS.toFixed(0).padStart(8),
  (c.loss.seen === 0 ? 0 : (100 * c.loss.dropped) / c.loss.seen).toFixed(1).padStart(6), loadavg()[0]!.toFixed(2).padStart(6),
].join(' ');

/** Runs the soak and returns the RESULT fields. */
export async function run(argv: readonly string[]): Promise<Record<string, unknown>> {
  const { values } = parseArgs({ args: [...argv], options: {
    minutes: { type: 'string' }, nodes: { type: 'string' }, loss: { type: 'string' }, 'no-burn': { type: 'boolean' },
  } });
  const minutes = Number(values.minutes ?? 10);
  const nodes = Number(values.nodes ?? 3);
  const lossPct = Number(values.loss ?? 20);
  if (!(minutes > 0) || nodes < 3 || !Number.isInteger(lossPct)) throw new Error('want --minutes > 0, --nodes >= 3, --loss an integer percentage');
  const s = await L2FailoverScenario.create(nodes);
  let burners: CpuBurners | undefined;
  let soak: L2Soak | undefined;
  let c: SoakCounts;
  try {
    if (values['no-burn'] !== true) burners = CpuBurners.start(minutes * 60 + 30);
    soak = await L2Soak.start(s, lossPct);
    console.log(`soak: ${nodes} nodes, ${lossPct} % loss on the gossip port, ${burners?.count ?? 0} CPU burners, ${minutes} min; leader ${s.leader}`);
    console.log('  min suspicions refutations deaths vipChanges arp-ok/n foreign  msgs/s drop% load1');
    c = await soak.run(minutes * 60, (x) => console.log(row(x)));
    console.log(row(c));
  } finally {
    await burners?.stop();
    await soak?.stop();
    await s.destroy();
  }
  return {
    minutes, nodes, loss_pct: lossPct, false_failovers: falseFailovers(c), suspicions: c.suspicions,
    messages_per_s: Math.round(c.messagesPerS), messages_per_s_per_node: Math.round(c.messagesPerS / nodes),
    refutations: c.refutations, member_deaths: c.deaths, vip_changes: c.vipChanges,
    arp_probes: c.arp.sent, arp_leader_only: c.arp.leaderOnly, arp_foreign: c.arp.foreign, arp_unanswered: c.arp.unanswered,
    gossip_packets_seen: c.loss.seen, gossip_packets_dropped: c.loss.dropped,
    measured_loss_pct: c.loss.seen === 0 ? null : Math.round((1000 * c.loss.dropped) / c.loss.seen) / 10,
    cpu_burners: burners?.count ?? 0, loadavg_1m: Math.round(loadavg()[0]! * 100) / 100,
  };
}
