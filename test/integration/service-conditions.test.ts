/**
 * The Service conditions on a real apiserver, one case per reason, all on one control plane and
 * one in-process operator: each case creates its Services and waits for the
 * `metallb.io/AddressAllocated` or `metallb.io/Announced` verdict, asserting the reason and the
 * object the message names. The bare apiserver has no kubelet, EndpointSlice controller or
 * speaker, so Nodes, EndpointSlices, the NodePlan status (BGP session state) and ServiceL2Status
 * are written by the test where a speaker would write them. Each failure is also asserted in
 * `metallb-ts explain`'s transcript; the healthy BGP and layer-2 transcripts are golden files
 * (test/fixtures/explain, METALLB_TS_UPDATE_GOLDEN=1 rewrites them), and `kubectl metallb`
 * runs the plugin through a real kubectl.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { after, before, describe, it } from 'node:test';
import type { CoreV1Api, CustomObjectsApi, DiscoveryV1Api, V1Service } from '@kubernetes/client-node';
import { NODEPLAN, SERVICEL2STATUS } from '@metallb-ts/lib/api/types.generated.ts';
import { mergePatch } from '@metallb-ts/lib/k8s/client-node-options.ts';
import type { ControlPlane } from '../harness/control-plane.ts';
import { runExplain } from '@metallb-ts/operator/cli/explain.ts';
import { resolveBinary } from '../harness/binaries.ts';
import { applyYaml, waitFor } from '../harness/operator.ts';
import { readNodePlan, setNodeLabels, sliceOn, startPlanCluster, type PlanCluster } from '../harness/plan-kit.ts';

const NS = 'metallb-system';
const APP = 'conds';
const NODES = ['node-a', 'node-b'] as const;
const EXCLUDE = 'node.kubernetes.io/exclude-from-external-load-balancers';
const GOLDEN_DIR = join(import.meta.dirname, '..', 'fixtures', 'explain');
const UPDATE = process.env['METALLB_TS_UPDATE_GOLDEN'] === '1';
const PLUGIN = join(import.meta.dirname, '..', '..', 'bin', 'kubectl-metallb.ts');

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

/** What else a test Service carries. */
interface ServiceExtras {
  readonly labels?: Record<string, string>;
  readonly spec?: Record<string, unknown>;
}

/** A LoadBalancer Service on port 80 with the given metallb.io annotations. */
const serviceYaml = (name: string, annotations: Record<string, string> = {}, extras: ServiceExtras = {}): string => JSON.stringify({
  apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: APP, annotations, labels: extras.labels ?? {} },
  spec: { type: 'LoadBalancer', ports: [{ port: 80, protocol: 'TCP' }], selector: { app: name }, ...extras.spec },
});

/** The objects the later cases add (after the golden transcripts, which list every pool). */
const MORE_CONFIG = `
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: sel-pool, namespace: ${NS}}
spec: {addresses: [198.51.100.80/29], autoAssign: false}
---
apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata: {name: sel-adv, namespace: ${NS}}
spec: {ipAddressPools: [sel-pool], nodeSelectors: [{matchLabels: {rack: nowhere}}]}
---
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: peerless-pool, namespace: ${NS}}
spec: {addresses: [198.51.100.88/29], autoAssign: false}
---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: {name: rack-peer, namespace: ${NS}}
spec: {myASN: 64512, peerASN: 64514, peerAddress: 203.0.113.2, nodeSelectors: [{matchLabels: {rack: nowhere}}]}
---
apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata: {name: peerless-adv, namespace: ${NS}}
spec: {ipAddressPools: [peerless-pool], peers: [rack-peer]}
---
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: conflict-pool, namespace: ${NS}}
spec: {addresses: [198.51.100.96/29], autoAssign: false}
---
apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata: {name: conflict-base, namespace: ${NS}}
spec: {ipAddressPools: [conflict-pool]}
---
apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata: {name: conflict-gold, namespace: ${NS}}
spec: {ipAddressPools: [conflict-pool], localPref: 200, serviceSelectors: [{matchLabels: {tier: gold}}]}
`;

/** A pool overlapping bgp-pool: configFor rejects it (P5), on the later name. */
const BROKEN_POOL = (addresses: string): string => `
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: broken-pool, namespace: ${NS}}
spec: {addresses: [${addresses}], autoAssign: false}
`;

/** A stage's verdict in `explain --output json`. */
interface JsonStage {
  readonly condition: { readonly type: string; readonly status: string; readonly reason: string; readonly message: string };
}

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
  const addService = async (name: string, annotations: Record<string, string> = {}, endpointsOn: readonly string[] = [], extras: ServiceExtras = {}): Promise<void> => {
    await applyYaml(cp, serviceYaml(name, annotations, extras));
    if (endpointsOn.length > 0) await discovery.createNamespacedEndpointSlice({ namespace: APP, body: sliceOn(APP, name, endpointsOn) });
  };
  /** `metallb-ts explain service` of `name` (in-process, the user's kubeconfig): exit status and text. */
  const explain = async (name: string, ...flags: string[]): Promise<{ code: number; text: string }> => {
    const lines: string[] = [];
    const code = await runExplain(['service', `${APP}/${name}`, '--kubeconfig', cp.kubeconfigPath, ...flags], { out: (l) => lines.push(l), err: (l) => lines.push(l) });
    return { code, text: lines.join('\n') };
  };
  /**
   * Asserts the explain transcript fails with `reason` and names `names`, and that
   * `--output json` carries the same verdict (reason and message) in the same stage.
   */
  const expectExplain = async (name: string, reason: string, names: string): Promise<void> => {
    const { code, text } = await explain(name);
    assert.ok(text.includes(`FAILED ${reason}: `) && text.includes(names), `explain ${name} does not show ${reason} naming ${names}:\n${text}`);
    assert.equal(code, 1, text);
    const json = await explain(name, '--output', 'json');
    assert.equal(json.code, 1, json.text);
    const doc = JSON.parse(json.text) as { allocation?: JsonStage; announce?: JsonStage };
    const stage = [doc.allocation, doc.announce].find((x) => x?.condition.reason === reason);
    assert.ok(stage !== undefined, `explain ${name} --output json has no stage failing with ${reason}:\n${json.text}`);
    assert.equal(stage.condition.status, 'False');
    assert.ok(text.includes(`FAILED ${reason}: ${stage.condition.message}`), `the json message of ${reason} is the transcript's:\n${stage.condition.message}\n${text}`);
  };
  /** Sets (true) or clears NetworkUnavailable on every test Node, as a CNI would. */
  const setNetworkUnavailable = async (down: boolean): Promise<void> => {
    for (const name of NODES) {
      const status = down ? 'True' : 'False';
      const condition = { type: 'NetworkUnavailable', status, reason: down ? 'NoRouteCreated' : 'RouteCreated', message: 'set by the test', lastTransitionTime: new Date().toISOString() };
      await core.patchNodeStatus({ name, body: { status: { conditions: [condition] } } }, mergePatch);
    }
  };
  /** What a speaker reports: the BGP state of `router` on `node`, and an adj-rib-out holding every planned prefix. */
  const reportSession = async (node: string, bgpState: string): Promise<void> => {
    const plan = await waitFor(`NodePlan ${node}`, () => readNodePlan(custom, NS, node));
    const advertised = { planSha256: plan.spec.frr.sha256, expected: 1, missingCount: 0, missing: [] };
    await custom.patchNamespacedCustomObjectStatus({ ...NODEPLAN, namespace: NS, name: node, body: { status: { peers: [{ name: 'router', bgpState, advertised }], sessions: bgpState === 'Established' ? '1/1' : '0/1' } } }, mergePatch);
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
    await expectExplain('web', 'PlanPending', 'router (not reported, adj-rib-out: not reported)');
    await reportSession('node-a', 'Established');
    await expectCondition('web', 'Announced', 'Announced', 'announced to BGPPeer router');
  });

  it('BGPSessionDown when the session is not Established, naming the peer and node', async () => {
    await reportSession('node-a', 'Active');
    await expectCondition('web', 'Announced', 'BGPSessionDown', 'BGPPeer router on node node-a is Active');
    await expectExplain('web', 'BGPSessionDown', 'router (Active, NOT in adj-rib-out)');
    await reportSession('node-a', 'Established');
    await expectCondition('web', 'Announced', 'Announced', 'BGPPeer router');
  });

  it('NoMatchingPool for a requested pool that does not exist', async () => {
    await addService('nopool', { 'metallb.io/address-pool': 'nope' });
    await expectCondition('nopool', 'AddressAllocated', 'NoMatchingPool', 'metallb.io/address-pool');
    await expectCondition('nopool', 'Announced', 'NotAllocated', 'metallb.io/AddressAllocated');
    await expectExplain('nopool', 'NoMatchingPool', 'unknown pool "nope"');
    await expectExplain('nopool', 'NotAllocated', 'BGPAdvertisements selecting it: (none)');
  });

  it('PoolExhausted naming the full pool', async () => {
    await addService('tiny-1', { 'metallb.io/address-pool': 'tiny-pool' });
    await expectCondition('tiny-1', 'AddressAllocated', 'Allocated', 'tiny-pool');
    await addService('tiny-2', { 'metallb.io/address-pool': 'tiny-pool' });
    const c = await expectCondition('tiny-2', 'AddressAllocated', 'PoolExhausted', 'IPAddressPool tiny-pool');
    assert.match(c.message, /^no available IPs in pool tiny-pool/, 'starts with MetalLB\'s words');
    await expectExplain('tiny-2', 'PoolExhausted', 'skipped: no free address of the wanted family left');
  });

  it('RequestedIPUnavailable for an address in no pool', async () => {
    await addService('outside', { 'metallb.io/loadBalancerIPs': '192.0.2.250' });
    await expectCondition('outside', 'AddressAllocated', 'RequestedIPUnavailable', 'metallb.io/loadBalancerIPs');
    await expectExplain('outside', 'RequestedIPUnavailable', '192.0.2.250');
  });

  it('SharingRefused for a second Service on the same address without a sharing key', async () => {
    await addService('share-1', { 'metallb.io/loadBalancerIPs': '198.51.100.9' });
    await expectCondition('share-1', 'AddressAllocated', 'Allocated', '198.51.100.9');
    await addService('share-2', { 'metallb.io/loadBalancerIPs': '198.51.100.9' });
    await expectCondition('share-2', 'AddressAllocated', 'SharingRefused', 'metallb.io/allow-shared-ip');
    await expectExplain('share-2', 'SharingRefused', 'metallb.io/allow-shared-ip');
  });

  it('NoAdvertisement for a pool no advertisement selects', async () => {
    await addService('quiet', { 'metallb.io/address-pool': 'quiet-pool' }, ['node-a']);
    await expectCondition('quiet', 'Announced', 'NoAdvertisement', 'IPAddressPool quiet-pool');
    await expectExplain('quiet', 'NoAdvertisement', 'BGPAdvertisements selecting it: (none)');
  });

  it('NoServingEndpoint without an endpoint, Announced once one appears', async () => {
    await addService('empty');
    await expectCondition('empty', 'Announced', 'NoServingEndpoint', `${APP}/empty`);
    await expectExplain('empty', 'NoServingEndpoint', 'node-a  BGP  excluded: no serving endpoint here');
    await discovery.createNamespacedEndpointSlice({ namespace: APP, body: sliceOn(APP, 'empty', ['node-b']) });
    await expectCondition('empty', 'Announced', 'Announced', 'announced to BGPPeer router');
  });

  it('layer 2: PlanPending until a speaker reports its ServiceL2Status, then Announced by that node', async () => {
    await addService('l2', { 'metallb.io/address-pool': 'l2-pool' }, ['node-a']);
    await expectCondition('l2', 'Announced', 'PlanPending', 'ServiceL2Status');
    await expectExplain('l2', 'PlanPending', 'layer-2 announcer (ServiceL2Status): (none reported)');
    const created = (await custom.createNamespacedCustomObject({
      ...SERVICEL2STATUS, namespace: NS, body: { apiVersion: 'metallb.io/v1beta1', kind: 'ServiceL2Status', metadata: { generateName: 'l2-' }, spec: {} },
    })) as { metadata: { name: string } };
    await custom.patchNamespacedCustomObjectStatus({ ...SERVICEL2STATUS, namespace: NS, name: created.metadata.name, body: { status: { node: 'node-b', serviceName: 'l2', serviceNamespace: APP } } }, mergePatch);
    await expectCondition('l2', 'Announced', 'Announced', 'node node-b (layer 2)');
  });

  it('explain of a healthy BGP and a healthy layer-2 Service matches the golden transcripts', async () => {
    for (const [name, file] of [['web', 'healthy-bgp'], ['l2', 'healthy-l2']] as const) {
      const { code, text } = await explain(name);
      const path = join(GOLDEN_DIR, `${file}.txt`);
      if (UPDATE) writeFileSync(path, `${text}\n`);
      assert.equal(`${text}\n`, readFileSync(path, 'utf8'), `${path} differs (METALLB_TS_UPDATE_GOLDEN=1 rewrites it)`);
      assert.equal(code, 0, text);
    }
    const json = JSON.parse((await explain('web', '--output', 'json')).text) as { allocation: { pool: string }; announce: { condition: { reason: string } } };
    assert.equal(json.allocation.pool, 'bgp-pool');
    assert.equal(json.announce.condition.reason, 'Announced');
  });

  it('works as a kubectl plugin: kubectl metallb explain, with the user\'s kubeconfig', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubectl-plugin-'));
    symlinkSync(PLUGIN, join(dir, 'kubectl-metallb'));
    const r = await execa(resolveBinary(process.env, 'kubectl'), ['metallb', 'explain', 'service', `${APP}/tiny-2`], {
      reject: false, stdin: 'ignore', env: { KUBECONFIG: cp.kubeconfigPath, PATH: `${dir}:${process.env['PATH'] ?? ''}` },
    });
    assert.equal(r.exitCode, 1, r.stderr);
    assert.match(r.stdout, /1\. Address allocation: FAILED PoolExhausted: no available IPs in pool tiny-pool/);
  });

  it('NodeExcluded when every node carries the exclude label; a changed stage is one write, an unchanged one none', async () => {
    const before = await conditionOf('web', 'AddressAllocated');
    const rv = async (): Promise<string> => (await read('quiet')).metadata?.resourceVersion ?? '';
    const quietRv = await rv();
    for (const n of NODES) await setNodeLabels(core, n, { [EXCLUDE]: '' });
    await expectCondition('web', 'Announced', 'NodeExcluded', 'Node node-a, node-b');
    await expectExplain('web', 'NodeExcluded', 'node-b  BGP  excluded: node.kubernetes.io/exclude-from-external-load-balancers');
    assert.deepEqual(await conditionOf('web', 'AddressAllocated'), before, 'the allocation stage did not change, nor its time');
    assert.equal(await rv(), quietRv, 'a Service whose stage did not change (no advertisement) was not written');
    for (const n of NODES) await setNodeLabels(core, n, { [EXCLUDE]: null });
    await expectCondition('web', 'Announced', 'Announced', 'BGPPeer router');
  });

  it('ServiceInvalid for a request that is not an address, naming the Service', async () => {
    await addService('garbled', { 'metallb.io/loadBalancerIPs': 'not-an-ip' });
    await expectCondition('garbled', 'AddressAllocated', 'ServiceInvalid', `Service ${APP}/garbled`);
    await expectExplain('garbled', 'ServiceInvalid', 'not-an-ip');
  });

  it('another loadBalancerClass: nothing written by us, explain names the class', async () => {
    await addService('foreign', {}, [], { spec: { loadBalancerClass: 'example.com/other' } });
    const created = (await read('foreign')).metadata?.resourceVersion;
    // A Service queued after it is reconciled after it: once that one is written, so would it be.
    await addService('after-foreign');
    await expectCondition('after-foreign', 'AddressAllocated', 'Allocated', 'IPAddressPool bgp-pool');
    await pc.op.replica.controller.idle();
    const svc = await read('foreign');
    assert.equal(svc.metadata?.resourceVersion, created, 'the operator never wrote the Service');
    assert.deepEqual(svc.status?.conditions ?? [], [], 'no condition on a Service of another class');
    assert.deepEqual(svc.status?.loadBalancer?.ingress ?? [], []);
    const { code, text } = await explain('foreign');
    assert.equal(code, 1, text);
    assert.match(text, /loadBalancerClass example\.com\/other is not this operator's \(--lb-class\): another controller handles it/);
    const doc = JSON.parse((await explain('foreign', '--output', 'json')).text) as { handledBy: string; loadBalancerClass: string; allocation?: unknown };
    assert.deepEqual([doc.handledBy, doc.loadBalancerClass, doc.allocation], ['otherClass', 'example.com/other', undefined]);
  });

  it('ConfigInvalid while a rejected configuration stands, naming the object to fix; Allocated once it is fixed', async () => {
    const webBefore = await conditionOf('web', 'AddressAllocated');
    await applyYaml(cp, BROKEN_POOL('198.51.100.0/30'));
    await addService('stale', { 'metallb.io/address-pool': 'broken-pool' });
    const c = await expectCondition('stale', 'AddressAllocated', 'ConfigInvalid', 'IPAddressPool/broken-pool spec.addresses[0]');
    assert.match(c.message, /^unknown pool "broken-pool"; the configuration is invalid, so the last valid one is in force: fix .*\(ConfigurationState metallb-system\/controller\)$/);
    await expectExplain('stale', 'ConfigInvalid', 'IPAddressPool/broken-pool spec.addresses[0]');
    assert.deepEqual(await conditionOf('web', 'AddressAllocated'), webBefore, 'a Service holding its address is not rewritten');
    await applyYaml(cp, BROKEN_POOL('198.51.100.104/29'));
    await expectCondition('stale', 'AddressAllocated', 'Allocated', 'IPAddressPool broken-pool');
  });

  it('NetworkUnavailable when every node reports it', async () => {
    await setNetworkUnavailable(true);
    await expectCondition('web', 'Announced', 'NetworkUnavailable', 'Node node-a, node-b');
    await expectExplain('web', 'NetworkUnavailable', 'node-a  BGP  excluded: NetworkUnavailable=True');
    await setNetworkUnavailable(false);
    await expectCondition('web', 'Announced', 'Announced', 'BGPPeer router');
  });

  it('NoServingEndpoint for externalTrafficPolicy: Local when no endpoint serves', async () => {
    await addService('local', {}, [], { spec: { externalTrafficPolicy: 'Local' } });
    const slice = sliceOn(APP, 'local', ['node-a']);
    const notServing = { ...slice, endpoints: (slice.endpoints ?? []).map((e) => ({ ...e, conditions: { ready: false, serving: false } })) };
    await discovery.createNamespacedEndpointSlice({ namespace: APP, body: notServing });
    await expectCondition('local', 'Announced', 'NoServingEndpoint', `Service ${APP}/local has no serving endpoint on a node that may announce it (externalTrafficPolicy: Local)`);
    await expectExplain('local', 'NoServingEndpoint', 'node-a  BGP  excluded: no serving endpoint here');
  });

  it('NoEligibleNode when the advertisement\'s nodeSelectors select no node', async () => {
    await applyYaml(cp, MORE_CONFIG);
    await addService('unselected', { 'metallb.io/address-pool': 'sel-pool' }, ['node-a']);
    await expectCondition('unselected', 'Announced', 'NoEligibleNode', 'spec.nodeSelectors of BGPAdvertisement sel-adv');
    await expectExplain('unselected', 'NoEligibleNode', "node-a  BGP  excluded: no advertisement's nodeSelectors select it");
  });

  it('NoPeer when the BGPPeer the advertisement names runs on no node', async () => {
    await addService('peerless', { 'metallb.io/address-pool': 'peerless-pool' }, ['node-a']);
    await expectCondition('peerless', 'Announced', 'NoPeer', 'BGPAdvertisement peerless-adv');
    await expectExplain('peerless', 'NoPeer', 'node-a  BGP  excluded: no BGPPeer the BGPAdvertisements name runs here');
  });

  it('ConflictingAdvertisements when two advertisements give the prefix different localPref for one peer', async () => {
    await addService('gold', { 'metallb.io/address-pool': 'conflict-pool' }, ['node-a'], { labels: { tier: 'gold' } });
    await expectCondition('gold', 'Announced', 'ConflictingAdvertisements', 'BGPAdvertisements conflict-base, conflict-gold');
    await expectExplain('gold', 'ConflictingAdvertisements', 'node-a  BGP  excluded: advertisements conflict on this prefix');
    await addService('plain', { 'metallb.io/address-pool': 'conflict-pool' }, ['node-a']);
    await expectCondition('plain', 'Announced', 'Announced', 'BGPPeer router');
  });
});
