/**
 * The plan's BGP bookkeeping for the speaker: `spec.bgpPeers` (every session of the node's
 * frr.conf, by BGPPeer name) and `spec.bgpServices` (which Services go to which peers, grouped by
 * peer set). Built from the same peers and announcements the renderer uses, so the speaker's
 * per-peer status and ServiceBGPStatus match what FRR was told. Pure.
 */
import type { NodePlanSpecBgpPeer, NodePlanSpecBgpService } from '@metallb-ts/lib/api/types.generated.ts';
import type { Peer } from '../config/types.ts';
import type { Announcement } from '../frr/announcements.ts';

/** The two spec fields. */
export interface BgpPlanFields {
  readonly bgpPeers: NodePlanSpecBgpPeer[];
  readonly bgpServices: NodePlanSpecBgpService[];
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Sorted copies and group keys of peer lists, by list (announcements share their lists). */
const sortedLists = new WeakMap<readonly string[], readonly string[]>();
const listKeys = new WeakMap<readonly string[], string>();

/** `list` sorted and deduplicated, computed once per list object. */
function sortedOnce(list: readonly string[]): readonly string[] {
  let hit = sortedLists.get(list);
  if (hit === undefined) sortedLists.set(list, (hit = [...new Set(list)].sort()));
  return hit;
}

/** The group key of a sorted peer list. */
function keyOf(list: readonly string[]): string {
  let hit = listKeys.get(list);
  if (hit === undefined) listKeys.set(list, (hit = list.join('\n')));
  return hit;
}

/**
 * `bgpPeers` sorted by name (neighbor = address or interface as in the neighbor statement, vrf
 * only when not the default) and `bgpServices`: per Service the union of the peers of its
 * announcements, Services with the same peer set in one entry, entries sorted by peer set.
 * `bgpServices` is always present (possibly empty) so the speaker drops stale ServiceBGPStatus.
 */
export function bgpPlanFieldsFor(peers: readonly Peer[], announcements: readonly Announcement[]): BgpPlanFields {
  const bgpPeers = peers
    .map((p) => ({ name: p.name, neighbor: p.interface ?? p.address?.text ?? '', ...(p.vrf === '' ? {} : { vrf: p.vrf }) }))
    .sort((a, b) => compare(a.name, b.name));
  // Per Service the sorted union of its announcements' peer lists; most Services have one
  // announcement, whose list (often shared by thousands of them) is used as it is.
  const perService = new Map<string, readonly string[]>();
  for (const a of announcements) {
    const before = perService.get(a.service);
    const mine = sortedOnce(a.peers);
    perService.set(a.service, before === undefined || before === mine ? mine : [...new Set([...before, ...mine])].sort());
  }
  const groups = new Map<string, { peers: string[]; services: string[] }>();
  for (const [service, ps] of perService) {
    const key = keyOf(ps);
    const g = groups.get(key) ?? { peers: [...ps], services: [] };
    g.services.push(service);
    groups.set(key, g);
  }
  // The default sort orders strings by UTF-16 code units, as `compare` does, without a callback.
  const bgpServices = [...groups.entries()].sort(([a], [b]) => compare(a, b)).map(([, g]) => ({ peers: g.peers, services: g.services.sort() }));
  return { bgpPeers, bgpServices };
}
