/**
 * One BGP neighbor's part of the view: its session statements, address-family activation, and
 * the route-maps that filter what it is sent (nothing received is imported).
 * Naming follows MetalLB's FRR mode: the neighbor id is `<address|interface>[-<vrf>]`.
 */
import { passwordPlaceholder } from '@metallb-ts/lib/plan/password-placeholder.ts';
import type { IpFamily, Peer } from '../config/types.ts';
import type { PrefixClass } from './prefix-classes.ts';
import type { PasswordRef, RouteMapEntryView, RouteMapView } from './view-types.ts';

/** The statements one neighbor contributes. */
export interface NeighborView {
  /** `<address|interface>[-<vrf>]`, the stem of its route-map and prefix-list names. */
  readonly id: string;
  /** Session statements inside `router bgp`. */
  readonly session: readonly string[];
  /** Statements inside each address family it is activated in. */
  readonly families: ReadonlyMap<IpFamily, readonly string[]>;
  /** Its `-in` and `-out` route-maps. */
  readonly routeMaps: readonly RouteMapView[];
  /** Its password placeholder, when the session has a password. */
  readonly password?: PasswordRef;
}

/** The placeholder that stands for a peer's password in the rendered config. */

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

/**
 * Builds one neighbor's view: its session, and an `-out` route-map with one entry per prefix
 * class it receives (match the class list, apply its `set`s), then an explicit final deny.
 */
export function neighborViewFor(peer: Peer, classes: readonly PrefixClass[]): NeighborView {
  const target = peer.interface ?? peer.address?.text ?? '';
  const id = peer.vrf === '' ? target : `${target}-${peer.vrf}`;
  const out: RouteMapEntryView[] = classes.filter((c) => c.peers.includes(peer.name)).map((c, i) => ({
    header: `${id}-out permit ${i + 1}`,
    lines: [`match ${c.family === 'ipv4' ? 'ip' : 'ipv6'} address prefix-list ${c.name}`, ...c.sets],
  }));
  out.push({ header: `${id}-out deny 65535`, lines: [] });
  const routeMaps = [{ name: `${id}-in`, entries: [{ header: `${id}-in deny 20`, lines: [] }] }, { name: `${id}-out`, entries: out }];
  const n = `neighbor ${target}`;
  const afLines = [`${n} activate`, `${n} route-map ${id}-in in`, `${n} route-map ${id}-out out`];
  return {
    id, session: sessionLines(peer, target), routeMaps,
    families: new Map(familiesOf(peer).map((f) => [f, afLines])),
    ...(peer.password === undefined ? {} : { password: { key: peer.name, placeholder: passwordPlaceholder(peer.name) } }),
  };
}
