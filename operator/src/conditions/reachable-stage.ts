/**
 * The Reachable stage of one Service (pure): whether FRR has sent its prefixes to the peers,
 * according to the adj-rib-out each node's speaker compares with its plan (NodePlan
 * status.peers[].advertised, speaker/src/frr/core/adj-rib-out.ts). True when at least one
 * session carries them; False when every session that should carry them has not (`NotAdvertised`,
 * naming node, peer and prefix) or none should (`NotAnnounced`); Unknown for layer 2 (no router
 * tells us what it learned) and while a speaker has not reported the current plan. A report of
 * an older plan (the plan changed, the speaker has not re-read yet) keeps the stored verdict, so a
 * plan change for other Services writes nothing here.
 */
import type { AnnounceReport, NodeAnnounce, PeerSession } from './announce-stage.ts';
import { REACHABLE, type ReachableReason, type StageCondition, type StoredCondition } from './conditions.ts';

type Parts = Pick<AnnounceReport, 'bgpAdvertisements' | 'l2Advertisements' | 'nodes'>;

const cond = (status: StageCondition['status'], reason: ReachableReason, message: string): StageCondition => ({ type: REACHABLE, status, reason, message });

/** One session that should carry the Service's prefixes, with its node. */
interface Pair {
  readonly node: string;
  readonly prefixes: readonly string[];
  readonly session: PeerSession;
}

const pairsOf = (nodes: readonly NodeAnnounce[]): Pair[] =>
  nodes.flatMap((n) => (n.bgp === undefined || 'skipped' in n.bgp ? [] : n.bgp.sessions.map((session) => ({ node: n.node, prefixes: n.bgp !== undefined && 'prefixes' in n.bgp ? n.bgp.prefixes : [], session }))));

const named = (p: Pair): string => `node ${p.node} to BGPPeer ${p.session.peer}`;

const REASONS: ReadonlySet<string> = new Set<ReachableReason>(['Advertised', 'NotAdvertised', 'NotAnnounced', 'NotAllocated', 'ReportPending', 'Layer2Only']);

/** A stored Reachable condition as a verdict, if it is one of ours. */
function storedVerdict(c: StoredCondition | undefined): StageCondition | undefined {
  if (c === undefined || c.type !== REACHABLE || c.reason === undefined || !REASONS.has(c.reason)) return undefined;
  if (c.status !== 'True' && c.status !== 'False' && c.status !== 'Unknown') return undefined;
  return cond(c.status, c.reason as ReachableReason, c.message ?? '');
}

/** The Reachable condition (of a Service holding no address: `r` undefined) and whether it waits for a report; see the module comment. */
export function reachableConditionFor(key: string, r: Parts | undefined, previous: StoredCondition | undefined): { reachable: StageCondition; reachableWaits: boolean } {
  const done = (reachable: StageCondition, reachableWaits = false) => ({ reachable, reachableWaits });
  if (r === undefined) return done(cond('False', 'NotAllocated', `Service ${key} holds no address yet (see condition metallb.io/AddressAllocated)`));
  if (r.bgpAdvertisements.length === 0) {
    const l2 = r.l2Advertisements.length > 0;
    return done(cond(l2 ? 'Unknown' : 'False', l2 ? 'Layer2Only' : 'NotAnnounced', l2
      ? 'announced in layer 2 only: we cannot know it for layer 2 (no router reports what it learned); see metallb.io/Announced and ServiceL2Status'
      : `no BGPAdvertisement selects Service ${key} (see condition metallb.io/Announced)`));
  }
  const pairs = pairsOf(r.nodes);
  if (pairs.some((p) => p.session.adjRibOut === 'stale')) {
    const kept = storedVerdict(previous);
    if (kept !== undefined) return done(kept, true);
  }
  const present = pairs.filter((p) => p.session.adjRibOut === 'present');
  // Peers, not node+peer pairs: one node's session flapping while another carries the prefix
  // must not rewrite every Service of that node (explain lists the nodes).
  if (present.length > 0) return done(cond('True', 'Advertised', `in FRR's adj-rib-out to ${[...new Set(present.map((p) => p.session.peer))].sort().map((p) => `BGPPeer ${p}`).join(', ')}`));
  const waiting = pairs.filter((p) => p.session.adjRibOut === 'stale' || p.session.adjRibOut === 'unreported' || p.session.adjRibOut === 'unlisted');
  if (waiting.length > 0) {
    return done(cond('Unknown', 'ReportPending', `the speaker has not reported the adj-rib-out of ${waiting.map(named).join(', ')} for its current plan yet (NodePlan status.peers[].advertised)`), true);
  }
  if (pairs.length > 0) {
    const why = pairs.map((p) => `${p.prefixes.join(', ')} is not in the adj-rib-out of BGPPeer ${p.session.peer} on node ${p.node} (session ${p.session.state ?? 'not reported'})`);
    return done(cond('False', 'NotAdvertised', `${why.join('; ')}: check the BGPPeer, the router and the node's NodePlan status`));
  }
  return done(cond('False', 'NotAnnounced', `no node sends Service ${key}'s prefixes to a BGP peer (see condition metallb.io/Announced)`));
}
