/**
 * What this node reports about its layer-2 announcements (pure), MetalLB style
 * (metallb-behaviour.md §1 ServiceL2Status, §5.1 events):
 *
 * - one ServiceL2Status per Service this node announces, `status.interfaces` filled only when
 *   the advertisement restricts interfaces, deleted when the node stops announcing it;
 * - a `nodeAssigned` event on a Service when this node starts announcing it;
 * - a Warning event on the Services of a VIP when a new address conflict shows up.
 *
 * Everything is computed from the previous and the current view, so nothing is written or
 * emitted when nothing changed.
 */
import { serviceStatusChanges, type ServiceStatusChanges } from '../../plan/core/service-bgp.ts';
import type { AddressConflict } from '../responder-types.ts';

/** MetalLB's protocol name in the `nodeAssigned` message. */
export const LAYER2_PROTOCOL = 'layer2';
/** MetalLB's reason for "this node announces the Service". */
export const NODE_ASSIGNED = 'nodeAssigned';
/** Reason of the Warning about an address another host also claims (MetalLB has none). */
export const ADDRESS_CONFLICT = 'addressConflict';

/** One VIP this node announces now. */
export interface AnnouncedVip {
  readonly ip: string;
  /** `namespace/name` of the Services on it. */
  readonly services: readonly string[];
  /** The interfaces announced on when the advertisement restricts them; undefined = all. */
  readonly interfaces: readonly string[] | undefined;
}

/** `namespace/name` → the sorted interfaces to list in its ServiceL2Status ([] = not restricted). */
export function wantedServiceL2(announced: readonly AnnouncedVip[]): Map<string, string[]> {
  const out = new Map<string, Set<string>>();
  for (const v of announced) {
    for (const s of v.services) {
      const set = out.get(s) ?? new Set<string>();
      for (const i of v.interfaces ?? []) set.add(i);
      out.set(s, set);
    }
  }
  return new Map([...out].map(([s, i]) => [s, [...i].sort()]));
}

/** An existing ServiceL2Status of this node. */
export interface ExistingServiceL2 {
  readonly name: string;
  /** `namespace/name` (from status, else labels). */
  readonly service: string;
  readonly interfaces: readonly string[];
}

/** The writes that make `existing` match `wanted`. */
export function serviceL2Changes(wanted: ReadonlyMap<string, readonly string[]>, existing: readonly ExistingServiceL2[]): ServiceStatusChanges {
  return serviceStatusChanges(wanted, existing.map((e) => ({ name: e.name, service: e.service, peers: [...e.interfaces].sort() })));
}

/** One event to record on a Service. */
export interface ServiceEvent {
  readonly service: string;
  readonly type: 'Normal' | 'Warning';
  readonly reason: string;
  readonly note: string;
}

/** MetalLB's message: `announcing from node "<node>" with protocol "layer2"` (Go's %q quoting). */
export const nodeAssignedNote = (node: string): string => `announcing from node ${JSON.stringify(node)} with protocol ${JSON.stringify(LAYER2_PROTOCOL)}`;

/** `nodeAssigned` for every Service announced now and not before, sorted. */
export function assignedEvents(node: string, before: ReadonlySet<string>, now: ReadonlySet<string>): ServiceEvent[] {
  return [...now].filter((s) => !before.has(s)).sort().map((service) => ({ service, type: 'Normal', reason: NODE_ASSIGNED, note: nodeAssignedNote(node) }));
}

/** Identity of a conflict: the address and the other MAC. */
export const conflictKey = (c: AddressConflict): string => `${c.ip}|${c.mac}`;

/**
 * A Warning on each Service of the VIP for every conflict not known before (`servicesOf` maps a
 * VIP to its Services in the plan).
 */
export function conflictEvents(node: string, before: ReadonlySet<string>, now: readonly AddressConflict[], servicesOf: (ip: string) => readonly string[]): ServiceEvent[] {
  const out: ServiceEvent[] = [];
  for (const c of now) {
    if (before.has(conflictKey(c))) continue;
    const what = c.phase === 'probe' ? 'not announced from' : 'seen while announcing from';
    const note = `${c.ip} is also claimed by ${c.mac} on ${c.iface}; ${what} node ${JSON.stringify(node)}`;
    for (const service of servicesOf(c.ip)) out.push({ service, type: 'Warning', reason: ADDRESS_CONFLICT, note });
  }
  return out;
}
