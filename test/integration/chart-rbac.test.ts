/**
 * The chart's RBAC on a real apiserver: the chart is installed, each component's ServiceAccount
 * gets a TokenRequest token, and real API calls made with it are allowed for what the component
 * needs and refused (403) for verbs the chart does not grant.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AppsV1Api, CoordinationV1Api, CoreV1Api, CustomObjectsApi, DiscoveryV1Api, EventsV1Api,
  V1MicroTime, type KubeConfig,
} from '@kubernetes/client-node';
import { mergePatch } from '@metallb-ts/lib/k8s/client-node-options.ts';
import { nodePlanFor } from '../../operator/src/plan/node-plan.ts';
import { statusOf } from '../harness/api-status.ts';
import { ControlPlane } from '../harness/control-plane.ts';
import { CHART, helmOk } from '../harness/chart.ts';

const NS = 'metallb-system';
/** A second release with FRR off: the speaker may read only the memberlist Secret. */
const L2_NS = 'metallb-l2';
const MERGE = mergePatch;

/** One call made with a component's token, and the status it must end with (403: RBAC refuses it). */
interface Case {
  readonly desc: string;
  readonly call: () => Promise<unknown>;
  readonly want: number;
}

/** Runs every case and reports all the calls that ended otherwise than wanted. */
async function check(cases: readonly Case[]): Promise<void> {
  const failures: string[] = [];
  for (const c of cases) {
    const status = await statusOf(c.call);
    if (status !== c.want) failures.push(`${c.desc}: HTTP ${String(status)}, want ${String(c.want)}`);
  }
  assert.deepEqual(failures, []);
}

/** An events.k8s.io/v1 Event about a Service, as the binaries write them. */
function eventAbout(name: string, controller: string): Record<string, unknown> {
  return {
    metadata: { name }, eventTime: new V1MicroTime(), reportingController: controller, reportingInstance: 'test',
    action: 'IPAllocated', reason: 'IPAllocated', type: 'Normal', note: 'rbac test',
    regarding: { apiVersion: 'v1', kind: 'Service', namespace: 'default', name: 'web' },
  };
}

/** API clients bound to one token. */
function clients(kc: KubeConfig) {
  return {
    core: kc.makeApiClient(CoreV1Api), custom: kc.makeApiClient(CustomObjectsApi), events: kc.makeApiClient(EventsV1Api),
    leases: kc.makeApiClient(CoordinationV1Api), apps: kc.makeApiClient(AppsV1Api), discovery: kc.makeApiClient(DiscoveryV1Api),
  };
}

const metallb = (plural: string, namespace = NS) => ({ group: 'metallb.io', version: 'v1beta1', namespace, plural });
const plans = (namespace = NS) => ({ group: 'speaker.metallb-ts.io', version: 'v1alpha1', namespace, plural: 'nodeplans' });

describe('chart RBAC with ServiceAccount tokens', () => {
  let cp: ControlPlane;
  before(async () => {
    cp = await ControlPlane.start();
    await cp.ensureNamespace(NS);
    await cp.ensureNamespace(L2_NS);
    await helmOk(cp, ['install', 'metallb-ts', CHART, '-n', NS]);
    await helmOk(cp, ['install', 'l2', CHART, '-n', L2_NS, '--set', 'crds.enabled=false', '--set', 'speaker.frr.enabled=false']);
    // What the calls below act on, created as admin.
    const core = cp.kubeConfig.makeApiClient(CoreV1Api);
    await core.createNode({ body: { metadata: { name: 'node-a' } } });
    await core.createNamespacedService({ namespace: 'default', body: { metadata: { name: 'web' }, spec: { type: 'LoadBalancer', ports: [{ port: 80 }] } } });
    for (const [namespace, name] of [[NS, 'memberlist'], [L2_NS, 'memberlist'], [L2_NS, 'other'], ['kube-system', 'bootstrap']] as const) {
      await core.createNamespacedSecret({ namespace, body: { metadata: { name }, stringData: { secretkey: 'k' } } });
    }
    await cp.kubeConfig.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
      ...metallb('ipaddresspools'), body: { apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: { name: 'pool' }, spec: { addresses: ['192.0.2.0/28'] } },
    });
  });
  after(async () => {
    await cp?.stop();
  });

  it('lets the operator do its work and nothing more', async () => {
    const c = clients(await cp.kubeConfigFor(NS, 'metallb-ts-controller'));
    const plan = nodePlanFor({ namespace: NS, nodeName: 'node-a', frrConf: 'frr defaults traditional\n', passwords: [] });
    await check([
      { desc: 'list Services in all namespaces', call: () => c.core.listServiceForAllNamespaces(), want: 200 },
      { desc: 'patch a Service status', call: () => c.core.patchNamespacedServiceStatus({ namespace: 'default', name: 'web', body: { status: { loadBalancer: { ingress: [{ ip: '192.0.2.1' }] } } } }, MERGE), want: 200 },
      { desc: 'list Nodes', call: () => c.core.listNode(), want: 200 },
      { desc: 'list Namespaces', call: () => c.core.listNamespace(), want: 200 },
      { desc: 'list EndpointSlices in all namespaces', call: () => c.discovery.listEndpointSliceForAllNamespaces(), want: 200 },
      { desc: 'create an Event', call: () => c.events.createNamespacedEvent({ namespace: 'default', body: eventAbout('op-1', 'metallb.io/controller') as never }), want: 200 },
      { desc: 'list IPAddressPools', call: () => c.custom.listNamespacedCustomObject(metallb('ipaddresspools')), want: 200 },
      { desc: 'list BGPPeers', call: () => c.custom.listNamespacedCustomObject({ ...metallb('bgppeers'), version: 'v1beta2' }), want: 200 },
      { desc: 'patch an IPAddressPool status', call: () => c.custom.patchNamespacedCustomObjectStatus({ ...metallb('ipaddresspools'), name: 'pool', body: { status: { assignedIPv4: 0, assignedIPv6: 0, availableIPv4: 16, availableIPv6: 0 } } }, MERGE), want: 200 },
      { desc: 'create a ConfigurationState', call: () => c.custom.createNamespacedCustomObject({ ...metallb('configurationstates'), body: { apiVersion: 'metallb.io/v1beta1', kind: 'ConfigurationState', metadata: { name: 'controller' } } }), want: 200 },
      { desc: 'create a NodePlan', call: () => c.custom.createNamespacedCustomObject({ ...plans(), body: plan }), want: 200 },
      { desc: 'delete a NodePlan', call: () => c.custom.deleteNamespacedCustomObject({ ...plans(), name: 'no-such-node' }), want: 404 },
      { desc: 'read the memberlist Secret', call: () => c.core.readNamespacedSecret({ namespace: NS, name: 'memberlist' }), want: 200 },
      { desc: 'create a password Secret', call: () => c.core.createNamespacedSecret({ namespace: NS, body: { metadata: { name: 'frr-passwords-node-a' }, stringData: { a: 'b' } } }), want: 200 },
      { desc: 'create its Lease', call: () => c.leases.createNamespacedLease({ namespace: NS, body: { metadata: { name: 'metallb-ts-controller' }, spec: { holderIdentity: 'x' } } }), want: 200 },
      { desc: 'read its Lease', call: () => c.leases.readNamespacedLease({ namespace: NS, name: 'metallb-ts-controller' }), want: 200 },
      { desc: 'read its Deployment', call: () => c.apps.readNamespacedDeployment({ namespace: NS, name: 'metallb-ts-controller' }), want: 200 },
      { desc: 'DENIED delete a Node', call: () => c.core.deleteNode({ name: 'node-a' }), want: 403 },
      { desc: 'DENIED read a Secret in kube-system', call: () => c.core.readNamespacedSecret({ namespace: 'kube-system', name: 'bootstrap' }), want: 403 },
      { desc: 'DENIED create an IPAddressPool', call: () => c.custom.createNamespacedCustomObject({ ...metallb('ipaddresspools'), body: { apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: { name: 'p2' }, spec: { addresses: ['192.0.2.16/28'] } } }), want: 403 },
      { desc: 'DENIED update a Service spec', call: () => c.core.patchNamespacedService({ namespace: 'default', name: 'web', body: { spec: { externalTrafficPolicy: 'Local' } } }, MERGE), want: 403 },
      { desc: 'DENIED read another Lease', call: () => c.leases.readNamespacedLease({ namespace: NS, name: 'someone-else' }), want: 403 },
      { desc: 'DENIED list Pods', call: () => c.core.listNamespacedPod({ namespace: NS }), want: 403 },
    ]);
  });

  it('lets the speaker read its plan and report, and nothing of the configuration', async () => {
    const c = clients(await cp.kubeConfigFor(NS, 'metallb-ts-speaker'));
    await check([
      { desc: 'read its Node', call: () => c.core.readNode({ name: 'node-a' }), want: 200 },
      { desc: 'read a Service (the object of its events)', call: () => c.core.readNamespacedService({ namespace: 'default', name: 'web' }), want: 200 },
      { desc: 'read its NodePlan', call: () => c.custom.getNamespacedCustomObject({ ...plans(), name: 'node-a' }), want: 200 },
      { desc: 'watch-list NodePlans by name', call: () => c.custom.listNamespacedCustomObject({ ...plans(), fieldSelector: 'metadata.name=node-a' }), want: 200 },
      { desc: 'patch its NodePlan status', call: () => c.custom.patchNamespacedCustomObjectStatus({ ...plans(), name: 'node-a', body: { status: { result: 'Pending' } } }, MERGE), want: 200 },
      { desc: 'read the memberlist Secret', call: () => c.core.readNamespacedSecret({ namespace: NS, name: 'memberlist' }), want: 200 },
      { desc: 'read its password Secret', call: () => c.core.readNamespacedSecret({ namespace: NS, name: 'frr-passwords-node-a' }), want: 200 },
      { desc: 'list speaker Pods (gossip seeds)', call: () => c.core.listNamespacedPod({ namespace: NS, labelSelector: 'app.kubernetes.io/component=speaker' }), want: 200 },
      { desc: 'create an Event', call: () => c.events.createNamespacedEvent({ namespace: 'default', body: eventAbout('sp-1', 'metallb.io/speaker') as never }), want: 200 },
      { desc: 'create a ServiceL2Status', call: () => c.custom.createNamespacedCustomObject({ ...metallb('servicel2statuses'), body: { apiVersion: 'metallb.io/v1beta1', kind: 'ServiceL2Status', metadata: { name: 'l2-web' }, spec: {} } }), want: 200 },
      { desc: 'create a ServiceBGPStatus', call: () => c.custom.createNamespacedCustomObject({ ...metallb('servicebgpstatuses'), body: { apiVersion: 'metallb.io/v1beta1', kind: 'ServiceBGPStatus', metadata: { name: 'bgp-web' }, spec: {} } }), want: 200 },
      { desc: 'DENIED list IPAddressPools', call: () => c.custom.listNamespacedCustomObject(metallb('ipaddresspools')), want: 403 },
      { desc: 'DENIED read a Secret in kube-system', call: () => c.core.readNamespacedSecret({ namespace: 'kube-system', name: 'bootstrap' }), want: 403 },
      { desc: 'DENIED change a NodePlan spec', call: () => c.custom.patchNamespacedCustomObject({ ...plans(), name: 'node-a', body: { spec: { nodeName: 'node-a' } } }, MERGE), want: 403 },
      { desc: 'DENIED list Nodes', call: () => c.core.listNode(), want: 403 },
      { desc: 'DENIED list Services', call: () => c.core.listServiceForAllNamespaces(), want: 403 },
      { desc: 'DENIED write a Service status', call: () => c.core.patchNamespacedServiceStatus({ namespace: 'default', name: 'web', body: { status: {} } }, MERGE), want: 403 },
      { desc: 'DENIED create a Secret', call: () => c.core.createNamespacedSecret({ namespace: NS, body: { metadata: { name: 'x' } } }), want: 403 },
    ]);
  });

  it('with FRR off, lets the speaker read only the memberlist Secret', async () => {
    const c = clients(await cp.kubeConfigFor(L2_NS, 'l2-metallb-ts-speaker'));
    await check([
      { desc: 'read the memberlist Secret', call: () => c.core.readNamespacedSecret({ namespace: L2_NS, name: 'memberlist' }), want: 200 },
      { desc: 'watch-list the memberlist Secret by name', call: () => c.core.listNamespacedSecret({ namespace: L2_NS, fieldSelector: 'metadata.name=memberlist' }), want: 200 },
      { desc: 'DENIED read another Secret of its namespace', call: () => c.core.readNamespacedSecret({ namespace: L2_NS, name: 'other' }), want: 403 },
      { desc: 'DENIED list the Secrets of its namespace', call: () => c.core.listNamespacedSecret({ namespace: L2_NS }), want: 403 },
    ]);
  });
});
