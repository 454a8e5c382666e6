/**
 * The announcement stage of one Service (pure): which advertisements select its pool, what
 * every node does with it — BGP: the prefixes it announces and to which peers (announcementsFor,
 * the code that renders the node's frr.conf), layer 2: whether it is eligible (candidatesFor,
 * the code that writes the node's spec.l2) — and what the speakers report back (BGP session
 * state in each NodePlan's status, the announcing node in ServiceL2Status). The Announced
 * condition and `metallb-ts explain` are both read off this one report.
 */
import type { Config } from '../config/types.ts';
import { announcementsFor, type NodeFacts, type ServiceFacts, type SkipReason } from '../frr/announcements.ts';
import { candidatesFor, EXCLUDE_LB_LABEL } from '../layer2/l2-duties.ts';
import { l2ServiceOf } from '../layer2/l2-inputs.ts';
import { nodeName } from '@metallb-ts/lib/ids/ids.ts';
import type { ConflictClaim } from '@metallb-ts/lib/plan/l2-conflict-text.ts';
import { ANNOUNCED, type AnnounceReason, type StageCondition, type StoredCondition } from './conditions.ts';
import { reachableConditionFor } from './reachable-stage.ts';

/** A session's adj-rib-out as the speaker reported it (NodePlan status.peers[].advertised). */
export interface AdvertisedReport {
  /** spec.frr.sha256 of the config whose expected routes were compared. */
  readonly planSha256: string;
  readonly expected: number;
  readonly missingCount: number;
  /** The first missing prefixes (lower case). */
  readonly missing: readonly string[];
}

/** What a node's speaker reported in its NodePlan status. */
export interface PlanReport {
  /** The speaker runs the frr.conf the plan asks for (status.appliedSha256 = spec.frr.sha256). */
  readonly applied: boolean;
  /** BGP state per BGPPeer name (FRR's words: Established, Active, ...). */
  readonly sessions: ReadonlyMap<string, string>;
  /** spec.frr.sha256 of the plan now (a report of another one is stale). */
  readonly planSha256?: string;
  /** The adj-rib-out report per BGPPeer name (absent: not read yet). */
  readonly advertised?: ReadonlyMap<string, AdvertisedReport>;
  /** VIPs another host claims on the LAN, as the node's layer 2 reports (Layer2AddressConflict). */
  readonly conflicts?: readonly ConflictClaim[];
}

/** Inputs of {@link announceReportFor}. */
export interface AnnounceInput {
  readonly config: Config;
  /** Every Node, parsed (plan-inputs.ts nodeFactsFrom). */
  readonly nodes: readonly NodeFacts[];
  /** The Service with its (about to be) written addresses; undefined when it holds none. */
  readonly service: ServiceFacts | undefined;
  /** Service key, shown when `service` is undefined. */
  readonly key: string;
  /** The NodePlan status of a node; undefined when its speaker reported nothing yet. */
  readonly plan: (node: string) => PlanReport | undefined;
  /** The node announcing the Service in layer 2 (its ServiceL2Status), if any. */
  readonly l2Announcer: (service: string) => string | undefined;
  /** MetalLB's `--ignore-exclude-lb`. */
  readonly ignoreExcludeLb?: boolean;
  /** The Reachable condition stored on the Service (kept while a report is stale). */
  readonly previousReachable?: StoredCondition;
}

/**
 * Whether a session's adj-rib-out holds the Service's prefixes: `present`; `missing` (listed
 * missing, or the session is down); `unlisted` (more missing than listed, not among them);
 * `stale` (the report is of an older plan); `unreported`.
 */
export type AdjRibOut = 'present' | 'missing' | 'unlisted' | 'stale' | 'unreported';

/** One BGP session carrying the Service's prefixes. */
export interface PeerSession {
  readonly peer: string;
  /** From the NodePlan status; undefined when not reported. */
  readonly state: string | undefined;
  /** The Service's prefixes in FRR's adj-rib-out for this peer. */
  readonly adjRibOut: AdjRibOut;
}

/** A conflict on one of the Service's VIPs, as a node reports it. */
export interface NodeConflict extends ConflictClaim {
  readonly node: string;
}

/** One node's part. */
export interface NodeAnnounce {
  readonly node: string;
  /** BGP: the prefixes and sessions, or why the node does not announce it (absent: no BGP). */
  readonly bgp?: { readonly prefixes: readonly string[]; readonly sessions: readonly PeerSession[] } | { readonly skipped: SkipReason };
  /** Layer 2: eligible, or why not (absent: no L2Advertisement selects the Service). */
  readonly l2?: 'eligible' | 'networkUnavailable' | 'nodeExcluded' | 'noServingEndpoint' | 'notSelected';
  /** Its speaker runs its current plan (undefined: no status yet). */
  readonly planApplied: boolean | undefined;
}

/** The whole stage. */
export interface AnnounceReport {
  /** BGPAdvertisements selecting the Service's pool and labels. */
  readonly bgpAdvertisements: readonly string[];
  /** L2Advertisements selecting the Service's pool and labels. */
  readonly l2Advertisements: readonly string[];
  readonly nodes: readonly NodeAnnounce[];
  /** The node answering ARP/NDP for it, as its speaker reports. */
  readonly l2Announcer: string | undefined;
  /** Another host claims one of its VIPs on the LAN (layer 2 only). */
  readonly conflicts: readonly NodeConflict[];
  readonly condition: StageCondition;
  /** The Reachable condition (reachable-stage.ts). */
  readonly reachable: StageCondition;
  /** The Reachable verdict waits for a node to report its current plan's adj-rib-out. */
  readonly reachableWaits: boolean;
}

const selects = (sels: readonly { matches(l: Readonly<Record<string, string>>): boolean }[], labels: Readonly<Record<string, string>>): boolean =>
  sels.length === 0 || sels.some((s) => s.matches(labels));

/** Why a node is not a layer-2 candidate (candidatesFor said it is not). */
function l2Why(n: NodeFacts, svc: ServiceFacts, ignoreExclude: boolean): Exclude<NodeAnnounce['l2'], 'eligible' | undefined> {
  if (n.networkUnavailable) return 'networkUnavailable';
  if (!ignoreExclude && Object.hasOwn(n.labels, EXCLUDE_LB_LABEL)) return 'nodeExcluded';
  if (svc.servingNodes.size === 0 || (svc.trafficPolicyLocal && !svc.servingNodes.has(n.name))) return 'noServingEndpoint';
  return 'notSelected';
}

/** Every node's BGP and layer-2 part for the Service. */
function nodesFor(i: AnnounceInput, svc: ServiceFacts, bgp: boolean, l2: boolean): NodeAnnounce[] {
  const l2Nodes = i.nodes.map((n) => ({ name: nodeName(n.name), labels: n.labels, networkUnavailable: n.networkUnavailable }));
  const eligible = l2 ? candidatesFor(l2ServiceOf(svc), { l2Advertisements: i.config.l2Advertisements, nodes: l2Nodes, services: [], ...(i.ignoreExcludeLb === undefined ? {} : { ignoreExcludeLb: i.ignoreExcludeLb }) }) : new Map();
  return i.nodes.map((n): NodeAnnounce => {
    const plan = i.plan(n.name);
    const out: { -readonly [K in keyof NodeAnnounce]: NodeAnnounce[K] } = { node: n.name, planApplied: plan?.applied };
    if (bgp) {
      const a = announcementsFor(i.config, n, [svc]);
      const skipped = a.skipped.get(svc.key);
      const peers = [...new Set(a.announcements.flatMap((x) => x.peers))].sort();
      const prefixesTo = (peer: string): string[] => a.announcements.filter((x) => x.peers.includes(peer)).map((x) => x.prefix.text.toLowerCase());
      out.bgp = skipped !== undefined ? { skipped } : {
        prefixes: [...new Set(a.announcements.map((x) => x.prefix.text))],
        sessions: peers.map((peer) => ({ peer, state: plan?.sessions.get(peer), adjRibOut: adjRibOutOf(plan, peer, prefixesTo(peer)) })),
      };
    }
    if (l2) out.l2 = eligible.has(n.name) ? 'eligible' : l2Why(n, svc, i.ignoreExcludeLb === true);
    return out;
  });
}

/** See {@link AdjRibOut}. */
function adjRibOutOf(plan: PlanReport | undefined, peer: string, prefixes: readonly string[]): AdjRibOut {
  const state = plan?.sessions.get(peer);
  if (state !== undefined && state !== 'Established') return 'missing';
  const r = plan?.advertised?.get(peer);
  if (r === undefined || state === undefined) return 'unreported';
  if (r.planSha256 !== plan?.planSha256) return 'stale';
  if (prefixes.some((p) => r.missing.includes(p))) return 'missing';
  return r.missingCount > r.missing.length ? 'unlisted' : 'present';
}

const cond = (status: 'True' | 'False', reason: AnnounceReason, message: string): StageCondition => ({ type: ANNOUNCED, status, reason, message });

/** The report of the Service's announcement stage; see the module comment. */
export function announceReportFor(i: AnnounceInput): AnnounceReport {
  const svc = i.service;
  if (svc === undefined) {
    const parts = { bgpAdvertisements: [], l2Advertisements: [], nodes: [], l2Announcer: undefined, conflicts: [] };
    return { ...parts, condition: cond('False', 'NotAllocated', `Service ${i.key} holds no address yet (see condition metallb.io/AddressAllocated)`), ...reachableConditionFor(i.key, undefined, i.previousReachable) };
  }
  const bgpAds = i.config.bgpAdvertisements.filter((ad) => ad.pools.includes(svc.pool) && selects(ad.serviceSelectors, svc.labels)).map((ad) => ad.name);
  const l2Ads = i.config.l2Advertisements.filter((ad) => ad.pools.includes(svc.pool) && selects(ad.serviceSelectors, svc.labels)).map((ad) => ad.name);
  const nodes = nodesFor(i, svc, bgpAds.length > 0, l2Ads.length > 0);
  const announcer = l2Ads.length > 0 ? i.l2Announcer(svc.key) : undefined;
  const conflicts = l2Ads.length > 0 ? conflictsOf(i, svc) : [];
  const parts = { bgpAdvertisements: bgpAds, l2Advertisements: l2Ads, nodes, l2Announcer: announcer, conflicts };
  return { ...parts, condition: conditionOf(svc, parts), ...reachableConditionFor(svc.key, parts, i.previousReachable) };
}

/** The conflicts any node reports on the Service's VIPs. */
function conflictsOf(i: AnnounceInput, svc: ServiceFacts): NodeConflict[] {
  const ips = new Set(svc.ips.map((ip) => ip.text));
  return i.nodes.flatMap((n) => (i.plan(n.name)?.conflicts ?? []).filter((c) => ips.has(c.ip)).map((c) => ({ node: n.name, ...c })));
}

/** The Announced verdict of a conflict: which VIP, which MAC, what to fix. */
function conflictCondition(svc: ServiceFacts, cs: readonly NodeConflict[]): StageCondition {
  const what = cs.map((c) => `${c.ip} is also claimed by MAC ${c.mac} on ${c.iface} (seen by node ${c.node}${c.phase === 'probe' ? ', not announced' : ', while announcing'})`);
  return cond('False', 'AddressConflict', `${what.join('; ')}: another host on the LAN answers for the address; free it there, or take it out of IPAddressPool ${svc.pool}`);
}

const list = (xs: readonly string[]): string => xs.join(', ');

/** The Announced condition from the report's parts. */
function conditionOf(svc: ServiceFacts, parts: Omit<AnnounceReport, 'condition' | 'reachable' | 'reachableWaits'>): StageCondition {
  const { bgpAdvertisements: bgpAds, l2Advertisements: l2Ads, nodes, l2Announcer: announcer } = parts;
  if (bgpAds.length === 0 && l2Ads.length === 0) {
    return cond('False', 'NoAdvertisement', `no BGPAdvertisement or L2Advertisement selects IPAddressPool ${svc.pool} for Service ${svc.key}: create one whose spec.ipAddressPools names the pool (and whose serviceSelectors match the Service)`);
  }
  // The True message names the peers that receive the prefix, not the nodes: one session of
  // one node going down or up while others still carry the prefix is not a change of the stage,
  // and a message naming nodes would rewrite every Service of that node on each flap. The nodes
  // are in explain and in ServiceBGPStatus (one object per Service and node).
  const upPeers = new Set<string>();
  const down: string[] = [];
  const pending: string[] = [];
  for (const n of nodes) {
    if (n.bgp === undefined || 'skipped' in n.bgp) continue;
    for (const s of n.bgp.sessions) {
      if (s.state === 'Established') upPeers.add(s.peer);
      // Not the plan's apply state: a node re-applying a changed plan keeps its sessions, and a
      // condition that followed every reload would rewrite every Service of the node.
      else if (s.state === undefined) pending.push(n.node);
      else down.push(`BGPPeer ${s.peer} on node ${n.node} is ${s.state}`);
    }
  }
  // A foreign host answering for the VIP breaks layer 2 whoever announces it (BGP still works).
  if (upPeers.size === 0 && parts.conflicts.length > 0) return conflictCondition(svc, parts.conflicts);
  const up: string[] = [];
  if (upPeers.size > 0) up.push(`to ${list([...upPeers].sort().map((p) => `BGPPeer ${p}`))}`);
  if (announcer !== undefined) up.push(`by node ${announcer} (layer 2)`);
  if (up.length > 0) return cond('True', 'Announced', `announced ${up.join('; ')}`);
  if (down.length > 0) return cond('False', 'BGPSessionDown', `${list(down)} (NodePlan status): check the BGPPeer and the router`);
  if (pending.length > 0) return cond('False', 'PlanPending', `the speaker on node ${list([...new Set(pending)])} has not reported the BGP session yet (NodePlan status)`);
  return whyNobody(svc, bgpAds, l2Ads, nodes);
}

/** No node announces: the common cause, naming the objects. */
function whyNobody(svc: ServiceFacts, bgpAds: readonly string[], l2Ads: readonly string[], nodes: readonly NodeAnnounce[]): StageCondition {
  const l2Eligible = nodes.filter((n) => n.l2 === 'eligible').map((n) => n.node);
  if (l2Eligible.length > 0) return cond('False', 'PlanPending', `no speaker reports announcing it yet (ServiceL2Status); eligible nodes: ${list(l2Eligible)}`);
  const bgpEmpty = nodes.filter((n) => n.bgp !== undefined && !('skipped' in n.bgp)).map((n) => n.node);
  if (bgpEmpty.length > 0) return cond('False', 'NoPeer', `nodes ${list(bgpEmpty)} may announce it but no BGPPeer of BGPAdvertisement ${list(bgpAds)} runs there: check spec.peers and the BGPPeers' nodeSelectors`);
  const why = (n: NodeAnnounce): string => (n.bgp !== undefined && 'skipped' in n.bgp ? n.bgp.skipped : n.l2 ?? 'notSelected');
  const whys = nodes.map((n) => ({ node: n.node, why: why(n) }));
  const of = (w: string): string[] => whys.filter((x) => x.why === w || (w === 'networkUnavailable' && x.why === 'nodeNetworkUnavailable')).map((x) => x.node);
  if (svc.servingNodes.size === 0 || (whys.length > 0 && of('noServingEndpoint').length === whys.length)) {
    return cond('False', 'NoServingEndpoint', `Service ${svc.key} has no serving endpoint${svc.trafficPolicyLocal ? ' on a node that may announce it (externalTrafficPolicy: Local)' : ''}: check its Pods and EndpointSlices`);
  }
  if (whys.length > 0 && of('conflictingAdvertisements').length > 0) {
    return cond('False', 'ConflictingAdvertisements', `BGPAdvertisements ${list(bgpAds)} give the prefix of Service ${svc.key} different localPref or asPathPrepend for a common peer on nodes ${list(of('conflictingAdvertisements'))}: make them agree, or their peers or serviceSelectors disjoint`);
  }
  if (whys.length > 0 && of('networkUnavailable').length === whys.length) return cond('False', 'NetworkUnavailable', `every node reports NetworkUnavailable=True: Node ${list(of('networkUnavailable'))}`);
  if (whys.length > 0 && of('nodeExcluded').length + of('networkUnavailable').length === whys.length) {
    const down = of('networkUnavailable');
    return cond('False', 'NodeExcluded', `every node is excluded: Node ${list(of('nodeExcluded'))} carries the ${EXCLUDE_LB_LABEL} label${down.length === 0 ? '' : `; Node ${list(down)} reports NetworkUnavailable=True`}`);
  }
  return cond('False', 'NoEligibleNode', `no node may announce it: check spec.nodeSelectors of ${[...bgpAds.map((a) => `BGPAdvertisement ${a}`), ...l2Ads.map((a) => `L2Advertisement ${a}`)].join(', ')}${whys.length === 0 ? ' (the cluster has no Node)' : ''}`);
}
