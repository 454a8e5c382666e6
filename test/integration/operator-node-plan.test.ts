/**
 * The operator's NodePlan pipeline on a real apiserver. The bare apiserver has no kubelet and
 * no EndpointSlice controller, so Nodes and EndpointSlices are created by hand. One pool, one
 * BGPPeer and one BGPAdvertisement, then: every node's plan announces a LoadBalancer Service's
 * IP to the peer; a peer limited by nodeSelectors is only on the matching node; ETP=Local is
 * announced only where a serving endpoint is, and follows it; NetworkUnavailable and the
 * exclude label withdraw a node's announcements; a password peer puts a placeholder in the plan
 * and the password in the node's Secret, never in a plan or a log line; an unrelated change
 * rewrites no unaffected plan; a restarted operator writes nothing; a deleted Node loses its
 * plan; and a plan's decoded frr.conf is accepted by a real FRR.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api, CustomObjectsApi, DiscoveryV1Api, type V1EndpointSlice, type V1Node } from '@kubernetes/client-node';
import { NODEPLAN, type NodePlan } from '@metallb-ts/lib/api/types.generated.ts';
import { decodeFrrConfig } from '@metallb-ts/lib/plan/frr-config-codec.ts';
import { ControlPlane } from '../harness/control-plane.ts';
import { installCrds } from '../harness/crds.ts';
import { Lab } from '../harness/lab.ts';
import { run } from '../harness/netns.ts';
import { applyYaml, startOperator, waitFor, type TestOperator } from '../harness/operator.ts';
import { ingressOf as ingressOfService, lbServiceJson, planWritesOf, readNodePlan, setNodeLabels, sliceOn } from '../harness/plan-kit.ts';

const NS = 'metallb-system';
const APP_NS = 'plans';
const PASSWORD = 'Plan-S3cret!x9';
const NODES = ['node-a', 'node-b', 'node-c'] as const;

const CONFIG = `
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: plan-pool, namespace: ${NS}}
spec: {addresses: [198.51.100.64/28]}
---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: {name: peer-all, namespace: ${NS}}
spec: {myASN: 64512, peerASN: 64513, peerAddress: 203.0.113.1}
---
apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata: {name: plan-adv, namespace: ${NS}}
spec: {ipAddressPools: [plan-pool]}
`;

interface PlanView {
  readonly plan: NodePlan;
  readonly conf: string;
}

describe('operator: one NodePlan per node on a real apiserver', () => {
  let cp: ControlPlane;
  let core: CoreV1Api;
  let custom: CustomObjectsApi;
  let discovery: DiscoveryV1Api;
  let op: TestOperator;

  const readPlan = async (node: string): Promise<PlanView | undefined> => {
    const plan = await readNodePlan(custom, NS, node);
    if (plan === undefined) return undefined;
    const conf = decodeFrrConfig(plan.spec.frr);
    assert.ok(conf.ok, `plan of ${node} does not decode`);
    return { plan, conf: conf.value };
  };
  const service = (name: string, local: boolean): string => lbServiceJson(APP_NS, name, local);
  const slice = (svc: string, nodes: readonly string[]): V1EndpointSlice => sliceOn(APP_NS, svc, nodes);
  const ingressOf = (name: string): Promise<string> => ingressOfService(core, APP_NS, name);
  const planWrites = (): Promise<number> => planWritesOf(op);
  const setLabel = (name: string, key: string, value: string | null): Promise<void> => setNodeLabels(core, name, { [key]: value });
  /** Waits until node's decoded frr.conf satisfies `check`. */
  const waitConf = (node: string, what: string, check: (conf: string) => boolean): Promise<PlanView> =>
    waitFor(`${node}: ${what}`, async () => {
      const v = await readPlan(node);
      return v !== undefined && check(v.conf) ? v : undefined;
    });
  const network = (ip: string): string => `network ${ip}/32`;
  const rvs = async (): Promise<Record<string, string>> =>
    Object.fromEntries(await Promise.all(NODES.map(async (n) => [n, (await readPlan(n))?.plan.metadata?.resourceVersion ?? ''])));
  const setNetworkUnavailable = async (name: string, unavailable: boolean): Promise<void> => {
    const node = await core.readNode({ name });
    const conditions = unavailable ? [{ type: 'NetworkUnavailable', status: 'True', reason: 'NoRouteCreated', message: 'test' }] : [];
    await core.replaceNodeStatus({ name, body: { ...node, status: { ...node.status, conditions } } });
  };
  const createNode = (name: string, labels: Record<string, string>): Promise<V1Node> => core.createNode({ body: { metadata: { name, labels } } });

  before(async () => {
    cp = await ControlPlane.start();
    core = cp.kubeConfig.makeApiClient(CoreV1Api);
    custom = cp.kubeConfig.makeApiClient(CustomObjectsApi);
    discovery = cp.kubeConfig.makeApiClient(DiscoveryV1Api);
    await installCrds(cp.kubeConfig);
    await cp.ensureNamespace(NS);
    await cp.ensureNamespace(APP_NS);
    for (const [i, n] of NODES.entries()) await createNode(n, { rack: ['a', 'b', 'c'][i] ?? '' });
    await applyYaml(cp, CONFIG);
    op = await startOperator({ kubeConfig: cp.kubeConfig, namespace: NS });
    await op.waitReady();
  });
  after(async () => {
    await op?.stop();
    await cp?.stop();
  });

  it('gives every node a plan owned by its Node, announcing a Cluster Service to the peer', async () => {
    await applyYaml(cp, service('web', false));
    await discovery.createNamespacedEndpointSlice({ namespace: APP_NS, body: slice('web', ['node-a']) });
    const ip = await ingressOf('web');
    for (const n of NODES) {
      const { plan, conf } = await waitConf(n, `announces ${ip}`, (c) => c.includes(network(ip)));
      assert.match(conf, /neighbor 203\.0\.113\.1 remote-as 64513/);
      assert.equal(plan.spec.nodeName, n);
      const node = await core.readNode({ name: n });
      assert.deepEqual(plan.metadata?.ownerReferences?.map((r) => `${r.kind}/${r.name}/${r.uid}`), [`Node/${n}/${node.metadata?.uid}`]);
      assert.equal(plan.metadata?.labels?.['speaker.metallb-ts.io/node'], n);
    }
  });

  it('puts a peer limited by nodeSelectors only on the matching node', async () => {
    await applyYaml(cp, `
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: {name: peer-rack-b, namespace: ${NS}}
spec: {myASN: 64512, peerASN: 64514, peerAddress: 203.0.113.2, nodeSelectors: [{matchLabels: {rack: b}}]}
`);
    await waitConf('node-b', 'has peer-rack-b', (c) => c.includes('neighbor 203.0.113.2 remote-as 64514'));
    for (const n of ['node-a', 'node-c']) {
      const v = await readPlan(n);
      assert.ok(v !== undefined && !v.conf.includes('203.0.113.2'), `${n} has the rack-b peer`);
    }
  });

  it('ETP=Local: only the node with a serving endpoint announces, and the route follows the endpoint', async () => {
    await applyYaml(cp, service('local', true));
    await discovery.createNamespacedEndpointSlice({ namespace: APP_NS, body: slice('local', ['node-a']) });
    const ip = await ingressOf('local');
    await waitConf('node-a', `announces ${ip}`, (c) => c.includes(network(ip)));
    for (const n of ['node-b', 'node-c']) assert.ok(!(await readPlan(n))?.conf.includes(network(ip)), `${n} announces the Local service`);
    await discovery.replaceNamespacedEndpointSlice({ namespace: APP_NS, name: 'local-slice', body: slice('local', ['node-b']) });
    await waitConf('node-b', `announces ${ip}`, (c) => c.includes(network(ip)));
    await waitConf('node-a', `withdraws ${ip}`, (c) => !c.includes(network(ip)));
    assert.ok(!(await readPlan('node-c'))?.conf.includes(network(ip)));
  });

  it('an endpoint that is neither ready nor serving does not count', async () => {
    const ip = await ingressOf('local');
    const notServing = slice('local', ['node-b']);
    for (const ep of notServing.endpoints ?? []) ep.conditions = { ready: false, serving: false };
    await discovery.replaceNamespacedEndpointSlice({ namespace: APP_NS, name: 'local-slice', body: notServing });
    await waitConf('node-b', `withdraws ${ip}`, (c) => !c.includes(network(ip)));
    await discovery.replaceNamespacedEndpointSlice({ namespace: APP_NS, name: 'local-slice', body: slice('local', ['node-b']) });
    await waitConf('node-b', `announces ${ip} again`, (c) => c.includes(network(ip)));
  });

  it('NetworkUnavailable and the exclude-from-external-load-balancers label withdraw the node\'s announcements', async () => {
    const ip = await ingressOf('web');
    await setNetworkUnavailable('node-c', true);
    const down = await waitConf('node-c', `withdraws ${ip} (NetworkUnavailable)`, (c) => !c.includes(network(ip)));
    assert.match(down.conf, /neighbor 203\.0\.113\.1 remote-as/, 'the session stays configured');
    await setNetworkUnavailable('node-c', false);
    await waitConf('node-c', `announces ${ip} again`, (c) => c.includes(network(ip)));
    await setLabel('node-c', 'node.kubernetes.io/exclude-from-external-load-balancers', '');
    await waitConf('node-c', `withdraws ${ip} (excluded)`, (c) => !c.includes(network(ip)));
    await setLabel('node-c', 'node.kubernetes.io/exclude-from-external-load-balancers', null);
    await waitConf('node-c', `announces ${ip} once more`, (c) => c.includes(network(ip)));
  });

  it('a password peer: a placeholder in the plan, the password in the node\'s Secret, in no plan and no log line', async () => {
    await applyYaml(cp, `
apiVersion: v1
kind: Secret
metadata: {name: bgp-password, namespace: ${NS}}
type: kubernetes.io/basic-auth
stringData: {password: "${PASSWORD}"}
---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: {name: peer-pw, namespace: ${NS}}
spec: {myASN: 64512, peerASN: 64515, peerAddress: 203.0.113.3, passwordSecret: {name: bgp-password, namespace: ${NS}}, nodeSelectors: [{matchLabels: {rack: a}}]}
`);
    const { plan, conf } = await waitConf('node-a', 'has the password placeholder', (c) => c.includes('neighbor 203.0.113.3 password @@password:peer-pw@@'));
    assert.equal(plan.spec.passwordSecretName, 'frr-passwords-node-a');
    assert.deepEqual(plan.spec.passwords, [{ key: 'peer-pw', placeholder: '@@password:peer-pw@@' }]);
    assert.ok(!conf.includes(PASSWORD));
    const secret = await waitFor('the password Secret of node-a', async () => {
      try {
        return await core.readNamespacedSecret({ namespace: NS, name: 'frr-passwords-node-a' });
      } catch {
        return undefined;
      }
    });
    assert.equal(Buffer.from(secret.data?.['peer-pw'] ?? '', 'base64').toString('utf8'), PASSWORD);
    assert.deepEqual(secret.metadata?.ownerReferences?.map((r) => `${r.kind}/${r.name}`), ['Node/node-a']);
    for (const n of ['node-b', 'node-c']) {
      const v = await readPlan(n);
      assert.equal(v?.plan.spec.passwordSecretName, undefined, `${n} references a password Secret`);
    }
    const plans = (await custom.listNamespacedCustomObject({ ...NODEPLAN, namespace: NS })) as { items: NodePlan[] };
    assert.ok(!JSON.stringify(plans).includes(PASSWORD), 'a password in a NodePlan');
    assert.ok(!JSON.stringify(plans).includes(Buffer.from(PASSWORD).toString('base64')), 'a base64 password in a NodePlan');
    assert.ok(op.logs.length > 0);
    assert.deepEqual(op.logs.filter((l) => l.includes(PASSWORD) || l.includes(Buffer.from(PASSWORD).toString('base64'))), [], 'a password in the operator log');
  });

  it('a Service change rewrites only the plans whose rendering changed', async () => {
    const before = await rvs();
    const writes = await planWrites();
    await applyYaml(cp, service('local-two', true));
    await discovery.createNamespacedEndpointSlice({ namespace: APP_NS, body: slice('local-two', ['node-a']) });
    const ip = await ingressOf('local-two');
    await waitConf('node-a', `announces ${ip}`, (c) => c.includes(network(ip)));
    await op.replica.controller.idle();
    const now = await rvs();
    assert.notEqual(now['node-a'], before['node-a']);
    assert.deepEqual([now['node-b'], now['node-c']], [before['node-b'], before['node-c']], 'an unaffected plan was rewritten');
    assert.equal(await planWrites(), writes + 1, 'one plan write for one real change');
  });

  it('a restarted operator writes nothing when nothing changed', async () => {
    await op.replica.controller.idle();
    const before = await rvs();
    const secretRv = (await core.readNamespacedSecret({ namespace: NS, name: 'frr-passwords-node-a' })).metadata?.resourceVersion;
    await op.stop();
    op = await startOperator({ kubeConfig: cp.kubeConfig, namespace: NS });
    await op.waitReady();
    await op.replica.controller.idle();
    await new Promise((r) => setTimeout(r, 500));
    await op.replica.controller.idle();
    assert.deepEqual(await rvs(), before);
    assert.equal((await core.readNamespacedSecret({ namespace: NS, name: 'frr-passwords-node-a' })).metadata?.resourceVersion, secretRv);
    assert.equal(await planWrites(), 0);
  });

  it('a new Node gets a plan, a deleted one loses it', async () => {
    await createNode('node-d', { rack: 'd' });
    const ip = await ingressOf('web');
    await waitConf('node-d', `announces ${ip}`, (c) => c.includes(network(ip)));
    await core.deleteNode({ name: 'node-d' });
    await waitFor('node-d\'s plan deleted', async () => ((await readPlan('node-d')) === undefined ? true : undefined));
  });

  it('the decoded frr.conf of a plan, passwords filled in, is accepted by a real FRR', async () => {
    const { conf } = await waitConf('node-a', 'has the password placeholder', (c) => c.includes('@@password:peer-pw@@'));
    const filled = conf.replaceAll('@@password:peer-pw@@', PASSWORD);
    const file = join(mkdtempSync(join(tmpdir(), 'node-plan-')), 'frr.conf');
    writeFileSync(file, filled, { mode: 0o600 });
    const lab = await Lab.create({ nodes: 1 });
    try {
      const frr = await lab.startFrr('node-0', 'frr defaults traditional\n');
      const r = await run('vtysh', [...frr.vtyshBaseArgs(), '-f', file]);
      const out = `${r.stdout}\n${r.stderr}`;
      assert.equal(r.exitCode, 0, out);
      assert.deepEqual(out.split('\n').filter((l) => /^%|error|Unknown command|line \d+:/i.test(l)), [], 'FRR refused lines');
      const running = await frr.vtysh('show running-config');
      for (const want of ['neighbor 203.0.113.1 remote-as 64513', 'neighbor 203.0.113.3 password']) assert.ok(running.includes(want), `${want} not running`);
      assert.match(running, /network 198\.51\.100\.\d+\/32/);
      await frr.stop();
    } finally {
      await lab.destroy();
    }
  });
});
