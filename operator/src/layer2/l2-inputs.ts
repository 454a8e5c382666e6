/**
 * Adapters from API objects to the election's inputs (pure): a Node's labels and
 * NetworkUnavailable condition, and the nodes hosting a serving endpoint of a Service.
 */
import type { V1EndpointSlice, V1Node } from '@kubernetes/client-node';
import { nodeName } from '@metallb-ts/lib/ids/ids.ts';
import type { L2Node } from './l2-duties.ts';

/** The election's view of a Node. */
export function l2NodeOf(n: V1Node): L2Node {
  return {
    name: nodeName(n.metadata?.name ?? ''),
    labels: n.metadata?.labels ?? {},
    networkUnavailable: (n.status?.conditions ?? []).some((c) => c.type === 'NetworkUnavailable' && c.status === 'True'),
  };
}

/**
 * Nodes with an endpoint that can serve, over a Service's EndpointSlices (joined by the
 * `kubernetes.io/service-name` label): ready unset or true, or serving true (MetalLB's rule).
 */
export function servingNodesOf(slices: readonly V1EndpointSlice[]): Set<string> {
  const out = new Set<string>();
  for (const s of slices) {
    for (const ep of s.endpoints ?? []) {
      const c = ep.conditions;
      const canServe = c?.ready === undefined || c.ready || c.serving === true;
      if (canServe && ep.nodeName !== undefined) out.add(ep.nodeName);
    }
  }
  return out;
}
