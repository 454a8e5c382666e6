/**
 * The extra topology and the peers' configs of test/e2e/bgp-operator-speaker.test.ts, on top of
 * {@link BgpSpeakerLab}'s LAN (nodes .10/.11, router .1):
 *
 * ```
 *   node-0 un0 ─── n0un router          point-to-point veth, link-local only (unnumbered session)
 *   router lo 2001:db8:0:ff::1/128      loopback the nodes reach through their default route (eBGP multihop)
 *   ext (203.0.113.2, behind the router) FRR in AS 64512 = the nodes' AS: iBGP, two hops away
 * ```
 * The router (AS 64513) has, per node, the LAN IPv4 session, an IPv6 multihop session from its
 * loopback (the nodes' IPv4 prefixes ride it as a second address family), and the unnumbered
 * session on `n0un`. It is only a graceful-restart helper (FRR's default).
 */
import type { Lab } from './lab.ts';

/** The router's loopback, the multihop peering address. */
export const ROUTER_LOOPBACK6 = '2001:db8:0:ff::1';
/** The ext host's address: an iBGP peer two hops from the nodes. */
export const EXT4 = '203.0.113.2';
/** The node-side interface of node-0's unnumbered link. */
export const UNNUMBERED_NODE_IFACE = 'un0';
/** The router-side interface of node-0's unnumbered link. */
export const UNNUMBERED_ROUTER_IFACE = 'n0un';

const FAST = (n: string): string[] => [` neighbor ${n} timers 1 3`, ` neighbor ${n} timers connect 1`];

/** Creates the unnumbered link and the router's loopback address. */
export async function prepareOperatorLab(lab: Lab): Promise<void> {
  await lab.link('node-0', UNNUMBERED_NODE_IFACE, 'router', UNNUMBERED_ROUTER_IFACE);
  await lab.addLoopback('router', `${ROUTER_LOOPBACK6}/128`);
}

/** The router: LAN IPv4 sessions, IPv6 multihop sessions from the loopback, the unnumbered session, ECMP. */
export function operatorLabRouterConf(nodes: number): string {
  const n4 = Array.from({ length: nodes }, (_, i) => `192.0.2.${10 + i}`);
  const n6 = Array.from({ length: nodes }, (_, i) => `2001:db8:0:1::${10 + i}`);
  const un = UNNUMBERED_ROUTER_IFACE;
  return [
    'frr defaults traditional',
    'router bgp 64513',
    ' bgp router-id 192.0.2.1',
    ' no bgp ebgp-requires-policy', ' no bgp default ipv4-unicast',
    ...n4.flatMap((n) => [` neighbor ${n} remote-as 64512`, ...FAST(n)]),
    ...n6.flatMap((n) => [` neighbor ${n} remote-as 64512`, ` neighbor ${n} ebgp-multihop`, ` neighbor ${n} update-source ${ROUTER_LOOPBACK6}`, ...FAST(n)]),
    ` neighbor ${un} interface remote-as 64512`, ...FAST(un),
    ' address-family ipv4 unicast', '  maximum-paths 8', ...[...n4, ...n6, un].map((n) => `  neighbor ${n} activate`), ' exit-address-family',
    ' address-family ipv6 unicast', '  maximum-paths 8', ...[...n6, un].map((n) => `  neighbor ${n} activate`), ' exit-address-family',
    'exit',
    '',
  ].join('\n');
}

/** The ext host's FRR: AS 64512 (iBGP with the nodes), next hops resolved over its default route. */
export function extIbgpConf(nodes: number): string {
  const n4 = Array.from({ length: nodes }, (_, i) => `192.0.2.${10 + i}`);
  return [
    'frr defaults traditional',
    'ip nht resolve-via-default',
    'router bgp 64512',
    ` bgp router-id ${EXT4}`,
    ' no bgp ebgp-requires-policy', ' no bgp default ipv4-unicast',
    ...n4.flatMap((n) => [` neighbor ${n} remote-as 64512`, ...FAST(n)]),
    ' address-family ipv4 unicast', ...n4.map((n) => `  neighbor ${n} activate`), ' exit-address-family',
    'exit',
    '',
  ].join('\n');
}
