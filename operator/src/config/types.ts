/**
 * The parsed, validated configuration: what `configFor` returns and every decision in the
 * operator consumes. Holds parsed values only (bigint address ranges, compiled selectors,
 * numbers in ms), never raw CR strings; arrays are sorted by name so results are byte-stable.
 *
 * This file is the contract between the validator (config/) and its consumers (allocator/,
 * frr/, the reconcilers). Extend it; do not fork parallel shapes elsewhere.
 */

import type { CidrBlock, IpAddress, IpFamily, ParsedIp } from '@metallb-ts/lib/ip/ip.ts';
import type { CompiledSelector } from '@metallb-ts/lib/selector/label-selector.ts';

export type { IpAddress, IpFamily, ParsedIp };

/** One CIDR block, as a closed range of addresses (family, first, last, prefixLength, text). */
export type Cidr = CidrBlock;

/** A compiled Kubernetes label selector (matchLabels + matchExpressions): `matches(labels)`, `text`. */
export type LabelSelector = CompiledSelector;

/**
 * `spec.serviceAllocation` of an IPAddressPool, parsed as MetalLB parses it (see
 * docs/allocation.md for how the allocator uses each field).
 */
export interface ServiceAllocation {
  /** Lower number = higher priority; 0 means unset and sorts last. */
  readonly priority: number;
  /**
   * Namespaces from `namespaces` plus those selected by `namespaceSelectors` at parse time. An
   * empty set restricts nothing (MetalLB checks the namespace only when the set is non-empty).
   */
  readonly namespaces: ReadonlySet<string>;
  /**
   * `serviceSelectors`; a Service must match at least one when non-empty. When none of
   * namespaces, namespaceSelectors and serviceSelectors is given this is one selector that
   * matches everything, as in MetalLB (the pool is then pinned to every Service).
   */
  readonly serviceSelectors: readonly LabelSelector[];
}

/** An IPAddressPool, parsed. */
export interface Pool {
  /** `metadata.name`. */
  readonly name: string;
  /** `metadata.labels` (matched by advertisements' ipAddressPoolSelectors). */
  readonly labels: Readonly<Record<string, string>>;
  /**
   * Every address entry summarised into CIDRs, grouped per `spec.addresses` entry in spec order
   * (a `start-end` range becomes several CIDRs). Aggregation-length checks work per entry.
   */
  readonly addressEntries: readonly (readonly Cidr[])[];
  /** All CIDRs of the pool, sorted by family (v4 first) then first address. */
  readonly cidrs: readonly Cidr[];
  /** `spec.autoAssign` (default true). */
  readonly autoAssign: boolean;
  /** `spec.avoidBuggyIPs`: skip IPv4 addresses ending in .0 and .255. */
  readonly avoidBuggyIPs: boolean;
  /** `spec.serviceAllocation`, when present. */
  readonly serviceAllocation?: ServiceAllocation;
}

/** A BFDProfile, parsed. Unset values stay unset so that FRR's own defaults apply. */
export interface BfdProfile {
  /** `metadata.name`. */
  readonly name: string;
  /** `spec.receiveInterval` in ms (10–60000). */
  readonly receiveIntervalMs?: number;
  /** `spec.transmitInterval` in ms (10–60000). */
  readonly transmitIntervalMs?: number;
  /** `spec.detectMultiplier` (2–255). */
  readonly detectMultiplier?: number;
  /** `spec.echoInterval` in ms (10–60000). */
  readonly echoIntervalMs?: number;
  /** `spec.echoMode` (default false). */
  readonly echoMode: boolean;
  /** `spec.passiveMode` (default false). */
  readonly passiveMode: boolean;
  /** `spec.minimumTtl` (1–254, multi-hop only). */
  readonly minimumTtl?: number;
}

/** A BGPPeer, parsed. Exactly one of `peerASN`/`dynamicASN` and of `address`/`interface` is set. */
export interface Peer {
  /** `metadata.name`; BGPAdvertisement `peers` refer to it. */
  readonly name: string;
  /** Local ASN (`spec.myASN`, never 0). */
  readonly myASN: number;
  /** Remote ASN (`spec.peerASN`), when fixed. */
  readonly peerASN?: number;
  /** `spec.dynamicASN`: accept an ASN equal to (`internal`) or different from (`external`) myASN. */
  readonly dynamicASN?: 'internal' | 'external';
  /** `spec.localASN`: rendered as `local-as N no-prepend replace-as`. */
  readonly localASN?: number;
  /** `spec.peerAddress`, parsed. */
  readonly address?: ParsedIp;
  /** `spec.interface`: unnumbered BGP over this host interface. */
  readonly interface?: string;
  /** `spec.peerPort` (default 179). */
  readonly port: number;
  /** Hold time in ms; derived as 3× keepalive when only keepalive is set. */
  readonly holdTimeMs?: number;
  /** Keepalive time in ms; derived as hold/3 when only hold is set. */
  readonly keepaliveTimeMs?: number;
  /** `spec.connectTime` in ms. */
  readonly connectTimeMs?: number;
  /** `spec.routerID`, parsed. */
  readonly routerID?: ParsedIp;
  /** `spec.sourceAddress` (FRR `update-source`), parsed. */
  readonly sourceAddress?: ParsedIp;
  /** `spec.nodeSelectors`; the session runs on nodes matching any (empty = all nodes). */
  readonly nodeSelectors: readonly LabelSelector[];
  /** TCP MD5 password: `spec.password`, or resolved from `spec.passwordSecret`. Redact in logs. */
  readonly password?: string;
  /** `spec.bfdProfile`: name of an existing BFD profile. */
  readonly bfdProfile?: string;
  /** `spec.ebgpMultiHop`. */
  readonly ebgpMultiHop: boolean;
  /** `spec.vrf` ('' = default VRF). */
  readonly vrf: string;
  /** `spec.enableGracefulRestart`. */
  readonly enableGracefulRestart: boolean;
  /** `spec.dualStackAddressFamily`: both AFI/SAFIs on one session. */
  readonly dualStackAddressFamily: boolean;
}

/** A BGP community value. `text` is the canonical input form (`A:B` or `large:G:L1:L2`). */
export type BgpCommunity =
  | { readonly kind: 'legacy'; readonly asn: number; readonly value: number; readonly text: string }
  | { readonly kind: 'large'; readonly global: number; readonly local1: number; readonly local2: number; readonly text: string };

/** One alias of a Community CR. */
export interface CommunityAlias {
  /** Alias name, unique across all Community CRs. */
  readonly name: string;
  /** The value it stands for. */
  readonly value: BgpCommunity;
}

/** A BGPAdvertisement, parsed. */
export interface BgpAdvertisement {
  /** `metadata.name`. */
  readonly name: string;
  /** IPv4 aggregation length (default 32). */
  readonly aggregationLength: number;
  /** IPv6 aggregation length (default 128). */
  readonly aggregationLengthV6: number;
  /** `spec.localPref` (0 = not set). */
  readonly localPref: number;
  /**
   * `spec.asPathPrepend` (1–10; 0 = not set): how many extra times the session's local AS is
   * prepended to the AS path of these prefixes.
   */
  readonly asPathPrepend: number;
  /** Communities with aliases resolved, sorted by text, without duplicates. */
  readonly communities: readonly BgpCommunity[];
  /** Names of the existing pools it applies to (ipAddressPools ∪ ipAddressPoolSelectors; both empty = all), sorted. */
  readonly pools: readonly string[];
  /** `spec.nodeSelectors` (empty = all nodes announce). */
  readonly nodeSelectors: readonly LabelSelector[];
  /** `spec.peers`: BGPPeer names to advertise to (empty = all), as written. */
  readonly peers: readonly string[];
  /** `spec.serviceSelectors`, sorted by text (empty = every service). */
  readonly serviceSelectors: readonly LabelSelector[];
}

/** An L2Advertisement, parsed. */
export interface L2Advertisement {
  /** `metadata.name`. */
  readonly name: string;
  /** Names of the existing pools it applies to (both pool fields empty = all), sorted. */
  readonly pools: readonly string[];
  /** `spec.nodeSelectors` (empty = all nodes). */
  readonly nodeSelectors: readonly LabelSelector[];
  /** `spec.serviceSelectors`, sorted by text (empty = every service). */
  readonly serviceSelectors: readonly LabelSelector[];
  /** `spec.interfaces` (empty = all interfaces). */
  readonly interfaces: readonly string[];
  /** `spec.preferredNodeSelectors`: soft preferences for the elected node. */
  readonly preferredNodes: readonly PreferredNodes[];
}

/** One weighted node preference of an L2Advertisement. */
export interface PreferredNodes {
  /** Added to the score of each matching node (1–100). */
  readonly weight: number;
  /** The nodes it applies to (an empty selector matches all). */
  readonly selector: LabelSelector;
}

/** The whole parsed configuration; every list is sorted by name. */
export interface Config {
  /** IPAddressPools. */
  readonly pools: readonly Pool[];
  /** BFDProfiles. */
  readonly bfdProfiles: readonly BfdProfile[];
  /** BGPPeers. */
  readonly peers: readonly Peer[];
  /** Community aliases from all Community CRs. */
  readonly communities: readonly CommunityAlias[];
  /** BGPAdvertisements. */
  readonly bgpAdvertisements: readonly BgpAdvertisement[];
  /** L2Advertisements. */
  readonly l2Advertisements: readonly L2Advertisement[];
}
