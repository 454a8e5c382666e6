/**
 * BGPAdvertisements → BgpAdvertisement (rules A1–A5, listed in docs/validation.md; A6–A7, which need the
 * targeted pools, live in bgp-advertisement-pools.ts).
 */
import type { BGPAdvertisement as BGPAdvertisementCr } from './cr-types.ts';
import { targetsFor } from './advertisement-targets.ts';
import { parseCommunity } from './communities.ts';
import { byName, nameOf, sinkFor, type Checked, type ConfigError, type ErrorSink } from './errors.ts';
import { checkDuplicates } from './selectors.ts';
import type { BgpAdvertisement, BgpCommunity, CommunityAlias, Pool } from './types.ts';

type Spec = NonNullable<BGPAdvertisementCr['spec']>;

/** A2/A3: aggregation lengths (defaults 32 / 128), exclusive with serviceSelectors unless default. */
function aggregationFor(spec: Spec, name: string, sink: ErrorSink): [number, number] {
  const hasServiceSelectors = (spec.serviceSelectors ?? []).length > 0;
  const check = (key: 'aggregationLength' | 'aggregationLengthV6', max: number, family: string): number => {
    const v = spec[key];
    if (v === undefined || v === null) return max;
    if (hasServiceSelectors && v !== max) {
      sink.invalid('A2', `spec.${key}`, `serviceSelectors and ${key} are mutually exclusive, both cannot be set in ${name}`);
    }
    if (!Number.isInteger(v) || v > max) sink.invalid('A3', `spec.${key}`, `invalid aggregation length ${v} for ${family}`);
    return v;
  };
  return [check('aggregationLength', 32, 'IPv4'), check('aggregationLengthV6', 128, 'IPv6')];
}

/** Orders communities as MetalLB does: legacy A:B counts as large (A<<16|B):0:0. */
function communityKey(c: BgpCommunity): [number, number, number] {
  return c.kind === 'legacy' ? [c.asn * 65536 + c.value, 0, 0] : [c.global, c.local1, c.local2];
}

/** Compares two communities by {@link communityKey}. */
export function compareCommunities(a: BgpCommunity, b: BgpCommunity): number {
  const [ka, kb] = [communityKey(a), communityKey(b)];
  return (ka[0] - kb[0]) || (ka[1] - kb[1]) || (ka[2] - kb[2]) || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0);
}

/** A4: resolves aliases, then parses values; an unknown alias-like name is transient. */
function communitiesFor(spec: Spec, aliases: readonly CommunityAlias[], sink: ErrorSink): BgpCommunity[] {
  const out = new Map<string, BgpCommunity>();
  (spec.communities ?? []).forEach((c, i) => {
    const alias = aliases.find((a) => a.name === c);
    const parsed = alias === undefined ? parseCommunity(c) : { ok: true as const, value: alias.value };
    if (parsed.ok) {
      out.set(parsed.value.text, parsed.value);
      return;
    }
    const message = `invalid community "${c}" in BGP advertisement: ${parsed.error.message}`;
    if (parsed.error.kind === 'format') sink.transient('A4', `spec.communities[${i}]`, message);
    else sink.invalid('A4', `spec.communities[${i}]`, message);
  });
  return [...out.values()].sort(compareCommunities);
}

/** Parses one advertisement (A1–A4). */
function advertisementFromCr(cr: BGPAdvertisementCr, ctx: BgpAdvertisementContext, sink: ErrorSink): BgpAdvertisement {
  const name = nameOf(cr);
  const spec = cr.spec ?? {};
  checkDuplicates(spec.communities ?? [], { field: 'spec.communities', label: 'community', rule: 'A1' }, sink);
  checkDuplicates(spec.peers ?? [], { field: 'spec.peers', label: 'peers', rule: 'A1' }, sink);
  const targets = targetsFor(spec, name, ctx.pools, 'A1', sink);
  const [aggregationLength, aggregationLengthV6] = aggregationFor(spec, name, sink);
  return {
    name, aggregationLength, aggregationLengthV6, localPref: spec.localPref ?? 0,
    communities: communitiesFor(spec, ctx.aliases, sink), ...targets, peers: [...(spec.peers ?? [])],
  };
}

/** Object keys sorted recursively, so that two equal objects print the same. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => [k, canonical(x)]));
}

/** What BGP advertisements are parsed against. */
export interface BgpAdvertisementContext {
  /** The parsed pools. */
  readonly pools: readonly Pool[];
  /** The community aliases. */
  readonly aliases: readonly CommunityAlias[];
}

/** Parses all BGP advertisements (A1–A5); an exact duplicate of an earlier CR is reported and left out. */
export function bgpAdvertisementsFor(crs: readonly BGPAdvertisementCr[], ctx: BgpAdvertisementContext): Checked<BgpAdvertisement[]> {
  const errors: ConfigError[] = [];
  const seen: string[] = [];
  const ads: BgpAdvertisement[] = [];
  byName(crs).forEach((cr, j) => {
    const sink = sinkFor({ kind: 'BGPAdvertisement', name: nameOf(cr) }, errors);
    const key = JSON.stringify(canonical(cr));
    const i = seen.indexOf(key);
    seen.push(key);
    if (i >= 0) sink.invalid('A5', '', `duplicate definition of bgpadvertisements. advertisement ${i + 1} and ${j + 1} are equal`);
    else ads.push(advertisementFromCr(cr, ctx, sink));
  });
  return { value: ads, errors };
}
