/**
 * One BGP neighbor's part of the view: its session statements, address-family activation, and
 * the prefix lists and route-maps that filter what it is sent (nothing received is imported).
 * Naming follows MetalLB's FRR mode: the neighbor id is `<address|interface>[-<vrf>]`.
 */
import type { CidrBlock } from '@metallb-ts/lib/pure/ip.ts';
import type { BgpCommunity, IpFamily, Peer } from '../config/types.ts';
import type { Announcement } from './announcements.ts';
import type { PasswordRef, PrefixListView, RouteMapEntryView, RouteMapView } from './view-types.ts';

/** The statements one neighbor contributes. */
export interface NeighborView {
  /** `<address|interface>[-<vrf>]`, the stem of its route-map and prefix-list names. */
  readonly id: string;
  /** Session statements inside `router bgp`. */
  readonly session: readonly string[];
  /** Statements inside each address family it is activated in. */
  readonly families: ReadonlyMap<IpFamily, readonly string[]>;
  /** Its prefix lists. */
  readonly prefixLists: readonly PrefixListView[];
  /** Its `-in` and `-out` route-maps. */
  readonly routeMaps: readonly RouteMapView[];
  /** Its password placeholder, when the session has a password. */
  readonly password?: PasswordRef;
}

/** The placeholder that stands for a peer's password in the rendered config. */
export const passwordPlaceholder = (key: string): string => `@@password:${key}@@`;

const frrFamily = (f: IpFamily): 'ip' | 'ipv6' => (f === 'ipv4' ? 'ip' : 'ipv6');

/** The families a session carries: its own, or both for unnumbered and dual-stack sessions. */
export function familiesOf(peer: Peer): IpFamily[] {
  if (peer.interface !== undefined || peer.dualStackAddressFamily || peer.address === undefined) return ['ipv4', 'ipv6'];
  return [peer.address.family];
}

/** True when the session is eBGP (a different fixed ASN, or dynamicASN external). */
function isEbgp(peer: Peer): boolean {
  return peer.dynamicASN === 'external' || (peer.peerASN !== undefined && peer.peerASN !== peer.myASN);
}

/** MetalLB's rule: IPv6-only, single-hop eBGP sessions skip the connected check. */
function disableConnectedCheck(peer: Peer): boolean {
  return peer.address?.family === 'ipv6' && !peer.dualStackAddressFamily && !peer.ebgpMultiHop && isEbgp(peer);
}

/** The `neighbor …` statements of the session itself. */
function sessionLines(peer: Peer, target: string): string[] {
  const n = `neighbor ${target}`;
  const remote = peer.peerASN !== undefined ? String(peer.peerASN) : (peer.dynamicASN ?? 'external');
  const lines = [peer.interface !== undefined ? `${n} interface remote-as ${remote}` : `${n} remote-as ${remote}`];
  const add = (cond: boolean, line: string): void => {
    if (cond) lines.push(line);
  };
  add(peer.ebgpMultiHop, `${n} ebgp-multihop`);
  add(peer.localASN !== undefined, `${n} local-as ${peer.localASN} no-prepend replace-as`);
  add(peer.port !== 179, `${n} port ${peer.port}`);
  if (peer.holdTimeMs !== undefined && peer.keepaliveTimeMs !== undefined) {
    lines.push(`${n} timers ${Math.trunc(peer.keepaliveTimeMs / 1000)} ${Math.trunc(peer.holdTimeMs / 1000)}`);
  }
  add(peer.connectTimeMs !== undefined, `${n} timers connect ${Math.trunc((peer.connectTimeMs ?? 0) / 1000)}`);
  add(peer.password !== undefined, `${n} password ${passwordPlaceholder(peer.name)}`);
  add(peer.sourceAddress !== undefined, `${n} update-source ${peer.sourceAddress?.text ?? ''}`);
  add(peer.enableGracefulRestart, `${n} graceful-restart`);
  add(peer.bfdProfile !== undefined, `${n} bfd`);
  add(peer.bfdProfile !== undefined, `${n} bfd profile ${peer.bfdProfile ?? ''}`);
  add(disableConnectedCheck(peer), `${n} disable-connected-check`);
  return lines;
}

/** Prefixes grouped under a modifier (one prefix list + one route-map entry per group). */
interface Group {
  readonly listName: string;
  readonly family: IpFamily;
  readonly set: string;
  readonly prefixes: Set<string>;
}

/** The `set` statement of a community. */
function communitySet(c: BgpCommunity): string {
  return c.kind === 'legacy' ? `set community ${c.asn}:${c.value} additive` : `set large-community ${c.global}:${c.local1}:${c.local2} additive`;
}

/** Collects the modifier groups and allowed prefixes of the neighbor's announcements. */
function groupsFor(id: string, peer: Peer, anns: readonly Announcement[], families: readonly IpFamily[]): { groups: Map<string, Group>; allowed: Map<IpFamily, CidrBlock[]> } {
  const groups = new Map<string, Group>();
  const allowed = new Map<IpFamily, CidrBlock[]>(families.map((f) => [f, []]));
  const asn = String(peer.localASN ?? peer.myASN);
  const put = (listName: string, family: IpFamily, set: string, prefix: string): void => {
    const g = groups.get(listName) ?? { listName, family, set, prefixes: new Set<string>() };
    g.prefixes.add(prefix);
    groups.set(listName, g);
  };
  for (const a of anns) {
    const f = a.prefix.family;
    const list = allowed.get(f);
    if (list === undefined || !a.peers.includes(peer.name)) continue;
    // Announcements are sorted by prefix, so a repeated prefix is always the last one added.
    if (list[list.length - 1]?.text !== a.prefix.text) list.push(a.prefix);
    const fam = frrFamily(f);
    if (a.localPref !== 0) put(`${id}-${a.localPref}-${fam}-localpref-prefixes`, f, `set local-preference ${a.localPref}`, a.prefix.text);
    for (const c of a.communities) put(`${id}-${c.text}-${fam}-community-prefixes`, f, communitySet(c), a.prefix.text);
    if (a.asPathPrepend > 0) put(`${id}-prepend-${a.asPathPrepend}-${fam}-prefixes`, f, `set as-path prepend ${Array(a.asPathPrepend).fill(asn).join(' ')}`, a.prefix.text);
  }
  return { groups, allowed };
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Builds one neighbor's view from its peer and the node's announcements (sorted by prefix). */
export function neighborViewFor(peer: Peer, anns: readonly Announcement[]): NeighborView {
  const target = peer.interface ?? peer.address?.text ?? '';
  const id = peer.vrf === '' ? target : `${target}-${peer.vrf}`;
  const families = familiesOf(peer);
  const { groups, allowed } = groupsFor(id, peer, anns, families);
  const prefixLists: PrefixListView[] = [];
  const out: RouteMapEntryView[] = [];
  const entry = (lines: string[]): void => {
    out.push({ header: `${id}-out permit ${out.length + 1}`, lines });
  };
  for (const g of [...groups.values()].sort((a, b) => byText(a.listName, b.listName))) {
    const fam = frrFamily(g.family);
    prefixLists.push({ family: fam, name: g.listName, entries: [...g.prefixes].map((p, i) => `seq ${i + 1} permit ${p}`) });
    entry([`match ${fam} address prefix-list ${g.listName}`, g.set, 'on-match next']);
  }
  for (const f of ['ipv4', 'ipv6'] as const) {
    const fam = frrFamily(f);
    const name = `${id}-allowed-${f}`;
    const prefixes = allowed.get(f) ?? [];
    const entries = prefixes.length === 0 ? ['seq 1 deny any'] : prefixes.map((p, i) => `seq ${i + 1} permit ${p.text}`);
    prefixLists.push({ family: fam, name, entries });
    entry([`match ${fam} address prefix-list ${name}`]);
  }
  const routeMaps = [{ name: `${id}-in`, entries: [{ header: `${id}-in deny 20`, lines: [] }] }, { name: `${id}-out`, entries: out }];
  const n = `neighbor ${target}`;
  const afLines = [`${n} activate`, `${n} route-map ${id}-in in`, `${n} route-map ${id}-out out`];
  return {
    id, session: sessionLines(peer, target), prefixLists, routeMaps,
    families: new Map(families.map((f) => [f, afLines])),
    ...(peer.password === undefined ? {} : { password: { key: peer.name, placeholder: passwordPlaceholder(peer.name) } }),
  };
}
