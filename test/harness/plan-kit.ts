/**
 * Helpers the NodePlan integration suites share: a LoadBalancer Service, an EndpointSlice with
 * ready endpoints on given nodes, reading a plan, counting the operator's plan writes, editing a
 * Node's labels, waiting for a Service's IP.
 */
import {
  CoreV1Api as CoreV1ApiClass, CustomObjectsApi as CustomObjectsApiClass, DiscoveryV1Api as DiscoveryV1ApiClass,
  type CoreV1Api, type CustomObjectsApi, type DiscoveryV1Api, type V1EndpointSlice, type V1Service,
} from '@kubernetes/client-node';
import { NODEPLAN, type NodePlan } from '@metallb-ts/lib/api/types.generated.ts';
import { apiFailureOf } from '@metallb-ts/lib/k8s/api-errors.ts';
import { ControlPlane } from './control-plane.ts';
import { installCrds } from './crds.ts';
import { applyYaml, startOperator, waitFor, type TestOperator } from './operator.ts';

/** A LoadBalancer Service on port 80 as JSON (for applyYaml). */
export const lbServiceJson = (namespace: string, name: string, local: boolean): string => JSON.stringify({
  apiVersion: 'v1', kind: 'Service', metadata: { name, namespace },
  spec: { type: 'LoadBalancer', ports: [{ port: 80, protocol: 'TCP' }], selector: { app: name }, ...(local ? { externalTrafficPolicy: 'Local' } : {}) },
});

/** An EndpointSlice `<svc>-slice` of Service `svc` with one ready endpoint on each of `nodes`. */
export const sliceOn = (namespace: string, svc: string, nodes: readonly string[], firstHost = 10): V1EndpointSlice => ({
  metadata: { name: `${svc}-slice`, namespace, labels: { 'kubernetes.io/service-name': svc } },
  addressType: 'IPv4', ports: [{ port: 80, protocol: 'TCP' }],
  endpoints: nodes.map((n, i) => ({ addresses: [`192.0.2.${firstHost + i}`], nodeName: n, conditions: { ready: true, serving: true } })),
});

/** The NodePlan of `node` in `namespace`, undefined when there is none. */
export async function readNodePlan(custom: CustomObjectsApi, namespace: string, node: string): Promise<NodePlan | undefined> {
  try {
    return (await custom.getNamespacedCustomObject({ ...NODEPLAN, namespace, name: node })) as NodePlan;
  } catch (e) {
    if (apiFailureOf(e) === 'not-found') return undefined;
    throw e;
  }
}

/** Plan writes the in-process operator counted (metallb_ts_node_plan_writes_total, kind=plan). */
export async function planWritesOf(op: TestOperator): Promise<number> {
  const m = await op.replica.registry.getSingleMetric('metallb_ts_node_plan_writes_total')?.get();
  return (m?.values ?? []).filter((v) => v.labels['kind'] === 'plan').reduce((a, v) => a + v.value, 0);
}

/** Sets (string) or removes (null) labels of Node `name`. */
export async function setNodeLabels(core: CoreV1Api, name: string, change: Readonly<Record<string, string | null>>): Promise<void> {
  const node = await core.readNode({ name });
  const labels = { ...node.metadata?.labels };
  for (const [k, v] of Object.entries(change)) {
    if (v === null) delete labels[k];
    else labels[k] = v;
  }
  await core.replaceNode({ name, body: { ...node, metadata: { ...node.metadata, labels } } });
}

/** Waits for the first ingress IP of Service `namespace/name`. */
export const ingressOf = (core: CoreV1Api, namespace: string, name: string): Promise<string> => waitFor(`${name} gets an IP`, async () => {
  const svc: V1Service = await core.readNamespacedService({ namespace, name });
  return svc.status?.loadBalancer?.ingress?.[0]?.ip;
});

/** A control plane with the CRDs, two namespaces, some Nodes, a configuration and a ready operator. */
export interface PlanCluster {
  readonly cp: ControlPlane;
  readonly core: CoreV1Api;
  readonly custom: CustomObjectsApi;
  readonly discovery: DiscoveryV1Api;
  readonly op: TestOperator;
  /** Stops the operator, then the control plane. */
  stop(): Promise<void>;
}

/** Starts a {@link PlanCluster}: `config` is applied before the operator starts. */
export async function startPlanCluster(o: { readonly namespace: string; readonly appNamespace: string; readonly nodes: readonly string[]; readonly config: string }): Promise<PlanCluster> {
  const cp = await ControlPlane.start();
  const core = cp.kubeConfig.makeApiClient(CoreV1ApiClass);
  await installCrds(cp.kubeConfig);
  await cp.ensureNamespace(o.namespace);
  await cp.ensureNamespace(o.appNamespace);
  for (const name of o.nodes) await core.createNode({ body: { metadata: { name } } });
  await applyYaml(cp, o.config);
  const op = await startOperator({ kubeConfig: cp.kubeConfig, namespace: o.namespace });
  await op.waitReady();
  return {
    cp, core, op, custom: cp.kubeConfig.makeApiClient(CustomObjectsApiClass), discovery: cp.kubeConfig.makeApiClient(DiscoveryV1ApiClass),
    stop: async () => {
      await op.stop();
      await cp.stop();
    },
  };
}
