/**
 * The Service conditions on a real apiserver, one case per reason, all on one control plane and
 * one in-process operator: each case creates its Services and waits for the
 * `metallb.io/AddressAllocated` or `metallb.io/Announced` verdict, asserting the reason and the
 * object the message names. The bare apiserver has no kubelet, EndpointSlice controller or
 * speaker, so Nodes, EndpointSlices, the NodePlan status (BGP session state) and ServiceL2Status
 * are written by the test where a speaker would write them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CoreV1Api, CustomObjectsApi, DiscoveryV1Api, V1Service } from '@kubernetes/client-node';
import { NODEPLAN, SERVICEL2STATUS } from '@metallb-ts/lib/api/types.generated.ts';
import { mergePatch } from '@metallb-ts/lib/k8s/client-node-options.ts';
import type { ControlPlane } from '../harness/control-plane.ts';
import { applyYaml, waitFor } from '../harness/operator.ts';
import { readNodePlan, setNodeLabels, sliceOn, startPlanCluster, type PlanCluster } from '../harness/plan-kit.ts';

const NS = 'metallb-system';
const APP = 'conds';
const NODES = ['node-a', 'node-b'] as const;
const EXCLUDE = 'node.kubernetes.io/exclude-from-external-load-balancers';

const CONFIG = `
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: bgp-pool, namespace: ${NS}}
spec: {addresses: [198.51.100.0/28]}
---
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: quiet-pool, namespace: ${NS}}
spec: {addresses: [198.51.100.32/28], autoAssign: false}
---
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: tiny-pool, namespace: ${NS}}
spec: {addresses: [198.51.100.48/32], autoAssign: false}
---
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: l2-pool, namespace: ${NS}}
spec: {addresses: [198.51.100.64/28], autoAssign: false}
---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: {name: router, namespace: ${NS}}
spec: {myASN: 64512, peerASN: 64513, peerAddress: 203.0.113.1}
---
apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata: {name: bgp-adv, namespace: ${NS}}
spec: {ipAddressPools: [bgp-pool, tiny-pool]}
---
apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata: {name: l2-adv, namespace: ${NS}}
spec: {ipAddressPools: [l2-pool]}
`;

interface Cond {
  readonly type: string;
  readonly status: string;
  readonly reason: string;
  readonly message: string;
  readonly lastTransitionTime: string;
}

/** A LoadBalancer Service on port 80 with the given metallb.io annotations. */
const serviceYaml = (name: string, annotations: Record<string, string> = {}): string => JSON.stringify({
  apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: APP, annotations },
  spec: { type: 'LoadBalancer', ports: [{ port: 80, protocol: 'TCP' }], selector: { app: name } },
});

describe('Service conditions on a real apiserver', () => {
  let pc: PlanCluster;
  let cp: ControlPlane;
  let core: CoreV1Api;
  let custom: CustomObjectsApi;
  let discovery: DiscoveryV1Api;

  const read = (name: string): Promise<V1Service> => core.readNamespacedService({ namespace: APP, name });
  const conditionOf = async (name: string, type: string): Promise<Cond | undefined> =>
    ((await read(name)).status?.conditions as unknown as Cond[] | undefined)?.find((c) => c.type === `metallb.io/${type}`);
  /** Waits until the condition has `reason`; asserts its status and that its message names `names`. */
  const expectCondition = async (name: string, type: string, reason: string, names: string): Promise<Cond> => {
    const c = await waitFor(`${name} ${type}=${reason}`, async () => {
      const got = await conditionOf(name, type);
      return got?.reason === reason ? got : undefined;
    });
    assert.equal(c.status, reason === 'Allocated' || reason === 'Announced' ? 'True' : 'False');
    assert.ok(c.message.includes(names), `${name} ${type}: "${c.message}" does not name ${names}`);
    return c;
  };
  const addService = async (name: string, annotations: Record<string, string> = {}, endpointsOn: readonly string[] = []): Promise<void> => {
    await applyYaml(cp, serviceYaml(name, annotations));
    if (endpointsOn.length > 0) await discovery.createNamespacedEndpointSlice({ namespace: APP, body: sliceOn(APP, name, endpointsOn) });
  };
  /** What a speaker reports: the BGP state of `router` on `node`. */
  const reportSession = async (node: string, bgpState: string): Promise<void> => {
    await waitFor(`NodePlan ${node}`, () => readNodePlan(custom, NS, node));
    await custom.patchNamespacedCustomObjectStatus({ ...NODEPLAN, namespace: NS, name: node, body: { status: { peers: [{ name: 'router', bgpState }], sessions: bgpState === 'Established' ? '1/1' : '0/1' } } }, mergePatch);
  };

  before(async () => {
    pc = await startPlanCluster({ namespace: NS, appNamespace: APP, nodes: NODES, config: CONFIG });
    ({ cp, core, custom, discovery } = pc);
  });
  after(() => pc?.stop());

  it('Allocated, then PlanPending until a speaker reports, Announced once a session is Established', async () => {
    await addService('web', {}, ['node-a']);
    await expectCondition('web', 'AddressAllocated', 'Allocated', 'IPAddressPool bgp-pool');
    await expectCondition('web', 'Announced', 'PlanPending', 'node-a');
    await reportSession('node-a', 'Established');
    await expectCondition('web', 'Announced', 'Announced', 'node node-a to BGPPeer router');
  });

  it('BGPSessionDown when the session is not Established, naming the peer and node', async () => {
    await reportSession('node-a', 'Active');
    await expectCondition('web', 'Announced', 'BGPSessionDown', 'BGPPeer router on node node-a is Active');
    await reportSession('node-a', 'Established');
    await expectCondition('web', 'Announced', 'Announced', 'BGPPeer router');
  });

  it('NoMatchingPool for a requested pool that does not exist', async () => {
    await addService('nopool', { 'metallb.io/address-pool': 'nope' });
    await expectCondition('nopool', 'AddressAllocated', 'NoMatchingPool', 'metallb.io/address-pool');
    await expectCondition('nopool', 'Announced', 'NotAllocated', 'metallb.io/AddressAllocated');
  });

  it('PoolExhausted naming the full pool', async () => {
    await addService('tiny-1', { 'metallb.io/address-pool': 'tiny-pool' });
    await expectCondition('tiny-1', 'AddressAllocated', 'Allocated', 'tiny-pool');
    await addService('tiny-2', { 'metallb.io/address-pool': 'tiny-pool' });
    const c = await expectCondition('tiny-2', 'AddressAllocated', 'PoolExhausted', 'IPAddressPool tiny-pool');
    assert.match(c.message, /^no available IPs in pool tiny-pool/, 'starts with MetalLB\'s words');
  });

  it('RequestedIPUnavailable for an address in no pool', async () => {
    await addService('outside', { 'metallb.io/loadBalancerIPs': '192.0.2.250' });
    await expectCondition('outside', 'AddressAllocated', 'RequestedIPUnavailable', 'metallb.io/loadBalancerIPs');
  });

  it('SharingRefused for a second Service on the same address without a sharing key', async () => {
    await addService('share-1', { 'metallb.io/loadBalancerIPs': '198.51.100.9' });
    await expectCondition('share-1', 'AddressAllocated', 'Allocated', '198.51.100.9');
    await addService('share-2', { 'metallb.io/loadBalancerIPs': '198.51.100.9' });
    await expectCondition('share-2', 'AddressAllocated', 'SharingRefused', 'metallb.io/allow-shared-ip');
  });

  it('NoAdvertisement for a pool no advertisement selects', async () => {
    await addService('quiet', { 'metallb.io/address-pool': 'quiet-pool' }, ['node-a']);
    await expectCondition('quiet', 'Announced', 'NoAdvertisement', 'IPAddressPool quiet-pool');
  });

  it('NoServingEndpoint without an endpoint, Announced once one appears', async () => {
    await addService('empty');
    await expectCondition('empty', 'Announced', 'NoServingEndpoint', `${APP}/empty`);
    await discovery.createNamespacedEndpointSlice({ namespace: APP, body: sliceOn(APP, 'empty', ['node-b']) });
    await expectCondition('empty', 'Announced', 'Announced', 'node node-a');
  });

  it('layer 2: PlanPending until a speaker reports its ServiceL2Status, then Announced by that node', async () => {
    await addService('l2', { 'metallb.io/address-pool': 'l2-pool' }, ['node-a']);
    await expectCondition('l2', 'Announced', 'PlanPending', 'ServiceL2Status');
    const created = (await custom.createNamespacedCustomObject({
      ...SERVICEL2STATUS, namespace: NS, body: { apiVersion: 'metallb.io/v1beta1', kind: 'ServiceL2Status', metadata: { generateName: 'l2-' }, spec: {} },
    })) as { metadata: { name: string } };
    await custom.patchNamespacedCustomObjectStatus({ ...SERVICEL2STATUS, namespace: NS, name: created.metadata.name, body: { status: { node: 'node-b', serviceName: 'l2', serviceNamespace: APP } } }, mergePatch);
    await expectCondition('l2', 'Announced', 'Announced', 'node node-b (layer 2)');
  });

  it('NodeExcluded when every node carries the exclude label; a changed stage is one write, an unchanged one none', async () => {
    const before = await conditionOf('web', 'AddressAllocated');
    const rv = async (): Promise<string> => (await read('quiet')).metadata?.resourceVersion ?? '';
    const quietRv = await rv();
    for (const n of NODES) await setNodeLabels(core, n, { [EXCLUDE]: '' });
    await expectCondition('web', 'Announced', 'NodeExcluded', 'Node node-a, node-b');
    assert.deepEqual(await conditionOf('web', 'AddressAllocated'), before, 'the allocation stage did not change, nor its time');
    assert.equal(await rv(), quietRv, 'a Service whose stage did not change (no advertisement) was not written');
    for (const n of NODES) await setNodeLabels(core, n, { [EXCLUDE]: null });
    await expectCondition('web', 'Announced', 'Announced', 'BGPPeer router');
  });
});
