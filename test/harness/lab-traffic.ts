/**
 * nftables ruleset that makes a lab host silently unreachable, to simulate a dead node.
 *
 * It lives in the `netdev` family with an ingress and an egress chain per interface, so it drops
 * every frame (IPv4, IPv6, ARP/NDP) on the wire side, including what raw AF_PACKET sockets send
 * (the egress hook runs in dev_queue_xmit), and it answers nothing: no RST, no ICMP. Loopback is
 * left alone so daemons inside the namespace keep talking to each other.
 */

/** Name of the harness's table (family `netdev`). */
export const DROP_TABLE = 'mlbts_drop';

/** The `nft -f -` script that creates the drop table for these interfaces. */
export function dropRulesetFor(ifaces: readonly string[]): string {
  const chains = ifaces.flatMap((dev, i) => [
    `  chain in${i} { type filter hook ingress device "${dev}" priority -500; policy drop; }`,
    `  chain out${i} { type filter hook egress device "${dev}" priority -500; policy drop; }`,
  ]);
  return [`table netdev ${DROP_TABLE} {`, ...chains, '}', ''].join('\n');
}
