/**
 * Random loss on the gossip port inside lab namespaces, for the soak: an nftables table in the
 * `inet` family whose input hook drops a random share of the TCP and UDP packets to or from port
 * 7946, and counts what it saw and what it dropped. Only gossip suffers: ARP, the client's pings
 * and everything else pass. Each packet is judged once, at its receiver, so the loss per packet
 * is the configured share (applying it on output too would compound it).
 */
import type { HostRole, Lab } from './lab.ts';
import { runOk } from './netns.ts';

/** Name of the harness's loss table (family `inet`). */
export const LOSS_TABLE = 'mlbts_gossip_loss';

/** The `nft -f -` script that drops `pct` % of the packets to or from `port` on input. */
export function gossipLossRulesetFor(port: number, pct: number): string {
  if (!Number.isInteger(pct) || pct < 0 || pct > 100) throw new RangeError(`loss must be an integer percentage, got ${pct}`);
  return [
    `table inet ${LOSS_TABLE} {`,
    '  counter seen {}',
    '  counter dropped {}',
    '  chain input {',
    '    type filter hook input priority -10; policy accept;',
    `    meta l4proto { tcp, udp } th dport ${port} jump gossip`,
    `    meta l4proto { tcp, udp } th sport ${port} jump gossip`,
    '  }',
    '  chain gossip {',
    '    counter name "seen"',
    `    numgen random mod 100 < ${pct} counter name "dropped" drop`,
    // accept here ends the verdict: a packet with both ports = 7946 is judged once, not twice
    '    accept',
    '  }',
    '}',
    '',
  ].join('\n');
}

/** Packets the loss table saw and dropped. */
export interface LossCounters {
  readonly seen: number;
  readonly dropped: number;
}

/** Installs the loss table in each role's namespace (replacing an earlier one). */
export async function addGossipLoss(lab: Lab, roles: readonly HostRole[], port: number, pct: number): Promise<void> {
  for (const role of roles) {
    await removeGossipLoss(lab, [role]);
    await runOk('ip', ['netns', 'exec', lab.ns(role), 'nft', '-f', '-'], { input: gossipLossRulesetFor(port, pct) });
  }
}

/** Removes the loss table where it exists. */
export async function removeGossipLoss(lab: Lab, roles: readonly HostRole[]): Promise<void> {
  for (const role of roles) {
    const tables = await runOk('ip', ['netns', 'exec', lab.ns(role), 'nft', 'list', 'tables']);
    if (tables.split('\n').includes(`table inet ${LOSS_TABLE}`)) {
      await runOk('ip', ['netns', 'exec', lab.ns(role), 'nft', 'delete', 'table', 'inet', LOSS_TABLE]);
    }
  }
}

interface NftCounter {
  readonly counter?: { readonly name: string; readonly packets: number };
}

/** The counters summed over `roles`. */
export async function gossipLossCounters(lab: Lab, roles: readonly HostRole[]): Promise<LossCounters> {
  let seen = 0;
  let dropped = 0;
  for (const role of roles) {
    const out = await runOk('ip', ['netns', 'exec', lab.ns(role), 'nft', '-j', 'list', 'counters', 'table', 'inet', LOSS_TABLE]);
    for (const item of (JSON.parse(out) as { nftables: NftCounter[] }).nftables) {
      if (item.counter?.name === 'seen') seen += item.counter.packets;
      if (item.counter?.name === 'dropped') dropped += item.counter.packets;
    }
  }
  return { seen, dropped };
}
