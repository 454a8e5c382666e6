/**
 * Adapters from the plan pipeline's parsed inputs to the election's (pure): a Node's labels and
 * NetworkUnavailable condition, and a Service's facts (parsed once in plan-inputs.ts), so the
 * layer-2 duties are computed from the same Services and EndpointSlices as the BGP side.
 */
import type { NodePlanSpecL2 } from '@metallb-ts/lib/api/types.generated.ts';
import type { V1Node } from '@kubernetes/client-node';
import { nodeName, serviceKey, type NodeName } from '@metallb-ts/lib/ids/ids.ts';
import type { L2Advertisement } from '../config/types.ts';
import type { ServiceFacts } from '../frr/announcements.ts';
import { l2DutiesFor, type L2Node, type L2Service } from './l2-duties.ts';

/** The election's view of a Node. */
export function l2NodeOf(n: V1Node): L2Node {
  return {
    name: nodeName(n.metadata?.name ?? ''),
    labels: n.metadata?.labels ?? {},
    networkUnavailable: (n.status?.conditions ?? []).some((c) => c.type === 'NetworkUnavailable' && c.status === 'True'),
  };
}

/** The election's view of an announced Service. */
export function l2ServiceOf(s: ServiceFacts): L2Service {
  const slash = s.key.indexOf('/');
  return {
    key: serviceKey(s.key.slice(0, slash), s.key.slice(slash + 1)),
    labels: s.labels,
    ips: s.ips.map((ip) => ip.text),
    pool: s.pool,
    externalTrafficPolicy: s.trafficPolicyLocal ? 'Local' : 'Cluster',
    servingNodes: s.servingNodes,
    sharingKey: s.sharingKey,
  };
}

/** Inputs of {@link l2DutiesOfCluster}. */
export interface ClusterL2Input {
  readonly l2Advertisements: readonly L2Advertisement[];
  readonly nodes: readonly V1Node[];
  readonly services: readonly ServiceFacts[];
  /** MetalLB's `--ignore-exclude-lb`. */
  readonly ignoreExcludeLb?: boolean;
}

/** `spec.l2` of every node, from the cached Nodes and the parsed Services (empty without L2Advertisements). */
export function l2DutiesOfCluster(i: ClusterL2Input): Map<NodeName, NodePlanSpecL2> {
  if (i.l2Advertisements.length === 0) return new Map();
  return l2DutiesFor({
    l2Advertisements: i.l2Advertisements, nodes: i.nodes.map(l2NodeOf), services: i.services.map(l2ServiceOf),
    ...(i.ignoreExcludeLb === undefined ? {} : { ignoreExcludeLb: i.ignoreExcludeLb }),
  });
}

/** What of a Node the election reads (labels, NetworkUnavailable), as a comparable string. */
export function l2FactsKeyOf(n: V1Node): string {
  const l = l2NodeOf(n);
  return JSON.stringify([Object.entries(l.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)), l.networkUnavailable]);
}
