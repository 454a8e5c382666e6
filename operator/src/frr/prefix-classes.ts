/**
 * Groups a node's advertised prefixes into classes: prefixes that go to the same set of peers
 * with the same attributes (localPref, communities, AS-path prepend) share one prefix list,
 * whichever neighbor's route-map matches it. A prefix is listed once per class instead of once
 * per neighbor and attribute, which keeps a 10,000-Service plan small.
 *
 * A class list is named after its key (family, attributes, peers) — never its content — so that
 * adding a Service adds one line and renames nothing.
 */
import type { CidrBlock } from '@metallb-ts/lib/pure/ip.ts';
import { compareCommunities } from '../config/bgp-advertisements.ts';
import type { BgpCommunity, IpFamily, Peer } from '../config/types.ts';
import type { Announcement } from './announcements.ts';

/** One class: a prefix list and the `set` statements its route-map entries apply. */
export interface PrefixClass {
  /** Prefix-list name (`mlb-<ip|ipv6>-<hash>`). */
  readonly name: string;
  /** Address family of its prefixes. */
  readonly family: IpFamily;
  /** `set …` statements, sorted; empty for plain announcements. */
  readonly sets: readonly string[];
  /** Names of the peers whose route-maps match it, sorted. */
  readonly peers: readonly string[];
  /** The prefixes, in announcement (address) order. */
  readonly prefixes: readonly string[];
}

/** Attributes one prefix carries to one peer, merged across advertisements. */
interface Attributes {
  localPref: number;
  asPathPrepend: number;
  readonly communities: Map<string, BgpCommunity>;
}

/**
 * The community `set` statements: one per kind, listing every value (a route-map entry holds one
 * `set community`; a second one would replace the first).
 */
function communitySets(cs: readonly BgpCommunity[]): string[] {
  const sorted = [...cs].sort(compareCommunities);
  const legacy = sorted.flatMap((c) => (c.kind === 'legacy' ? [`${c.asn}:${c.value}`] : []));
  const large = sorted.flatMap((c) => (c.kind === 'large' ? [`${c.global}:${c.local1}:${c.local2}`] : []));
  return [
    ...(legacy.length > 0 ? [`set community ${legacy.join(' ')} additive`] : []),
    ...(large.length > 0 ? [`set large-community ${large.join(' ')} additive`] : []),
  ];
}

/** The `set` statements for one peer (the AS prepended is the one the peer sees). */
function setsFor(a: Attributes, peer: Peer): string[] {
  const sets = communitySets([...a.communities.values()]);
  if (a.localPref !== 0) sets.push(`set local-preference ${a.localPref}`);
  if (a.asPathPrepend > 0) sets.push(`set as-path prepend ${Array<string>(a.asPathPrepend).fill(String(peer.localASN ?? peer.myASN)).join(' ')}`);
  return sets.sort();
}

/** 32-bit FNV-1a of a string, as 8 hex digits: a short stable name for a long key. */
export function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** Per prefix, per peer: the merged attributes (announcementsFor already refused conflicts). */
function attributesByPrefix(anns: readonly Announcement[], families: ReadonlyMap<string, readonly IpFamily[]>): Map<string, { prefix: CidrBlock; byPeer: Map<string, Attributes> }> {
  const out = new Map<string, { prefix: CidrBlock; byPeer: Map<string, Attributes> }>();
  for (const a of anns) {
    const entry = out.get(a.prefix.text) ?? { prefix: a.prefix, byPeer: new Map<string, Attributes>() };
    out.set(a.prefix.text, entry);
    for (const p of a.peers) {
      if (!(families.get(p) ?? []).includes(a.prefix.family)) continue;
      const at = entry.byPeer.get(p) ?? { localPref: 0, asPathPrepend: 0, communities: new Map<string, BgpCommunity>() };
      at.localPref ||= a.localPref;
      at.asPathPrepend ||= a.asPathPrepend;
      for (const c of a.communities) at.communities.set(c.text, c);
      entry.byPeer.set(p, at);
    }
  }
  return out;
}

/** Builds the classes of a node's announcements (sorted by prefix) for the given peers. */
export function prefixClassesFor(anns: readonly Announcement[], peers: readonly Peer[], familiesOf: (p: Peer) => readonly IpFamily[]): PrefixClass[] {
  const byName = new Map(peers.map((p) => [p.name, p]));
  // Thousands of prefixes share a handful of attribute sets: compute each peer's statements once.
  const memo = new Map<string, string[]>();
  const setsOf = (at: Attributes, peer: Peer): string[] => {
    const k = `${peer.name}|${at.localPref}|${at.asPathPrepend}|${[...at.communities.keys()].join(',')}`;
    const hit = memo.get(k) ?? setsFor(at, peer);
    memo.set(k, hit);
    return hit;
  };
  const families = new Map(peers.map((p) => [p.name, familiesOf(p)]));
  const classes = new Map<string, { family: IpFamily; sets: string[]; peers: string[]; prefixes: string[] }>();
  for (const { prefix, byPeer } of attributesByPrefix(anns, families).values()) {
    const groups = new Map<string, { sets: string[]; peers: string[] }>();
    for (const [name, at] of [...byPeer].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const peer = byName.get(name);
      if (peer === undefined) continue;
      const sets = setsOf(at, peer);
      const g = groups.get(sets.join('\n')) ?? { sets, peers: [] };
      g.peers.push(name);
      groups.set(sets.join('\n'), g);
    }
    for (const g of groups.values()) {
      const key = `${prefix.family}|${g.sets.join(';')}|${g.peers.join(',')}`;
      const c = classes.get(key) ?? { family: prefix.family, sets: g.sets, peers: g.peers, prefixes: [] };
      c.prefixes.push(prefix.text);
      classes.set(key, c);
    }
  }
  return namedClasses(classes);
}

/** Names each class by the hash of its key; a (very unlikely) hash clash gets a suffix. */
function namedClasses(classes: Map<string, { family: IpFamily; sets: string[]; peers: string[]; prefixes: string[] }>): PrefixClass[] {
  const used = new Set<string>();
  const out: PrefixClass[] = [];
  for (const key of [...classes.keys()].sort()) {
    const c = classes.get(key);
    if (c === undefined) continue;
    const stem = `mlb-${c.family === 'ipv4' ? 'ip' : 'ipv6'}-${fnv1a(key)}`;
    let name = stem;
    for (let i = 2; used.has(name); i++) name = `${stem}-${i}`;
    used.add(name);
    out.push({ name, ...c });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : 1));
}
