/**
 * ServiceBGPStatus bookkeeping, MetalLB style: one object per (Service, node) this node
 * advertises, `status.peers` = the sorted BGPPeer names whose sessions carry the Service's
 * prefix. Given what the plan wants and what exists (found by the node's label), computes the
 * creates, peer updates and deletes; nothing when they agree. Pure.
 */

/** Labels MetalLB puts on the objects. */
export const SBS_LABELS = {
  node: 'metallb.io/node',
  serviceName: 'metallb.io/service-name',
  serviceNamespace: 'metallb.io/service-namespace',
} as const;

/** An existing ServiceBGPStatus of this node, reduced to what matters. */
export interface ExistingServiceStatus {
  readonly name: string;
  /** `namespace/name` of its Service (from status, else labels). */
  readonly service: string;
  readonly peers: readonly string[];
}

/** What to write. */
export interface ServiceStatusChanges {
  readonly create: ReadonlyArray<{ readonly service: string; readonly peers: readonly string[] }>;
  readonly update: ReadonlyArray<{ readonly name: string; readonly service: string; readonly peers: readonly string[] }>;
  readonly delete: readonly string[];
}

/** The changes that make `existing` match `wanted` (`namespace/name` → sorted peers). */
export function serviceStatusChanges(wanted: ReadonlyMap<string, readonly string[]>, existing: readonly ExistingServiceStatus[]): ServiceStatusChanges {
  const create: Array<{ service: string; peers: readonly string[] }> = [];
  const update: Array<{ name: string; service: string; peers: readonly string[] }> = [];
  const del: string[] = [];
  const seen = new Set<string>();
  for (const e of [...existing].sort((a, b) => a.name.localeCompare(b.name))) {
    const peers = wanted.get(e.service);
    // Not wanted any more, or a duplicate for a Service already kept: delete.
    if (peers === undefined || seen.has(e.service)) {
      del.push(e.name);
      continue;
    }
    seen.add(e.service);
    if (e.peers.join('\n') !== peers.join('\n')) update.push({ name: e.name, service: e.service, peers });
  }
  for (const [service, peers] of [...wanted].sort(([a], [b]) => a.localeCompare(b))) {
    if (!seen.has(service)) create.push({ service, peers });
  }
  return { create, update, delete: del };
}

/** Splits `namespace/name`. */
export function splitServiceKey(key: string): { readonly namespace: string; readonly name: string } {
  const i = key.indexOf('/');
  return { namespace: key.slice(0, i), name: key.slice(i + 1) };
}
