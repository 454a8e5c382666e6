/**
 * The parsed, validated configuration: what `configFor` returns and every decision in the
 * operator consumes. Holds parsed values only (bigint address ranges, compiled selectors,
 * numbers in ms), never raw CR strings; arrays are sorted by name so results are byte-stable.
 *
 * This file is the contract between the validator (config/) and its consumers (allocator/,
 * frr/, the reconcilers). Extend it; do not fork parallel shapes elsewhere.
 */

/** IP family, as MetalLB names it in metrics and status. */
export type IpFamily = 'ipv4' | 'ipv6';

/** One CIDR block, as a closed range of addresses. */
export interface Cidr {
  /** Address family of the block. */
  readonly family: IpFamily;
  /** First address of the block, as an unsigned integer. */
  readonly first: bigint;
  /** Last address of the block (inclusive). */
  readonly last: bigint;
  /** Prefix length (0–32 or 0–128). */
  readonly prefixLength: number;
  /** Canonical text, e.g. `198.51.100.0/24` or `2001:db8::/64`. */
  readonly text: string;
}

/** A compiled Kubernetes label selector (matchLabels + matchExpressions). */
export interface LabelSelector {
  /** True when the labels satisfy every requirement of the selector. */
  matches(labels: Readonly<Record<string, string>>): boolean;
  /** Canonical text (as `kubectl get -l` would take it), used for equality and messages. */
  readonly text: string;
}

/** `spec.serviceAllocation` of an IPAddressPool, parsed. */
export interface ServiceAllocation {
  /** Lower number = higher priority; 0 means unset and sorts last. */
  readonly priority: number;
  /** Namespaces from `namespaces` plus those selected by `namespaceSelectors` at parse time. */
  readonly namespaces: ReadonlySet<string>;
  /** Whether `namespaces` or `namespaceSelectors` was given (an empty set then matches nothing). */
  readonly restrictsNamespaces: boolean;
  /** `serviceSelectors`; a Service must match at least one when non-empty. */
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
