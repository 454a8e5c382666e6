/**
 * The operator's NodePlan pipeline end to end, without an apiserver: the scale scenario as raw
 * Kubernetes objects (Nodes, Services with ingress IPs, one EndpointSlice per Service) → the
 * edge parsing (PlanInputs) → one NodePlanReconciler run per node (render, encode, compare,
 * write into an in-memory store). Used by bgp-render.bench.ts.
 */
import { performance } from 'node:perf_hooks';
import type { KubernetesObject, V1EndpointSlice, V1Node, V1Secret, V1Service } from '@kubernetes/client-node';
import type { NodePlan } from '@metallb-ts/lib/api/types.generated.ts';
import { captureLogger } from '@metallb-ts/lib/testing/capture-logger.ts';
import type { Config } from '../../operator/src/config/types.ts';
import { PlanInputs } from '../../operator/src/controller/node-plan-pipeline.ts';
import { NodePlanReconciler } from '../../operator/src/controller/node-plan-reconciler.ts';
import type { NodeFacts, ServiceFacts } from '../../operator/src/frr/announcements.ts';
import type { FrrRenderer } from '../../operator/src/frr/render.ts';
import { FakeObjectStore } from '../../operator/src/testing/object-store-fake.ts';

/** What the pipeline bench measured. */
export interface PipelineTimes {
  /** Parsing every Service and EndpointSlice once. */
  readonly pipeline_parse_ms: number;
  /** Parse + every node rendered and its plan created (the first pass after a restart with no plans). */
  readonly pipeline_all_nodes_ms: number;
  /** Every node again with nothing changed (renders, compares, writes nothing). */
  readonly pipeline_unchanged_ms: number;
  /** Plan writes in the unchanged pass (must be 0). */
  readonly pipeline_unchanged_writes: number;
  /** Every node after one ETP=Local Service lost its endpoints. */
  readonly pipeline_one_change_ms: number;
  /** Plan writes that one change caused (the nodes whose rendering changed). */
  readonly pipeline_one_change_writes: number;
  /** The same one change, under the name the issue notes use. */
  readonly service_change_10k_ms: number;
  /** CPU time of that pass (user + system; what the wall time is on an idle machine). */
  readonly service_change_10k_cpu_ms: number;
  /** CPU time of the unchanged pass. */
  readonly pipeline_unchanged_cpu_ms: number;
  /** Every node after one new ETP=Cluster Service (every node announces it). */
  readonly service_add_10k_ms: number;
  /** CPU time of that pass. */
  readonly service_add_10k_cpu_ms: number;
  /** Plan writes that the new Service caused (every node). */
  readonly service_add_10k_writes: number;
  /** Every node after one Service's labels changed in a way no advertisement selects on. */
  readonly service_noop_change_10k_ms: number;
  /** CPU time of that pass. */
  readonly service_noop_change_10k_cpu_ms: number;
  /** Plan writes of that change (must be 0). */
  readonly service_noop_change_10k_writes: number;
}

/** The scenario's Services and slices as API objects. */
function rawObjectsOf(services: readonly ServiceFacts[]): { services: V1Service[]; slices: V1EndpointSlice[] } {
  const raw = services.map((s): V1Service => {
    const [ns = '', name = ''] = s.key.split('/');
    return {
      metadata: { namespace: ns, name, labels: { ...s.labels } },
      spec: { type: 'LoadBalancer', externalTrafficPolicy: s.trafficPolicyLocal ? 'Local' : 'Cluster' },
      status: { loadBalancer: { ingress: s.ips.map((ip) => ({ ip: ip.text })) } },
    };
  });
  const slices = services.map((s, i): V1EndpointSlice => ({
    metadata: { namespace: s.key.split('/')[0] ?? '', name: `slice-${i}`, labels: { 'kubernetes.io/service-name': s.key.split('/')[1] ?? '' } },
    addressType: 'IPv4', endpoints: [...s.servingNodes].map((n, k) => ({ addresses: [`192.0.2.${k + 1}`], nodeName: n, conditions: { ready: true } })),
  }));
  return { services: raw, slices };
}

const ms = (t0: number): number => Math.round((performance.now() - t0) * 10) / 10;

/** Runs the three passes over `nodes`. */
export async function pipelineTimes(config: Config, nodeFacts: readonly NodeFacts[], serviceFacts: readonly ServiceFacts[], render: FrrRenderer): Promise<PipelineTimes> {
  const raw = rawObjectsOf(serviceFacts);
  const nodes = new Map(nodeFacts.map((n): [string, V1Node] => [n.name, { metadata: { name: n.name, uid: `uid-${n.name}`, labels: { ...n.labels } } }]));
  const inputs = new PlanInputs({ services: () => raw.services, slices: () => raw.slices });
  const plans = new FakeObjectStore<NodePlan & KubernetesObject>();
  const r = new NodePlanReconciler({
    namespace: 'metallb-system', node: (n) => nodes.get(n), snapshot: () => inputs.snapshot(), plans, secrets: new FakeObjectStore<V1Secret>(),
    render, metrics: { write: () => {}, renderFailure: () => {} }, logger: captureLogger('warn').logger,
  });
  const pass = async (): Promise<{ ms: number; cpuMs: number; writes: number }> => {
    const before = plans.ops.length;
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    for (const n of nodes.keys()) await r.reconcile(n);
    const c = process.cpuUsage(c0);
    return { ms: ms(t0), cpuMs: Math.round((c.user + c.system) / 100) / 10, writes: plans.ops.length - before };
  };
  inputs.setConfig(config);
  let t0 = performance.now();
  inputs.snapshot();
  const parseMs = ms(t0);
  inputs.setConfig(config);
  t0 = performance.now();
  await pass();
  const allMs = ms(t0);
  const unchanged = await pass();
  const local = raw.slices.findIndex((_, i) => serviceFacts[i]?.trafficPolicyLocal === true);
  raw.slices[local] = { ...raw.slices[local]!, endpoints: [] };
  inputs.invalidate();
  const changed = await pass();
  // A new ETP=Cluster Service, served where the second Service is: every node announces it.
  const svc = raw.services[1]!;
  const slice = raw.slices[1]!;
  raw.services.push({ ...svc, metadata: { ...svc.metadata, name: 'svc-added' }, status: { loadBalancer: { ingress: [{ ip: '2001:db8:100::ffff' }] } } });
  raw.slices.push({ ...slice, metadata: { ...slice.metadata, name: 'slice-added', labels: { 'kubernetes.io/service-name': 'svc-added' } } });
  inputs.invalidate();
  const added = await pass();
  raw.services[2] = { ...raw.services[2]!, metadata: { ...raw.services[2]!.metadata, labels: { ...raw.services[2]!.metadata?.labels, unrelated: 'x' } } };
  inputs.invalidate();
  const noop = await pass();
  return {
    pipeline_parse_ms: parseMs, pipeline_all_nodes_ms: allMs, pipeline_unchanged_ms: unchanged.ms, pipeline_unchanged_writes: unchanged.writes, pipeline_unchanged_cpu_ms: unchanged.cpuMs,
    pipeline_one_change_ms: changed.ms, pipeline_one_change_writes: changed.writes, service_change_10k_ms: changed.ms, service_change_10k_cpu_ms: changed.cpuMs,
    service_add_10k_ms: added.ms, service_add_10k_cpu_ms: added.cpuMs, service_add_10k_writes: added.writes,
    service_noop_change_10k_ms: noop.ms, service_noop_change_10k_cpu_ms: noop.cpuMs, service_noop_change_10k_writes: noop.writes,
  };
}
