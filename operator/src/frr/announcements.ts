/**
 * Which Service IPs one node advertises, with which prefix and attributes, to which peers
 * (MetalLB's ShouldAnnounce + SetBalancer, reference §4.6). Inputs are parsed values: the
 * Config, the node's facts and each Service's announced IPs and endpoint facts.
 */
import { bitsOf, cidrOf, type CidrBlock } from '@metallb-ts/lib/ip/ip.ts';
import type { BgpAdvertisement, BgpCommunity, Config, ParsedIp, Peer } from '../config/types.ts';

/** What the node contributes to the decision. */
export interface NodeFacts {
  /** Node name. */
  readonly name: string;
  /** Node labels (advertisement and peer nodeSelectors). */
  readonly labels: Readonly<Record<string, string>>;
  /** The NetworkUnavailable condition is True: the node announces nothing. */
  readonly networkUnavailable: boolean;
  /** Labelled `node.kubernetes.io/exclude-from-external-load-balancers` (and not ignored). */
  readonly excludedFromLoadBalancers: boolean;
}

/** One LoadBalancer Service with IPs, as parsed at the edge. */
export interface ServiceFacts {
  /** `namespace/name`. */
  readonly key: string;
  /** Its assigned ingress IPs (1, or 2 for dual stack). */
  readonly ips: readonly ParsedIp[];
  /** The pool they came from. */
  readonly pool: string;
  /** Service labels (advertisement serviceSelectors). */
  readonly labels: Readonly<Record<string, string>>;
  /** `spec.externalTrafficPolicy` is Local. */
  readonly trafficPolicyLocal: boolean;
  /** Nodes that host at least one serving endpoint with an address. */
  readonly servingNodes: ReadonlySet<string>;
  /** Carries an `allow-shared-ip` sharing key (layer 2: not announced by ads with serviceSelectors). */
  readonly sharingKey: boolean;
}

/** One prefix the node advertises to some of its peers. */
export interface Announcement {
  /** The Service it comes from. */
  readonly service: string;
  /** The IP masked to the advertisement's aggregation length. */
  readonly prefix: CidrBlock;
  /** LOCAL_PREF (0 = not set). */
  readonly localPref: number;
  /** Communities, sorted. */
  readonly communities: readonly BgpCommunity[];
  /** Extra prepends of the local AS (0 = none). */
  readonly asPathPrepend: number;
  /** Names of the node's peers that receive it, sorted. */
  readonly peers: readonly string[];
}

/** Why a Service is not announced from this node (for events and debugging). */
export type SkipReason = 'nodeNetworkUnavailable' | 'nodeExcluded' | 'noServingEndpoint' | 'noMatchingAdvertisement' | 'conflictingAdvertisements';

/** The node's announcements and the Services it skips. */
export interface NodeAnnouncements {
  /** Announcements, sorted by (prefix, service). */
  readonly announcements: readonly Announcement[];
  /** Services not announced here, by key, with the reason. */
  readonly skipped: ReadonlyMap<string, SkipReason>;
}

const selects = (sels: readonly { matches(l: Readonly<Record<string, string>>): boolean }[], labels: Readonly<Record<string, string>>): boolean =>
  sels.length === 0 || sels.some((s) => s.matches(labels));

/** The peers whose sessions run on this node (nodeSelectors), sorted by name. */
export function peersOnNode(config: Config, node: NodeFacts): Peer[] {
  return config.peers.filter((p) => selects(p.nodeSelectors, node.labels));
}

/** The endpoint rule of §2: Local needs a serving endpoint here, Cluster one anywhere. */
function hasEndpoint(svc: ServiceFacts, node: NodeFacts): boolean {
  return svc.trafficPolicyLocal ? svc.servingNodes.has(node.name) : svc.servingNodes.size > 0;
}

/** Two advertisements that give one prefix to a common peer must agree on its attributes. */
function conflicting(a: Announcement, b: Announcement): boolean {
  if (a.prefix.text !== b.prefix.text || !a.peers.some((p) => b.peers.includes(p))) return false;
  return a.localPref !== b.localPref || a.asPathPrepend !== b.asPathPrepend;
}

/** The IP masked to `len` bits (a host prefix reuses the IP's text: no formatting on the hot path). */
function prefixOf(ip: ParsedIp, len: number): CidrBlock {
  if (len !== bitsOf(ip.family)) return cidrOf(ip.family, ip.value, len);
  return { family: ip.family, first: ip.value, last: ip.value, prefixLength: len, text: `${ip.text}/${len}` };
}

/** One Service's announcements from this node, or why there are none. */
function announceService(svc: ServiceFacts, ads: readonly BgpAdvertisement[], peerNames: readonly string[], node: NodeFacts): Announcement[] | SkipReason {
  if (!hasEndpoint(svc, node)) return 'noServingEndpoint';
  const matching = ads.filter((ad) => ad.pools.includes(svc.pool) && selects(ad.nodeSelectors, node.labels) && selects(ad.serviceSelectors, svc.labels));
  if (matching.length === 0) return 'noMatchingAdvertisement';
  const out: Announcement[] = [];
  for (const ip of svc.ips) {
    for (const ad of matching) {
      const peers = ad.peers.length === 0 ? peerNames : peerNames.filter((p) => ad.peers.includes(p));
      if (peers.length === 0) continue;
      const len = ip.family === 'ipv4' ? ad.aggregationLength : ad.aggregationLengthV6;
      const a: Announcement = {
        service: svc.key, prefix: prefixOf(ip, len), localPref: ad.localPref,
        communities: ad.communities, asPathPrepend: ad.asPathPrepend, peers,
      };
      if (out.some((b) => conflicting(a, b))) return 'conflictingAdvertisements';
      out.push(a);
    }
  }
  return out;
}

/** What every per-Service decision of one node shares. */
export interface NodeContext {
  /** Why the node announces nothing at all, if so. */
  readonly reason: SkipReason | undefined;
  /** Names of the peers whose sessions run on the node, sorted. */
  readonly peerNames: readonly string[];
}

/** The node's {@link NodeContext} under `config`. */
export function nodeContextFor(config: Config, node: NodeFacts): NodeContext {
  const reason = node.networkUnavailable ? 'nodeNetworkUnavailable' : node.excludedFromLoadBalancers ? 'nodeExcluded' : undefined;
  return { reason, peerNames: peersOnNode(config, node).map((p) => p.name) };
}

/** One Service's announcements from the node (in IP, then advertisement order), or why there are none. */
export function serviceOutcomeFor(config: Config, node: NodeFacts, ctx: NodeContext, svc: ServiceFacts): readonly Announcement[] | SkipReason {
  return ctx.reason ?? announceService(svc, config.bgpAdvertisements, ctx.peerNames, node);
}

/** The node's result from the per-Service outcomes, in Service order. */
export function nodeAnnouncementsOf(outcomes: Iterable<readonly [string, readonly Announcement[] | SkipReason]>): NodeAnnouncements {
  const skipped = new Map<string, SkipReason>();
  const announcements: Announcement[] = [];
  for (const [key, got] of outcomes) {
    if (typeof got === 'string') skipped.set(key, got);
    else announcements.push(...got);
  }
  // Stable: one Service's announcements of one prefix keep their advertisement order.
  announcements.sort((a, b) => comparePrefix(a.prefix, b.prefix) || (a.service < b.service ? -1 : a.service > b.service ? 1 : 0));
  return { announcements, skipped };
}

/** Everything this node advertises (§4.6), given the Config, the node and the Services. */
export function announcementsFor(config: Config, node: NodeFacts, services: readonly ServiceFacts[]): NodeAnnouncements {
  const ctx = nodeContextFor(config, node);
  return nodeAnnouncementsOf(services.map((svc) => [svc.key, serviceOutcomeFor(config, node, ctx, svc)] as const));
}

/** Orders prefixes: IPv4 first, then by address, then by length. */
export function comparePrefix(a: CidrBlock, b: CidrBlock): number {
  if (a.family !== b.family) return a.family === 'ipv4' ? -1 : 1;
  if (a.first !== b.first) return a.first < b.first ? -1 : 1;
  return a.prefixLength - b.prefixLength;
}
