/**
 * The lab's topology and address plan as plain data (no I/O). Other tests rely on these
 * addresses, so they are fixed here and documented once:
 *
 * ```
 *   node-0 eth0 ─┐
 *   node-1 eth0 ─┤  lan: bridge br0            router eth1 ── ext eth0
 *   client eth0 ─┤  192.0.2.0/24               203.0.113.0/24
 *   router eth0 ─┘  2001:db8:0:1::/64          2001:db8:0:2::/64
 * ```
 * Hosts live in 192.0.2.0/25 (router .1, node-i .(10+i), client .100; the IPv6 host part is the
 * same decimal digits: `::1`, `::10`, `::11`, `::100`). 192.0.2.200–.250 is left for L2 VIPs,
 * 198.51.100.0/25 for BGP VIP pools, and the apiserver's ClusterIP ranges are never on a link.
 */

/** A namespace that holds a host: the router, the LAN client, the external client or a node. */
export type HostRole = 'router' | 'client' | 'ext' | `node-${number}`;

/** Any namespace of the lab: a host, or `lan`, which holds only the bridge. */
export type LabRole = HostRole | 'lan';

/** Which link of a host: the shared LAN, or the router↔ext link. */
export type LinkName = 'lan' | 'ext';

/** The LAN subnet (IPv4). */
export const LAN_V4 = '192.0.2.0/24';
/** The LAN subnet (IPv6). */
export const LAN_V6 = '2001:db8:0:1::/64';
/** The router↔ext subnet (IPv4). */
export const EXT_V4 = '203.0.113.0/24';
/** The router↔ext subnet (IPv6). */
export const EXT_V6 = '2001:db8:0:2::/64';
/** First and last LAN address reserved for layer-2 VIPs. */
export const L2_VIP_RANGE = { first: '192.0.2.200', last: '192.0.2.250' } as const;
/** Addresses for BGP-announced VIP pools. */
export const BGP_VIP_V4 = '198.51.100.0/25';
/** The apiserver's Service ClusterIP ranges (never configured on a link). */
export const CLUSTER_IP_RANGES = { v4: '198.51.100.128/25', v6: '2001:db8:ffff::/112' } as const;
/** Most nodes a lab may have: node addresses .10+i must stay below the client's .100. */
export const MAX_NODES = 32;

/** One configured interface of a host. */
export interface IfacePlan {
  /** Interface name inside the host's namespace. */
  readonly iface: string;
  /** Which link it is on. */
  readonly link: LinkName;
  /** IPv4 address without prefix length (prefix is /24). */
  readonly v4: string;
  /** IPv6 address without prefix length (prefix is /64, added `nodad`). */
  readonly v6: string;
}

/** A host namespace: its interfaces, default gateways and whether it forwards. */
export interface HostPlan {
  /** Role, also the namespace suffix. */
  readonly role: HostRole;
  /** Interfaces in link order; the first is the host's primary address. */
  readonly ifaces: readonly IfacePlan[];
  /** Default-route next hops, absent for the router. */
  readonly gateway?: { readonly v4: string; readonly v6: string };
  /** True only for the router. */
  readonly forwarding: boolean;
}

/** One veth: `port` in the bridge namespace ↔ `iface` in the host's namespace. */
export interface LanPortPlan {
  /** Bridge-side interface name (in the `lan` namespace). */
  readonly port: string;
  /** Host on the other end. */
  readonly host: HostRole;
}

/** The whole lab as data. */
export interface LabPlan {
  /** Every host namespace. */
  readonly hosts: readonly HostPlan[];
  /** Veths joining hosts to the bridge. */
  readonly lanPorts: readonly LanPortPlan[];
}

const lanIface = (host: string): IfacePlan => ({
  iface: 'eth0', link: 'lan', v4: `192.0.2.${host}`, v6: `2001:db8:0:1::${host}`,
});
const extIface = (iface: string, host: string): IfacePlan => ({
  iface, link: 'ext', v4: `203.0.113.${host}`, v6: `2001:db8:0:2::${host}`,
});
const LAN_GW = { v4: '192.0.2.1', v6: '2001:db8:0:1::1' } as const;
const EXT_GW = { v4: '203.0.113.1', v6: '2001:db8:0:2::1' } as const;

/** The node roles of a lab with `nodes` nodes: `node-0` … `node-(n-1)`. */
export function nodeRoles(nodes: number): Array<`node-${number}`> {
  return Array.from({ length: nodes }, (_, i) => `node-${i}` as const);
}

/** Builds the plan for `nodes` nodes; throws on a count outside 1..{@link MAX_NODES}. */
export function labPlanFor(nodes: number): LabPlan {
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > MAX_NODES) {
    throw new RangeError(`nodes must be an integer in 1..${MAX_NODES}, got ${nodes}`);
  }
  const nodeHosts = nodeRoles(nodes).map((role, i): HostPlan => ({
    role, ifaces: [lanIface(String(10 + i))], gateway: LAN_GW, forwarding: false,
  }));
  const hosts: HostPlan[] = [
    { role: 'router', ifaces: [lanIface('1'), extIface('eth1', '1')], forwarding: true },
    { role: 'client', ifaces: [lanIface('100')], gateway: LAN_GW, forwarding: false },
    { role: 'ext', ifaces: [extIface('eth0', '2')], gateway: EXT_GW, forwarding: false },
    ...nodeHosts,
  ];
  const lanPorts: LanPortPlan[] = [
    { port: 'rt', host: 'router' },
    { port: 'cl', host: 'client' },
    ...nodeHosts.map((h, i) => ({ port: `n${i}`, host: h.role })),
  ];
  return { hosts, lanPorts };
}

/** The interface of `host` on `link` (default: its first), or undefined. */
export function ifaceOf(host: HostPlan, link?: LinkName): IfacePlan | undefined {
  return link === undefined ? host.ifaces[0] : host.ifaces.find((i) => i.link === link);
}
