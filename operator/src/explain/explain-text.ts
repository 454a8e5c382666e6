/**
 * The human transcript of an explanation: stage by stage, one line per pool, advertisement,
 * node and session, and for a failed stage the reason and the object to change. Deterministic
 * (no times, no UIDs), so transcripts can be golden files. Pure.
 */
import { verdictText } from '../allocator/pool-report.ts';
import type { AdjRibOut, NodeAnnounce } from '../conditions/announce-stage.ts';
import type { StageCondition } from '../conditions/conditions.ts';
import type { ServiceExplanation } from './service-explanation.ts';

const verdict = (c: StageCondition): string => `${c.status === 'True' ? 'OK' : c.status === 'Unknown' ? 'UNKNOWN' : 'FAILED'} ${c.reason}: ${c.message}`;

const ADJ_TEXT: Readonly<Record<AdjRibOut, string>> = {
  present: 'in adj-rib-out', missing: 'NOT in adj-rib-out', unlisted: 'adj-rib-out: too many missing to list',
  stale: 'adj-rib-out: report of an older plan', unreported: 'adj-rib-out: not reported',
};
const none = (xs: readonly string[]): string => (xs.length === 0 ? '(none)' : xs.join(', '));
const pad = (s: string, n: number): string => s.padEnd(n);

const SKIP_TEXT: Readonly<Record<string, string>> = {
  nodeNetworkUnavailable: 'excluded: NetworkUnavailable=True',
  networkUnavailable: 'excluded: NetworkUnavailable=True',
  nodeExcluded: 'excluded: node.kubernetes.io/exclude-from-external-load-balancers',
  noServingEndpoint: 'excluded: no serving endpoint here',
  noMatchingAdvertisement: "excluded: no advertisement's nodeSelectors select it",
  notSelected: "excluded: no advertisement's nodeSelectors select it",
  conflictingAdvertisements: 'excluded: advertisements conflict on this prefix',
};

/** One node's line(s). */
function nodeLines(n: NodeAnnounce, width: number): string[] {
  const out: string[] = [];
  const plan = n.planApplied === undefined ? 'plan: no status' : n.planApplied ? 'plan: applied' : 'plan: not applied';
  if (n.bgp !== undefined) {
    if ('skipped' in n.bgp) out.push(`${pad(n.node, width)}  BGP  ${SKIP_TEXT[n.bgp.skipped] ?? n.bgp.skipped}`);
    else if (n.bgp.sessions.length === 0) out.push(`${pad(n.node, width)}  BGP  excluded: no BGPPeer the BGPAdvertisements name runs here; ${plan}`);
    else {
      const sessions = n.bgp.sessions.map((s) => `${s.peer} (${s.state ?? 'not reported'}, ${ADJ_TEXT[s.adjRibOut]})`);
      out.push(`${pad(n.node, width)}  BGP  eligible: ${n.bgp.prefixes.join(', ')} -> ${none(sessions)}; ${plan}`);
    }
  }
  if (n.l2 !== undefined) out.push(`${pad(n.node, width)}  L2   ${n.l2 === 'eligible' ? 'eligible' : SKIP_TEXT[n.l2] ?? n.l2}`);
  return out;
}

/** The transcript lines of `explain service`. */
export function serviceText(e: ServiceExplanation): string[] {
  const out = [`Service ${e.service}`];
  if (e.handledBy === 'notLoadBalancer') return [...out, '  not a LoadBalancer Service: metallb-ts does not handle it'];
  if (e.handledBy === 'otherClass') return [...out, `  loadBalancerClass ${e.loadBalancerClass ?? '(none)'} is not this operator's (--lb-class): another controller handles it`];
  out.push(`Configuration: ${e.config.valid ? 'valid' : 'INVALID'}`);
  for (const err of e.config.errors) out.push(`  ${err}`);
  if (e.config.state !== undefined) out.push(`  ConfigurationState controller: ${e.config.state}`);
  const a = e.allocation;
  if (a !== undefined) {
    out.push('', `1. Address allocation: ${verdict(a.condition)}`);
    // An invalid configuration has no pools to replay (the operator's last valid one is not readable).
    if (e.config.valid) out.push('   pools, in the order allocation tries them:');
    const w = Math.max(0, ...a.pools.map((p) => p.pool.length));
    for (const p of a.pools) out.push(`     ${pad(p.pool, w)}  ${verdictText(p)}`);
    if (a.pools.length === 0 && e.config.valid) out.push('     (no IPAddressPool)');
    out.push(`   address: ${a.ingress.length === 0 ? '(none)' : `${a.ingress.join(', ')} from IPAddressPool ${a.pool ?? '?'}`}`);
    for (const ev of a.events) out.push(`   event: ${ev}`);
  }
  const n = e.announce;
  if (n !== undefined) {
    out.push('', `2. Announcement: ${verdict(n.condition)}`);
    out.push(`   BGPAdvertisements selecting it: ${none(n.bgpAdvertisements)}`, `   L2Advertisements selecting it: ${none(n.l2Advertisements)}`);
    if (n.nodes.length > 0) out.push('   nodes:');
    const w = Math.max(0, ...n.nodes.map((x) => x.node.length));
    for (const node of n.nodes) out.push(...nodeLines(node, w).map((l) => `     ${l}`));
    if (n.l2Advertisements.length > 0) out.push(`   layer-2 announcer (ServiceL2Status): ${n.l2Announcer ?? '(none reported)'}`);
    for (const c of n.conflicts) out.push(`   address conflict: ${c.ip} is also claimed by MAC ${c.mac} on ${c.iface} (seen by node ${c.node}${c.phase === 'probe' ? ', not announced' : ', while announcing'})`);
    out.push('', `3. Reachability: ${verdict(n.reachable)}`);
  }
  out.push('', 'Conditions on the Service:');
  if (e.written.length === 0) out.push('  (none written)');
  for (const c of e.written) out.push(`  ${c.type}=${c.status} ${c.reason ?? ''}: ${c.message ?? ''}`);
  return out;
}
