/**
 * Checks of BGP advertisements against what they target: aggregation length vs pool prefixes
 * (A6), local-preference and AS-path-prepend conflicts (A7, A8) and BFD echo towards IPv6 pools (V1).
 */
import { formatIp, goMaskLength } from '@metallb-ts/lib/ip/ip.ts';
import { sinkFor, type ConfigError, type ErrorSink } from './errors.ts';
import type { NodeOverlap } from './selectors.ts';
import type { BfdProfile, BgpAdvertisement, Cidr, Peer, Pool } from './types.ts';

/** The text of one address entry: the CIDR itself, or the range it was summarised from. */
function entryText(entry: readonly Cidr[]): string {
  const [first, last] = [entry[0], entry[entry.length - 1]];
  if (first === undefined || last === undefined) return '';
  return entry.length === 1 ? first.text : `${formatIp(first.family, first.first)}-${formatIp(last.family, last.last)}`;
}

/** A6: every entry's shortest mask must be ≤ the aggregation length of its family. */
function checkAggregation(ad: BgpAdvertisement, pool: Pool, sink: ErrorSink): void {
  for (const entry of pool.addressEntries) {
    const v4 = entry[0]?.family === 'ipv4';
    const max = v4 ? ad.aggregationLength : ad.aggregationLengthV6;
    const lowest = Math.min(...entry.map(goMaskLength));
    if (entry.length === 0 || max >= lowest) continue;
    sink.invalid('A6', v4 ? 'spec.aggregationLength' : 'spec.aggregationLengthV6',
      `invalid aggregation length ${max}: prefix ${lowest} in this pool is more specific than the aggregation length for addresses ${entryText(entry)} (pool ${pool.name})`);
    return;
  }
}

/** Whether the two advertisements produce different prefixes for every family the pool has. */
function aggregationDiffers(a: BgpAdvertisement, b: BgpAdvertisement, pool: Pool): boolean {
  const hasV4 = pool.cidrs.some((c) => c.family === 'ipv4');
  const hasV6 = pool.cidrs.some((c) => c.family === 'ipv6');
  const d4 = a.aggregationLength !== b.aggregationLength;
  const d6 = a.aggregationLengthV6 !== b.aggregationLengthV6;
  return (!hasV4 && !hasV6) || (d4 && !hasV6) || (d6 && !hasV4) || (d4 && d6);
}

/** The attribute two overlapping advertisements must agree on (A7 localPref, A8 asPathPrepend). */
type SharedAttribute = 'localPref' | 'asPathPrepend';

/**
 * MetalLB's BGPAdvertisementsHaveCompatibleLocalPref / …CompatibleAsPathPrepend: equal values,
 * or updates that cannot meet (different prefixes, disjoint peers, disjoint nodes).
 */
function compatible(a: BgpAdvertisement, b: BgpAdvertisement, pool: Pool, overlap: NodeOverlap, attr: SharedAttribute): boolean {
  if (a[attr] === b[attr] || aggregationDiffers(a, b, pool)) return true;
  if (a.peers.length > 0 && b.peers.length > 0 && !a.peers.some((p) => b.peers.includes(p))) return true;
  return !overlap(a.nodeSelectors, b.nodeSelectors);
}

/** The message of an A7/A8 conflict. */
function conflictMessage(attr: SharedAttribute, ad: BgpAdvertisement, clash: BgpAdvertisement, pool: Pool): string {
  const what = attr === 'localPref' ? 'local preference' : 'asPathPrepend';
  return `invalid ${what} ${ad[attr]}: ${what} ${clash[attr]} was already set for the same type of BGP update by BGPAdvertisement ${clash.name} on pool ${pool.name}. Check existing BGP advertisements with common pools and aggregation lengths`;
}

/** A6, A7 and A8 over all advertisements, in name order (a conflict is reported on the later one). */
export function checkAdvertisementPools(ads: readonly BgpAdvertisement[], pools: readonly Pool[], overlap: NodeOverlap): ConfigError[] {
  const errors: ConfigError[] = [];
  const attached = new Map<string, BgpAdvertisement[]>();
  for (const ad of ads) {
    const sink = sinkFor({ kind: 'BGPAdvertisement', name: ad.name }, errors);
    const reported = new Set<SharedAttribute>();
    for (const pool of pools.filter((p) => ad.pools.includes(p.name))) {
      checkAggregation(ad, pool, sink);
      const earlier = attached.get(pool.name) ?? [];
      for (const [attr, rule] of [['localPref', 'A7'], ['asPathPrepend', 'A8']] as const) {
        const clash = ad.serviceSelectors.length > 0 || reported.has(attr) ? undefined
          : earlier.find((b) => b.serviceSelectors.length === 0 && !compatible(ad, b, pool, overlap, attr));
        if (clash === undefined) continue;
        reported.add(attr);
        sink.invalid(rule, `spec.${attr}`, conflictMessage(attr, ad, clash, pool));
      }
      attached.set(pool.name, [...earlier, ad]);
    }
  }
  return errors;
}

/** What V1 needs to know about peers. */
export interface EchoContext {
  /** Parsed peers. */
  readonly peers: readonly Peer[];
  /** Parsed BFD profiles. */
  readonly bfdProfiles: readonly BfdProfile[];
}

/** V1: an IPv6 pool must not be advertised to a peer whose BFD profile has echo mode on. */
export function checkBfdEcho(ads: readonly BgpAdvertisement[], pools: readonly Pool[], ctx: EchoContext): ConfigError[] {
  const errors: ConfigError[] = [];
  const echo = new Set(ctx.bfdProfiles.filter((b) => b.echoMode).map((b) => b.name));
  const echoPeers = ctx.peers.filter((p) => p.bfdProfile !== undefined && echo.has(p.bfdProfile));
  for (const ad of ads) {
    const v6Pools = pools.filter((p) => ad.pools.includes(p.name) && p.cidrs.some((c) => c.family === 'ipv6'));
    const targets = echoPeers.filter((p) => ad.peers.length === 0 || ad.peers.includes(p.name));
    const [pool, peer] = [v6Pools[0], targets[0]];
    if (pool === undefined || peer === undefined) continue;
    sinkFor({ kind: 'BGPAdvertisement', name: ad.name }, errors).invalid('V1', 'spec.peers',
      `pool ${pool.name} has bgpadvertisement ${ad.name} which references peer ${peer.name} which has bfd echo enabled, which is not possible`);
  }
  return errors;
}
