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
  const perService = new Map<string, Set<string>>();
  for (const a of announcements) {
    const set = perService.get(a.service) ?? new Set<string>();
    for (const p of a.peers) set.add(p);
    perService.set(a.service, set);
  }
  const groups = new Map<string, { peers: string[]; services: string[] }>();
  for (const [service, set] of perService) {
    const ps = [...set].sort(compare);
    const key = ps.join('\n');
    const g = groups.get(key) ?? { peers: ps, services: [] };
    g.services.push(service);
    groups.set(key, g);
  }
  const bgpServices = [...groups.entries()].sort(([a], [b]) => compare(a, b)).map(([, g]) => ({ peers: g.peers, services: g.services.sort(compare) }));
  return { bgpPeers, bgpServices };
}
