/**
 * A minimal single-peer eBGP frr.conf for lab tests and demos (the router side of a test, or a
 * node that only advertises networks). Real speaker configs come from operator/src/frr.
 */

/** Options of {@link simpleBgpConf}. */
export interface SimpleBgpOptions {
  /** Local AS number. */
  readonly asn: number;
  /** Peer AS number. */
  readonly peerAsn: number;
  /** BGP router id (an IPv4 address). */
  readonly routerId: string;
  /** Peer address (IPv4). */
  readonly peer: string;
  /** IPv4 prefixes announced with `network` (no import check, so they need no route). */
  readonly networks?: readonly string[];
  /** Extra lines inside `router bgp`, before the address family (e.g. a description). */
  readonly extra?: readonly string[];
}

/**
 * Renders the config: fast timers (keepalive 1 s, hold 3 s, connect 1 s), no eBGP policy
 * requirement, IPv4 unicast only. Forwarding is left as the namespace has it.
 */
export function simpleBgpConf(opts: SimpleBgpOptions): string {
  const p = opts.peer;
  return [
    'frr defaults traditional',
    `router bgp ${opts.asn}`,
    ` bgp router-id ${opts.routerId}`,
    ' no bgp ebgp-requires-policy',
    ' no bgp network import-check',
    ` neighbor ${p} remote-as ${opts.peerAsn}`,
    ` neighbor ${p} timers 1 3`,
    ` neighbor ${p} timers connect 1`,
    ...(opts.extra ?? []).map((l) => ` ${l}`),
    ' address-family ipv4 unicast',
    ...(opts.networks ?? []).map((n) => `  network ${n}`),
    ' exit-address-family',
    'exit',
    '',
  ].join('\n');
}
