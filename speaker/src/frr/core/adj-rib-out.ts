/**
 * What each BGP session should carry and whether FRR's adj-rib-out has it (pure). The expected
 * set of a session is read off the frr.conf the plan asks for: the `network` statements of the
 * session's router and address family, kept by the session's outbound route-map (its
 * `match ip[v6] address prefix-list` entries, first match wins, as FRR evaluates it). FRR's
 * `show bgp … neighbors <peer> advertised-routes json` says what it sent. The report keeps the
 * status small at any scale: two counts and at most {@link MISSING_LISTED} missing prefixes.
 */
import { parseConfig, type Stanza } from './config-tree.ts';

/** One session and address family of the config with the prefixes it should send. */
export interface ExpectedRoutes {
  /** '' for the default VRF. */
  readonly vrf: string;
  /** The neighbor statement's address or interface. */
  readonly neighbor: string;
  readonly afi: 'ipv4' | 'ipv6';
  /** Sorted, as FRR prints them (lower case). */
  readonly prefixes: readonly string[];
}

/** The per-session report in the NodePlan status (`status.peers[].advertised`). */
export interface AdvertisedReport {
  /** spec.frr.sha256 of the config the expected set was read from. */
  readonly planSha256: string;
  /** Prefixes the config sends to the peer. */
  readonly expected: number;
  /** Of them, how many are not in FRR's adj-rib-out for the peer. */
  readonly missingCount: number;
  /** The first missing ones, sorted (at most {@link MISSING_LISTED}). */
  readonly missing: readonly string[];
}

/** At most this many missing prefixes are listed per session. */
export const MISSING_LISTED = 32;

interface RouteMapEntry {
  readonly seq: number;
  readonly permit: boolean;
  /** Prefix lists matched (all must match); empty = matches everything. */
  readonly lists: readonly string[];
}

const items = (s: Stanza) => s.items;
const lines = (s: Stanza): string[] => items(s).flatMap((i) => (i.kind === 'line' ? [i.text] : []));
const stanzas = (s: Stanza): Stanza[] => items(s).flatMap((i) => (i.kind === 'stanza' ? [i.stanza] : []));
const norm = (p: string): string => p.toLowerCase();

/** Every session's expected routes in `config` (sorted by vrf, neighbor, afi). */
export function expectedRoutesOf(config: string): ExpectedRoutes[] {
  const root = parseConfig(config);
  const prefixLists = new Map<string, Set<string>>();
  for (const l of lines(root)) {
    const m = /^ipv?6? ?prefix-list (\S+) seq \d+ permit (\S+)$/.exec(l);
    if (m !== null) {
      const set = prefixLists.get(m[1]!) ?? new Set<string>();
      set.add(norm(m[2]!));
      prefixLists.set(m[1]!, set);
    }
  }
  const routeMaps = new Map<string, RouteMapEntry[]>();
  for (const s of stanzas(root)) {
    const m = /^route-map (\S+) (permit|deny) (\d+)$/.exec(s.header);
    if (m === null) continue;
    const lists = lines(s).flatMap((l) => {
      const x = /^match ipv?6? address prefix-list (\S+)$/.exec(l);
      return x === null ? [] : [x[1]!];
    });
    routeMaps.set(m[1]!, [...(routeMaps.get(m[1]!) ?? []), { seq: Number(m[3]), permit: m[2] === 'permit', lists }]);
  }
  for (const es of routeMaps.values()) es.sort((a, b) => a.seq - b.seq);
  const permitted = (map: string | undefined, prefix: string): boolean => {
    if (map === undefined) return true;
    const entry = (routeMaps.get(map) ?? []).find((e) => e.lists.every((pl) => prefixLists.get(pl)?.has(prefix) === true));
    return entry?.permit === true; // no entry matches: a route-map denies
  };
  const out: ExpectedRoutes[] = [];
  for (const router of stanzas(root)) {
    const r = /^router bgp \S+(?: vrf (\S+))?$/.exec(router.header);
    if (r === null) continue;
    const vrf = r[1] === undefined || r[1] === 'default' ? '' : r[1];
    for (const af of stanzas(router)) {
      const a = /^address-family (ipv4|ipv6) unicast$/.exec(af.header);
      if (a === null) continue;
      const body = lines(af);
      const networks = body.flatMap((l) => {
        const x = /^network (\S+)$/.exec(l);
        return x === null ? [] : [norm(x[1]!)];
      });
      const active = body.flatMap((l) => {
        const x = /^neighbor (\S+) activate$/.exec(l);
        return x === null ? [] : [x[1]!];
      });
      for (const neighbor of active) {
        const map = body.map((l) => new RegExp(`^neighbor ${escape(neighbor)} route-map (\\S+) out$`).exec(l)?.[1]).find((x) => x !== undefined);
        const prefixes = [...new Set(networks.filter((p) => permitted(map, p)))].sort();
        out.push({ vrf, neighbor, afi: a[1] as 'ipv4' | 'ipv6', prefixes });
      }
    }
  }
  return out.sort((x, y) => key(x).localeCompare(key(y)));
}

const key = (e: Pick<ExpectedRoutes, 'vrf' | 'neighbor' | 'afi'>): string => `${e.vrf} ${e.neighbor} ${e.afi}`;
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The prefixes of one `advertised-routes json` answer; an empty set for FRR's "No such neighbor
 * or address family" warning (a session that is down has no adj-rib-out). Undefined when the
 * JSON is not an answer at all.
 */
export function advertisedPrefixesOf(json: unknown): Set<string> | undefined {
  if (json === null || typeof json !== 'object') return undefined;
  const o = json as Record<string, unknown>;
  if (typeof o['warning'] === 'string' && o['advertisedRoutes'] === undefined) return new Set();
  const routes = o['advertisedRoutes'];
  if (routes === undefined) return new Set();
  if (routes === null || typeof routes !== 'object') return undefined;
  return new Set(Object.keys(routes).map(norm));
}

/** The report of one session: its expected routes (all its address families) against what FRR sent. */
export function advertisedReport(planSha256: string, expected: readonly ExpectedRoutes[], sent: ReadonlySet<string>): AdvertisedReport {
  const want = [...new Set(expected.flatMap((e) => e.prefixes))].sort();
  const missing = want.filter((p) => !sent.has(p));
  return { planSha256, expected: want.length, missingCount: missing.length, missing: missing.slice(0, MISSING_LISTED) };
}
