/**
 * A gossip partition inside a lab namespace: an nftables table in the `inet` family that drops
 * every TCP and UDP packet to or from the gossip port exchanged with the given peers' addresses,
 * both ways (input and output). Only gossip between those hosts stops: ARP/NDP, the client's
 * traffic and the apiserver bridge pass, so a split brain shows on the wire as it would on a LAN
 * whose speakers cannot reach each other.
 */
import type { HostRole, Lab } from './lab.ts';
import { runOk } from './netns.ts';

/** Name of the harness's partition table (family `inet`). */
export const PARTITION_TABLE = 'mlbts_gossip_partition';

/** The `nft -f -` script that cuts gossip on `port` with `peers` (IPv4 or IPv6 addresses). */
export function gossipPartitionRulesetFor(port: number, peers: readonly string[]): string {
  const v4 = peers.filter((p) => !p.includes(':'));
  const v6 = peers.filter((p) => p.includes(':'));
  if (v4.length + v6.length === 0) throw new RangeError('a partition needs at least one peer');
  const rules = (dir: 'saddr' | 'daddr'): string[] => [
    ...(v4.length === 0 ? [] : [`    ip ${dir} { ${v4.join(', ')} } meta l4proto { tcp, udp } th dport ${port} drop`, `    ip ${dir} { ${v4.join(', ')} } meta l4proto { tcp, udp } th sport ${port} drop`]),
    ...(v6.length === 0 ? [] : [`    ip6 ${dir} { ${v6.join(', ')} } meta l4proto { tcp, udp } th dport ${port} drop`, `    ip6 ${dir} { ${v6.join(', ')} } meta l4proto { tcp, udp } th sport ${port} drop`]),
  ];
  return [
    `table inet ${PARTITION_TABLE} {`,
    '  chain input {',
    '    type filter hook input priority -20; policy accept;',
    ...rules('saddr'),
    '  }',
    '  chain output {',
    '    type filter hook output priority -20; policy accept;',
    ...rules('daddr'),
    '  }',
    '}',
    '',
  ].join('\n');
}

/** Cuts gossip between `role` and each of `peers` (their LAN IPv4 addresses), replacing an earlier cut. */
export async function partitionGossip(lab: Lab, role: HostRole, peers: readonly HostRole[], port: number): Promise<void> {
  await healGossip(lab, role);
  await runOk('ip', ['netns', 'exec', lab.ns(role), 'nft', '-f', '-'], { input: gossipPartitionRulesetFor(port, peers.map((p) => lab.addr(p).v4)) });
}

/** Removes the partition table of `role` where it exists. */
export async function healGossip(lab: Lab, role: HostRole): Promise<void> {
  const tables = await runOk('ip', ['netns', 'exec', lab.ns(role), 'nft', 'list', 'tables']);
  if (tables.split('\n').includes(`table inet ${PARTITION_TABLE}`)) {
    await runOk('ip', ['netns', 'exec', lab.ns(role), 'nft', 'delete', 'table', 'inet', PARTITION_TABLE]);
  }
}
