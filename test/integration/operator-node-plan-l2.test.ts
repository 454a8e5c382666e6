/**
 * The operator's NodePlan pipeline computes each node's layer-2 duties (`spec.l2`, issue 10) on
 * a real apiserver, from the L2Advertisements, pools, Services, Nodes and EndpointSlices it
 * watches (Nodes and EndpointSlices are created by hand: no kubelet, no EndpointSlice
 * controller). A Cluster Service is a duty of every node with the same candidate set; an
 * advertisement's nodeSelectors and a node's labels change who is a candidate, and every plan
 * follows; ETP=Local narrows the set to the serving node; each real change is one write per
 * plan it changes, an unrelated change writes nothing, and a restarted operator writes nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api, CustomObjectsApi, DiscoveryV1Api, type V1EndpointSlice } from '@kubernetes/client-node';
import type { NodePlan, NodePlanSpecL2 } from '@metallb-ts/lib/api/types.generated.ts';
import { ControlPlane } from '../harness/control-plane.ts';
import { installCrds } from '../harness/crds.ts';
import { applyYaml, startOperator, waitFor, type TestOperator } from '../harness/operator.ts';
import { ingressOf, lbServiceJson, planWritesOf, readNodePlan, setNodeLabels, sliceOn } from '../harness/plan-kit.ts';

const NS = 'metallb-system';
const APP_NS = 'l2-plans';
const NODES = ['node-a', 'node-b', 'node-c'] as const;

const CONFIG = `
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: l2-pool, namespace: ${NS}}
spec: {addresses: [198.51.100.80/28]}
---
apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata: {name: l2-adv, namespace: ${NS}}
spec: {ipAddressPools: [l2-pool]}
`;

/** A node's duties as `ip → "candidate …"`, '' for a node without `spec.l2`. */
const dutiesView = (l2: NodePlanSpecL2 | undefined): Record<string, string> =>
  Object.fromEntries((l2?.vips ?? []).map((v) => [v.ip, `${l2!.candidateSets[v.set]!.nodes.map((c) => c.name).join(' ')} <${v.services.join(',')}>`]));

describe('operator: layer-2 duties in every NodePlan on a real apiserver', () => {
  let cp: ControlPlane;
  let core: CoreV1Api;
  let custom: CustomObjectsApi;
  let discovery: DiscoveryV1Api;
  let op: TestOperator;

  const readPlan = (node: string): Promise<NodePlan | undefined> => readNodePlan(custom, NS, node);
  const service = (name: string, local: boolean): string => lbServiceJson(APP_NS, name, local);
  const slice = (svc: string, nodes: readonly string[]): V1EndpointSlice => sliceOn(APP_NS, svc, nodes, 20);
  const planWrites = (): Promise<number> => planWritesOf(op);
  const setLabels = (name: string, change: Record<string, string | null>): Promise<void> => setNodeLabels(core, name, change);
  const views = async (): Promise<Record<string, Record<string, string>>> =>
    Object.fromEntries(await Promise.all(NODES.map(async (n) => [n, dutiesView((await readPlan(n))?.spec.l2)])));
  /** Waits until every node's duties are `want`. */
  const waitDuties = (what: string, want: Record<string, Record<string, string>>): Promise<unknown> =>
    waitFor(what, async () => {
      const got = await views();
      return JSON.stringify(got) === JSON.stringify(want) ? got : undefined;
    }).catch(async (e: unknown) => {
      throw new Error(`${String(e)}; have ${JSON.stringify(await views())}, want ${JSON.stringify(want)}`);
    });
  const rvs = async (): Promise<string[]> => Promise.all(NODES.map(async (n) => (await readPlan(n))?.metadata?.resourceVersion ?? ''));
  /** Runs `change`, waits for `want`, lets the operator settle; the plan writes it caused. */
  const writesOf = async (change: () => Promise<unknown>, what: string, want: Record<string, Record<string, string>>): Promise<number> => {
    await op.replica.controller.idle();
    const before = await planWrites();
    await change();
    await waitDuties(what, want);
    await op.replica.controller.idle();
    return (await planWrites()) - before;
  };

  let web = '';
  let local = '';
  const all = (ip: string, set: string, svc: string) => ({ [ip]: `${set} <${APP_NS}/${svc}>` });

  before(async () => {
    cp = await ControlPlane.start();
    core = cp.kubeConfig.makeApiClient(CoreV1Api);
    custom = cp.kubeConfig.makeApiClient(CustomObjectsApi);
    discovery = cp.kubeConfig.makeApiClient(DiscoveryV1Api);
    await installCrds(cp.kubeConfig);
    await cp.ensureNamespace(NS);
    await cp.ensureNamespace(APP_NS);
    for (const [i, n] of NODES.entries()) await core.createNode({ body: { metadata: { name: n, labels: { rack: ['a', 'b', 'c'][i] ?? '' } } } });
    await applyYaml(cp, CONFIG);
    op = await startOperator({ kubeConfig: cp.kubeConfig, namespace: NS });
    await op.waitReady();
  });
  after(async () => {
    await op?.stop();
    await cp?.stop();
  });

  it('a Cluster Service with an endpoint is a duty of every node, with one candidate set', async () => {
    await applyYaml(cp, service('web', false));
    await discovery.createNamespacedEndpointSlice({ namespace: APP_NS, body: slice('web', ['node-a']) });
    web = await ingressOf(core, APP_NS, 'web');
    const every = all(web, 'node-a node-b node-c', 'web');
    await waitDuties('every node has the VIP', { 'node-a': every, 'node-b': every, 'node-c': every });
  });

  it('nodeSelectors on the advertisement: the node left out loses its duties, the others\' candidate set shrinks', async () => {
    const ab = all(web, 'node-a node-b', 'web');
    const writes = await writesOf(() => applyYaml(cp, `
apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata: {name: l2-adv, namespace: ${NS}}
spec: {ipAddressPools: [l2-pool], nodeSelectors: [{matchExpressions: [{key: rack, operator: In, values: [a, b]}]}]}
`), 'node-c left out', { 'node-a': ab, 'node-b': ab, 'node-c': {} });
    assert.equal(writes, 3, 'one write per changed plan');
    assert.equal((await readPlan('node-c'))?.spec.l2, undefined);
  });

  it('a node label that makes it selected: every plan follows, one write each', async () => {
    const abc = all(web, 'node-a node-b node-c', 'web');
    const writes = await writesOf(() => setLabels('node-c', { rack: 'b' }), 'node-c selected', { 'node-a': abc, 'node-b': abc, 'node-c': abc });
    assert.equal(writes, 3);
  });

  it('a Node change the election does not see (another label) rewrites no plan', async () => {
    await op.replica.controller.idle();
    const before = await rvs();
    const writes = await planWrites();
    await setLabels('node-b', { unrelated: 'x' });
    await new Promise((r) => setTimeout(r, 500));
    await op.replica.controller.idle();
    assert.deepEqual(await rvs(), before);
    assert.equal(await planWrites(), writes);
  });

  it('ETP=Local: only the node with a serving endpoint is a candidate, and it follows the endpoint', async () => {
    const abc = all(web, 'node-a node-b node-c', 'web');
    await applyYaml(cp, service('local', true));
    await discovery.createNamespacedEndpointSlice({ namespace: APP_NS, body: slice('local', ['node-b']) });
    local = await ingressOf(core, APP_NS, 'local');
    const only = (n: string) => ({ ...abc, ...all(local, n, 'local') });
    await waitDuties('local on node-b', { 'node-a': abc, 'node-b': only('node-b'), 'node-c': abc });
    const writes = await writesOf(() => discovery.replaceNamespacedEndpointSlice({ namespace: APP_NS, name: 'local-slice', body: slice('local', ['node-a']) }),
      'local follows to node-a', { 'node-a': only('node-a'), 'node-b': abc, 'node-c': abc });
    assert.equal(writes, 2, 'node-a gains it, node-b loses it; node-c untouched');
  });

  it('an unrelated Service (not a LoadBalancer) rewrites no plan', async () => {
    await op.replica.controller.idle();
    const before = await rvs();
    const writes = await planWrites();
    await core.createNamespacedService({ namespace: APP_NS, body: { metadata: { name: 'cluster-ip' }, spec: { ports: [{ port: 80 }] } } });
    await new Promise((r) => setTimeout(r, 500));
    await op.replica.controller.idle();
    assert.deepEqual(await rvs(), before);
    assert.equal(await planWrites(), writes);
  });

  it('a restarted operator writes nothing', async () => {
    await op.replica.controller.idle();
    const before = await rvs();
    await op.stop();
    op = await startOperator({ kubeConfig: cp.kubeConfig, namespace: NS });
    await op.waitReady();
    await op.replica.controller.idle();
    await new Promise((r) => setTimeout(r, 500));
    await op.replica.controller.idle();
    assert.deepEqual(await rvs(), before);
    assert.equal(await planWrites(), 0);
    assert.notEqual(dutiesView((await readPlan('node-a'))?.spec.l2)[local], undefined);
  });
});
