/**
 * Groups a node's advertised prefixes into classes: prefixes that go to the same set of peers
 * with the same attributes (localPref, communities, AS-path prepend) share one prefix list,
 * whichever neighbor's route-map matches it. A prefix is listed once per class instead of once
 * per neighbor and attribute, which keeps a 10,000-Service plan small.
 *
 * A class list is named after its key (family, attributes, peers) — never its content — so that
 * adding a Service adds one line and renames nothing.
 */
import type { CidrBlock } from '@metallb-ts/lib/ip/ip.ts';
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
  readonly localPref: number;
  readonly asPathPrepend: number;
  readonly communities: readonly BgpCommunity[];
  /** Identifies the three values above (for memoising the `set` statements). */
  readonly key: string;
}

/** The community texts of an advertisement, joined once per list (lists are shared by reference). */
const communityKeys = new WeakMap<readonly BgpCommunity[], string>();
function communityKey(cs: readonly BgpCommunity[]): string {
  const hit = communityKeys.get(cs) ?? cs.map((c) => c.text).join(',');
  communityKeys.set(cs, hit);
  return hit;
}

/** The attributes of one announcement. */
function attributesOf(a: Announcement): Attributes {
  return { localPref: a.localPref, asPathPrepend: a.asPathPrepend, communities: a.communities, key: `${a.localPref}|${a.asPathPrepend}|${communityKey(a.communities)}` };
}

/** Two advertisements of one prefix to one peer: communities merge (conflicts were refused before). */
function merged(x: Attributes, y: Attributes): Attributes {
  const byText = new Map([...x.communities, ...y.communities].map((c) => [c.text, c]));
  const communities = [...byText.values()].sort(compareCommunities);
  const localPref = x.localPref || y.localPref;
  const asPathPrepend = x.asPathPrepend || y.asPathPrepend;
  return { localPref, asPathPrepend, communities, key: `${localPref}|${asPathPrepend}|${communities.map((c) => c.text).join(',')}` };
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
  const sets = communitySets(a.communities);
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

/** One prefix's share of the classes: per group of peers, the class key and what the class holds. */
interface PrefixShare {
  /** The announcements of the prefix it was computed from (compared by identity). */
  readonly anns: readonly Announcement[];
  readonly groups: readonly { readonly key: string; readonly family: IpFamily; readonly sets: string[]; readonly peers: string[] }[];
}

/**
 * Per-prefix results kept between calls for one node, valid while its peers (and so their
 * families and ASNs) stay the same: the caller drops it when the Config or the node changes. A
 * prefix whose announcements are the same objects as last time is not grouped again.
 */
export class PrefixClassMemo {
  /** Prefix text → its share. */
  shares = new Map<string, PrefixShare>();
  /** Peer name and attribute key → the `set` statements (a handful of distinct values). */
  readonly sets = new Map<string, { sets: string[]; text: string }>();
}

const sameRefs = <T>(a: readonly T[], b: readonly T[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** The share of one prefix (its announcements, a run of the sorted list). */
function shareOf(prefix: CidrBlock, run: readonly Announcement[], families: ReadonlyMap<string, readonly IpFamily[]>, setsOf: (at: Attributes, peer: string) => { sets: string[]; text: string }): PrefixShare {
  const byPeer = new Map<string, Attributes>();
  for (const a of run) {
    const at = attributesOf(a);
    for (const p of a.peers) {
      if (!(families.get(p) ?? []).includes(prefix.family)) continue;
      const before = byPeer.get(p);
      byPeer.set(p, before === undefined ? at : merged(before, at));
    }
  }
  const groups = new Map<string, { sets: string[]; peers: string[] }>();
  for (const name of [...byPeer.keys()].sort()) {
    const at = byPeer.get(name);
    if (at === undefined) continue;
    const { sets, text } = setsOf(at, name);
    const g = groups.get(text) ?? { sets, peers: [] };
    g.peers.push(name);
    groups.set(text, g);
  }
  return { anns: run, groups: [...groups].map(([text, g]) => ({ key: `${prefix.family}|${text}|${g.peers.join(',')}`, family: prefix.family, ...g })) };
}

/**
 * Builds the classes of a node's announcements (sorted by prefix) for the given peers; with a
 * memo, only the prefixes whose announcements changed since the last call are grouped again.
 */
export function prefixClassesFor(anns: readonly Announcement[], peers: readonly Peer[], familiesOf: (p: Peer) => readonly IpFamily[], memo: PrefixClassMemo = new PrefixClassMemo()): PrefixClass[] {
  const byName = new Map(peers.map((p) => [p.name, p]));
  // Thousands of prefixes share a handful of attribute sets: compute each peer's statements once.
  const setsOf = (at: Attributes, name: string): { sets: string[]; text: string } => {
    const k = `${name}|${at.key}`;
    let hit = memo.sets.get(k);
    const peer = byName.get(name);
    if (hit === undefined && peer !== undefined) {
      const sets = setsFor(at, peer);
      hit = { sets, text: sets.join(';') };
      memo.sets.set(k, hit);
    }
    return hit ?? { sets: [], text: '' };
  };
  const families = new Map(peers.map((p) => [p.name, familiesOf(p)]));
  const classes = new Map<string, { family: IpFamily; sets: string[]; peers: string[]; prefixes: string[] }>();
  const shares = new Map<string, PrefixShare>();
  for (let i = 0; i < anns.length;) {
    const first = anns[i] as Announcement;
    let j = i + 1;
    while (j < anns.length && (anns[j] as Announcement).prefix.text === first.prefix.text) j++;
    const text = first.prefix.text;
    const before = memo.shares.get(text);
    const run = anns.slice(i, j);
    const share = before !== undefined && sameRefs(before.anns, run) ? before : shareOf(first.prefix, run, families, setsOf);
    shares.set(text, share);
    for (const g of share.groups) {
      const c = classes.get(g.key);
      if (c === undefined) classes.set(g.key, { family: g.family, sets: g.sets, peers: g.peers, prefixes: [text] });
      else c.prefixes.push(text);
    }
    i = j;
  }
  memo.shares = shares;
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
