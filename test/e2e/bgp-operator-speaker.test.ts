/**
 * Operator and speakers together, end to end: a real apiserver, the operator as a child process
 * on the root namespace, two lab nodes each running FRR and the speaker as a separate process
 * inside the node's namespace, a router (FRR, AS 64513, ECMP) and a second FRR on the ext host
 * (AS 64512, iBGP; topology in test/harness/bgp-operator-lab.ts). Nodes and EndpointSlices are
 * created by hand (a bare apiserver has no kubelet and no EndpointSlice controller). Everything
 * is driven through the metallb.io CRs: the operator writes the plans, the speakers apply them.
 * Proves, in order:
 * - a LoadBalancer Service: IP assigned, both plans applied, ECMP next hops = both nodes at the
 *   router, plan status and one ServiceBGPStatus per node; a client behind the router gets a
 *   TCP answer through the VIP;
 * - ETP=Local: only the node with a serving endpoint advertises; moving the endpoint (an
 *   EndpointSlice change) moves the next hop;
 * - adding peers (iBGP limited by nodeSelectors to node-0, eBGP multihop to the router's
 *   loopback with dualStackAddressFamily, unnumbered on an interface) and advertisements
 *   (localPref, communities, large communities, a Community alias; aggregationLength 28) does not
 *   reset the running sessions; each session is up where its selectors say and nowhere else;
 *   the attributes and the aggregate are in the peers' BGP tables;
 * - changing an advertisement's localPref and communities reaches the iBGP peer's table without
 *   resetting any session;
 * - enableGracefulRestart: node-1's bgpd killed and restarted keeps its routes at the router,
 *   marked stale, while the routes of its session without graceful restart are withdrawn;
 * - deleting the BGPAdvertisement withdraws the route and drops the ServiceBGPStatus.
 * Not here: a VRF peer. This lab's kernel has no VRF device (CONFIG_NET_VRF is off: `ip link add
 * x type vrf` says "Unknown device type"); the VRF rendering is checked by the goldens loaded
 * into a real FRR (test/integration/frr-golden.test.ts).
 */
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { after, before, describe, test } from 'node:test';
import { CoreV1Api, CustomObjectsApi, DiscoveryV1Api, type V1EndpointSlice, type V1Service } from '@kubernetes/client-node';
import { SERVICEBGPSTATUS, type NodePlan, type ServiceBGPStatus } from '@metallb-ts/lib/api/types.generated.ts';
import { EXT4, extIbgpConf, operatorLabRouterConf, prepareOperatorLab, ROUTER_LOOPBACK6, UNNUMBERED_NODE_IFACE, UNNUMBERED_ROUTER_IFACE } from '../harness/bgp-operator-lab.ts';
import { bgpPaths, BgpSpeakerLab, eventually, PLAN_NS, ROUTER4, type BgpPath } from '../harness/bgp-speaker-lab.ts';
import type { FrrInstance } from '../harness/frr.ts';
import { neighborAt, uptimeTick } from '../harness/speaker-frr.ts';
import { addKubeProxyVips, startWhoAmIServer, tcpWhoAmI } from '../harness/lab-kube-proxy.ts';
import { OperatorProcess } from '../harness/operator-process.ts';
import { applyYaml } from '../harness/operator.ts';

const APP_NS = 'default';
const VIP = '198.51.100.5';
const PORT = 8080;
const NODES = ['node-0', 'node-1'] as const;

const POOL_AND_PEER = `
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: e2e-pool, namespace: ${PLAN_NS}}
spec: {addresses: [${VIP}/32]}
---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: {name: router, namespace: ${PLAN_NS}}
spec: {myASN: 64512, peerASN: 64513, peerAddress: ${ROUTER4}, holdTime: 3s, keepaliveTime: 1s, connectTime: 1s, enableGracefulRestart: true}
`;
const ADVERTISEMENT = `
apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata: {name: e2e-adv, namespace: ${PLAN_NS}}
spec: {ipAddressPools: [e2e-pool], peers: [router]}
`;
const TIMERS = 'holdTime: 3s, keepaliveTime: 1s, connectTime: 1s';
const LOCAL_VIP = '198.51.100.8';
const COMM_VIP = '198.51.100.9';
const MH_VIP = '198.51.100.10';
const AGG_PREFIX = '198.51.100.16/28';
const SERVICES_POOLS = `
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: local-pool, namespace: ${PLAN_NS}}
spec: {addresses: [${LOCAL_VIP}/32], autoAssign: false}
---
apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata: {name: local-adv, namespace: ${PLAN_NS}}
spec: {ipAddressPools: [local-pool], peers: [router]}
`;
const NEW_PEERS = `
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: {name: ext-ibgp, namespace: ${PLAN_NS}}
spec: {myASN: 64512, peerASN: 64512, peerAddress: ${EXT4}, ${TIMERS}, nodeSelectors: [{matchLabels: {kubernetes.io/hostname: node-0}}]}
---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: {name: router-mh, namespace: ${PLAN_NS}}
spec: {myASN: 64512, peerASN: 64513, peerAddress: "${ROUTER_LOOPBACK6}", ebgpMultiHop: true, dualStackAddressFamily: true, ${TIMERS}}
---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: {name: router-un, namespace: ${PLAN_NS}}
spec: {myASN: 64512, peerASN: 64513, interface: ${UNNUMBERED_NODE_IFACE}, ${TIMERS}, nodeSelectors: [{matchLabels: {kubernetes.io/hostname: node-0}}]}
---
apiVersion: metallb.io/v1beta1
kind: Community
metadata: {name: lab-aliases, namespace: ${PLAN_NS}}
spec: {communities: [{name: lab-alias, value: "64512:300"}, {name: lab-large, value: "large:64512:7:7"}]}
---
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: comm-pool, namespace: ${PLAN_NS}}
spec: {addresses: [${COMM_VIP}/32], autoAssign: false}
---
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: agg-pool, namespace: ${PLAN_NS}}
spec: {addresses: [${AGG_PREFIX}], autoAssign: false}
---
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: mh-pool, namespace: ${PLAN_NS}}
spec: {addresses: [${MH_VIP}/32], autoAssign: false}
---
apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata: {name: comm-adv, namespace: ${PLAN_NS}}
spec: {ipAddressPools: [comm-pool], peers: [ext-ibgp, router], localPref: 150, communities: ["64512:100", "large:64512:1:2", lab-alias]}
---
apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata: {name: agg-adv, namespace: ${PLAN_NS}}
spec: {ipAddressPools: [agg-pool], peers: [router], aggregationLength: 28}
---
apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata: {name: mh-adv, namespace: ${PLAN_NS}}
spec: {ipAddressPools: [mh-pool], peers: [router-mh, router-un]}
`;
const CHANGED_COMM_ADV = `
apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata: {name: comm-adv, namespace: ${PLAN_NS}}
spec: {ipAddressPools: [comm-pool], peers: [ext-ibgp, router], localPref: 200, communities: ["64512:100", "64512:200", "large:64512:1:2", lab-large]}
`;

/** The router-side sessions that must never reset while peers and advertisements change. */
interface SessionMarks {
  /** performance.now() when they were read. */
  readonly at: number;
  readonly sessions: ReadonlyMap<string, { readonly established: number; readonly upMs: number }>;
}

/** Reads the router-side connection count and uptime of each `[frr, neighbor]` session. */
async function sessionMarks(sessions: ReadonlyArray<readonly [FrrInstance, string]>): Promise<SessionMarks> {
  const out = new Map<string, { established: number; upMs: number }>();
  for (const [frr, n] of sessions) {
    const s = await neighborAt(frr, n);
    assert.equal(s.state, 'Established', `${frr.ns} → ${n} is up`);
    out.set(`${frr.ns} ${n}`, { established: s.established, upMs: s.upMs });
  }
  return { at: performance.now(), sessions: out };
}

/** Asserts every session in `before` was not re-established and its uptime kept counting. */
async function assertNoReset(sessions: ReadonlyArray<readonly [FrrInstance, string]>, before: SessionMarks, what: string): Promise<void> {
  await uptimeTick(before.at);
  const now = await sessionMarks(sessions);
  for (const [key, b] of before.sessions) {
    const a = now.sessions.get(key);
    assert.equal(a?.established, b.established, `${what}: ${key} was not re-established`);
    assert.ok((a?.upMs ?? 0) > b.upMs, `${what}: ${key} uptime kept counting (${b.upMs} → ${a?.upMs} ms)`);
  }
}

/** The path of `prefix` learned from `peer` (neighbor address or interface), if any. */
function pathFrom(paths: readonly BgpPath[], peer: string): BgpPath | undefined {
  return paths.find((p) => p.peer?.peerId === peer || p.peer?.interface === peer);
}

/** A LoadBalancer Service drawing from `pool`, and its EndpointSlice with endpoints on `nodes`. */
async function createLbService(l: BgpSpeakerLab, name: string, pool: string | undefined, nodes: readonly string[], local = false): Promise<void> {
  const core = l.cp.kubeConfig.makeApiClient(CoreV1Api);
  await core.createNamespacedService({ namespace: APP_NS, body: {
    metadata: { name, ...(pool === undefined ? {} : { annotations: { 'metallb.io/address-pool': pool } }) },
    spec: { type: 'LoadBalancer', selector: { app: name }, ports: [{ port: PORT, protocol: 'TCP' }], ...(local ? { externalTrafficPolicy: 'Local' } : {}) },
  } });
  await l.cp.kubeConfig.makeApiClient(DiscoveryV1Api).createNamespacedEndpointSlice({ namespace: APP_NS, body: sliceFor(name, nodes) });
}

/** An EndpointSlice of Service `name` with one ready, serving endpoint on each of `nodes`. */
function sliceFor(name: string, nodes: readonly string[]): V1EndpointSlice {
  return {
    metadata: { name: `${name}-1`, labels: { 'kubernetes.io/service-name': name } }, addressType: 'IPv4', ports: [{ port: PORT, protocol: 'TCP' }],
    endpoints: nodes.map((n) => ({ addresses: [`192.0.2.${10 + Number(n.slice('node-'.length))}`], nodeName: n, conditions: { ready: true, serving: true } })),
  };
}

/** The Service's first ingress IP, once assigned. */
async function ingressOf(l: BgpSpeakerLab, name: string, want?: string): Promise<string> {
  const core = l.cp.kubeConfig.makeApiClient(CoreV1Api);
  const svc = await eventually(`${name} gets an IP`, async () => (await core.readNamespacedService({ namespace: APP_NS, name })) as V1Service,
    (s) => want === undefined ? s.status?.loadBalancer?.ingress?.[0]?.ip !== undefined : s.status?.loadBalancer?.ingress?.[0]?.ip === want);
  return svc.status?.loadBalancer?.ingress?.[0]?.ip ?? '';
}


describe('operator + speakers: BGPPeer/BGPAdvertisement/Service → NodePlans → FRR → router', () => {
  let l: BgpSpeakerLab;
  let op: OperatorProcess | undefined;
  let server: { stop(): Promise<void> }[] = [];
  let ext: FrrInstance;

  before(async () => {
    l = await BgpSpeakerLab.start({ nodes: NODES.length, prepare: prepareOperatorLab, routerConf: operatorLabRouterConf(NODES.length) });
    ext = await l.lab.startFrr('ext', 'frr defaults traditional\n');
    await ext.reload(extIbgpConf(NODES.length));
    const core = l.cp.kubeConfig.makeApiClient(CoreV1Api);
    for (const name of NODES) await core.createNode({ body: { metadata: { name, labels: { 'kubernetes.io/hostname': name } } } });
    await applyYaml(l.cp, POOL_AND_PEER + '---' + ADVERTISEMENT);
    op = await OperatorProcess.start({ kubeconfigPath: l.cp.kubeconfigPath, namespace: PLAN_NS });
    await op.waitReady();
  });

  after(async () => {
    await Promise.all(server.map((s) => s.stop()));
    await op?.stop();
    await l?.stop();
  });

  test('a LoadBalancer Service: IP assigned, both plans applied, ECMP at the router, status and ServiceBGPStatus', async () => {
    const core = l.cp.kubeConfig.makeApiClient(CoreV1Api);
    await core.createNamespacedService({ namespace: APP_NS, body: {
      metadata: { name: 'web' }, spec: { type: 'LoadBalancer', selector: { app: 'web' }, ports: [{ port: PORT, protocol: 'TCP' }] },
    } });
    await l.cp.kubeConfig.makeApiClient(DiscoveryV1Api).createNamespacedEndpointSlice({ namespace: APP_NS, body: {
      metadata: { name: 'web-1', labels: { 'kubernetes.io/service-name': 'web' } }, addressType: 'IPv4', ports: [{ port: PORT, protocol: 'TCP' }],
      endpoints: NODES.map((n, i) => ({ addresses: [`192.0.2.${10 + i}`], nodeName: n, conditions: { ready: true, serving: true } })),
    } });
    await eventually('web gets the pool IP', async () => (await core.readNamespacedService({ namespace: APP_NS, name: 'web' })) as V1Service,
      (s) => s.status?.loadBalancer?.ingress?.[0]?.ip === VIP);

    for (const [i, node] of NODES.entries()) {
      const p = await eventually(`${node}: plan applied, 1/1`, () => l.plan(i),
        (x) => x.status?.appliedSha256 !== undefined && x.status.appliedSha256 === x.spec.frr.sha256 && x.status.sessions === '1/1');
      assert.deepEqual(p.spec.bgpPeers, [{ name: 'router', neighbor: ROUTER4 }], `${node} bgpPeers`);
      assert.deepEqual(p.spec.bgpServices, [{ peers: ['router'], services: ['default/web'] }], `${node} bgpServices`);
      assert.equal(p.status?.result, 'Applied');
      assert.equal(p.metadata?.labels?.['app.kubernetes.io/managed-by'], 'metallb-ts-operator');
      assert.deepEqual(p.status?.peers?.map((x) => [x.name, x.neighbor, x.bgpState]), [['router', ROUTER4, 'Established']]);
    }
    await eventually('ECMP next hops for the VIP', () => l.nextHops(`${VIP}/32`), (h) => h.join() === '192.0.2.10,192.0.2.11');

    const api = l.cp.kubeConfig.makeApiClient(CustomObjectsApi);
    const list = await eventually('one ServiceBGPStatus per node for default/web', async () => ((await api.listNamespacedCustomObject({
      group: SERVICEBGPSTATUS.group, version: SERVICEBGPSTATUS.version, plural: SERVICEBGPSTATUS.plural, namespace: PLAN_NS,
    })) as { items: ServiceBGPStatus[] }).items, (items) => items.length === 2 && items.every((s) => s.status?.peers !== undefined));
    assert.deepEqual(list.map((s) => s.status).sort((a, b) => ((a?.node ?? '') < (b?.node ?? '') ? -1 : 1)),
      NODES.map((node) => ({ node, serviceName: 'web', serviceNamespace: APP_NS, peers: ['router'] })));
  });

  test('a client behind the router gets a TCP answer through the VIP', async () => {
    // kube-proxy's part: the VIP on each node's lo, a server on every node.
    for (const node of NODES) await addKubeProxyVips(l.lab, node, [VIP]);
    server = await Promise.all(NODES.map((node) => startWhoAmIServer(l.lab, node, PORT)));
    // A new loopback address may change FRR's router-id and reset the sessions: wait for ECMP again.
    await eventually('ECMP next hops again', () => l.nextHops(`${VIP}/32`), (h) => h.join() === '192.0.2.10,192.0.2.11');
    const answer = await eventually('ext reaches the VIP', () => tcpWhoAmI(l.lab, 'ext', VIP, PORT), (a) => (NODES as readonly string[]).includes(a), 20_000);
    console.log(`[bgp-operator-speaker] ext → ${VIP}:${PORT} answered by ${answer}`);
  });

  test('ETP=Local: only the node with a serving endpoint advertises; moving the endpoint moves the next hop', async () => {
    await applyYaml(l.cp, SERVICES_POOLS);
    await createLbService(l, 'local', 'local-pool', ['node-0'], true);
    await ingressOf(l, 'local', LOCAL_VIP);
    await eventually('only node-0 advertises the ETP=Local VIP', () => l.nextHops(`${LOCAL_VIP}/32`), (h) => h.join() === '192.0.2.10');
    await l.cp.kubeConfig.makeApiClient(DiscoveryV1Api).replaceNamespacedEndpointSlice({ namespace: APP_NS, name: 'local-1', body: sliceFor('local', ['node-1']) });
    await eventually('the endpoint moved to node-1: so did the next hop', () => l.nextHops(`${LOCAL_VIP}/32`), (h) => h.join() === '192.0.2.11');
    const p0 = await l.plan(0);
    assert.ok(!(p0.spec.bgpServices ?? []).some((b) => b.services.includes('default/local')), 'node-0 no longer lists default/local');
  });

  let mainSessions: Array<readonly [FrrInstance, string]> = [];
  let marks: SessionMarks = { at: 0, sessions: new Map() };

  test('new peers (iBGP by nodeSelectors, multihop, unnumbered) and advertisements come up without resetting the running sessions', async () => {
    mainSessions = [[l.router, '192.0.2.10'], [l.router, '192.0.2.11']];
    marks = await sessionMarks(mainSessions);
    await applyYaml(l.cp, NEW_PEERS);
    await createLbService(l, 'comm', 'comm-pool', NODES);
    await createLbService(l, 'agg', 'agg-pool', NODES);
    await createLbService(l, 'mh', 'mh-pool', NODES);
    await ingressOf(l, 'comm', COMM_VIP);
    await ingressOf(l, 'mh', MH_VIP);

    const p0 = await eventually('node-0: four sessions up', () => l.plan(0), (x) => x.status?.appliedSha256 === x.spec.frr.sha256 && x.status.sessions === '4/4', 45_000);
    assert.deepEqual(p0.spec.bgpPeers?.map((p) => [p.name, p.neighbor]).sort(),
      [['ext-ibgp', EXT4], ['router', ROUTER4], ['router-mh', ROUTER_LOOPBACK6], ['router-un', UNNUMBERED_NODE_IFACE]]);
    const p1 = await eventually('node-1: two sessions up (no iBGP, no unnumbered: not selected)', () => l.plan(1),
      (x) => x.status?.appliedSha256 === x.spec.frr.sha256 && x.status.sessions === '2/2', 45_000);
    assert.deepEqual(p1.spec.bgpPeers?.map((p) => p.name).sort(), ['router', 'router-mh']);
    assert.ok(!p1.spec.frr.config.includes(EXT4), 'node-1 has no session to the iBGP peer');

    // The peers' side: ext peers with node-0 only; the router has the multihop and unnumbered sessions.
    assert.equal((await neighborAt(ext, '192.0.2.10')).state, 'Established', 'iBGP with node-0');
    assert.notEqual((await neighborAt(ext, '192.0.2.11')).state, 'Established', 'no iBGP with node-1 (nodeSelectors)');
    for (const n of ['2001:db8:0:1::10', '2001:db8:0:1::11', UNNUMBERED_ROUTER_IFACE]) {
      assert.equal((await neighborAt(l.router, n)).state, 'Established', `router ↔ ${n}`);
    }
    const mh = await eventually('the multihop VIP from both nodes and over the unnumbered link', () => bgpPaths(l.router, `${MH_VIP}/32`),
      (ps) => ['2001:db8:0:1::10', '2001:db8:0:1::11', UNNUMBERED_ROUTER_IFACE].every((n) => pathFrom(ps, n)?.valid === true));
    assert.deepEqual(pathFrom(mh, '2001:db8:0:1::10')?.nexthops?.[0]?.ip, '192.0.2.10', 'IPv4 next hop over the IPv6 multihop session');
    for (const main of ['192.0.2.10', '192.0.2.11']) assert.equal(pathFrom(mh, main), undefined, `mh-adv names only router-mh and router-un, not the ${main} session`);
    const n = await l.router.vtyshJson<Record<string, { externalBgpNbrMaxHopsAway?: number }>>('show bgp neighbors 2001:db8:0:1::10 json');
    assert.equal(n['2001:db8:0:1::10']?.externalBgpNbrMaxHopsAway, 255, 'the session is multihop');

    // Attributes: localPref only reaches the iBGP peer; communities reach both.
    const atExt = await eventually('the communities VIP at the iBGP peer', () => bgpPaths(ext, `${COMM_VIP}/32`), (ps) => ps.length === 1);
    assert.equal(atExt[0]?.peer?.type, 'internal');
    assert.equal(atExt[0]?.locPrf, 150, 'localPref');
    assert.equal(atExt[0]?.community?.string, '64512:100 64512:300', 'standard community + the lab-alias Community alias');
    assert.equal(atExt[0]?.largeCommunity?.string, '64512:1:2', 'large community');
    const atRouter = await eventually('the communities VIP at the router from both nodes', () => bgpPaths(l.router, `${COMM_VIP}/32`), (ps) => ps.length === 2);
    for (const p of atRouter) assert.equal(p.community?.string, '64512:100 64512:300', `communities over eBGP from ${p.peer?.peerId}`);

    // aggregationLength 28: the aggregate, not the /32.
    const agg = await eventually('the aggregate at the router', () => bgpPaths(l.router, AGG_PREFIX), (ps) => ps.length === 2);
    assert.deepEqual(agg.map((p) => p.peer?.peerId).sort(), ['192.0.2.10', '192.0.2.11']);
    assert.deepEqual(await bgpPaths(l.router, `${await ingressOf(l, 'agg')}/32`), [], 'no host route for the aggregated Service');

    mainSessions.push([ext, '192.0.2.10'], [l.router, '2001:db8:0:1::10'], [l.router, '2001:db8:0:1::11'], [l.router, UNNUMBERED_ROUTER_IFACE]);
    await assertNoReset(mainSessions.slice(0, 2), marks, 'adding peers and advertisements');
  });

  test('changing an advertisement (localPref, communities, alias) reaches the iBGP peer without resetting any session', async () => {
    marks = await sessionMarks(mainSessions);
    await applyYaml(l.cp, CHANGED_COMM_ADV);
    const atExt = await eventually('new attributes at the iBGP peer', () => bgpPaths(ext, `${COMM_VIP}/32`),
      (ps) => ps[0]?.locPrf === 200 && ps[0].largeCommunity?.string === '64512:1:2 64512:7:7');
    assert.equal(atExt[0]?.community?.string, '64512:100 64512:200');
    await eventually('new communities at the router', () => bgpPaths(l.router, `${COMM_VIP}/32`),
      (ps) => ps.length === 2 && ps.every((p) => p.community?.string === '64512:100 64512:200'));
    await assertNoReset(mainSessions, marks, 'changing an advertisement');
  });

  test('enableGracefulRestart: node-1 bgpd restarted, its routes stay at the router (stale) meanwhile', async () => {
    const vip = `${VIP}/32`;
    await eventually('both nodes advertise the VIP, not stale', () => bgpPaths(l.router, vip), (ps) => ps.length === 2 && ps.every((p) => p.stale !== true));
    const gr = await l.router.vtyshJson<Record<string, { gracefulRestartInfo?: { remoteGrMode?: string } }>>('show bgp neighbors 192.0.2.11 json');
    assert.equal(gr['192.0.2.11']?.gracefulRestartInfo?.remoteGrMode, 'Restart', `node-1 offers graceful restart: ${JSON.stringify(gr)}`);
    const node1 = l.nodes[1]!;
    await node1.killDaemon('bgpd');
    const during = await eventually('node-1 session down, its VIP path kept as stale', async () => ({
      state: (await neighborAt(l.router, '192.0.2.11')).state, paths: await bgpPaths(l.router, vip), mh: await bgpPaths(l.router, `${MH_VIP}/32`),
    }), (v) => v.state !== 'Established' && pathFrom(v.paths, '192.0.2.11')?.stale === true && pathFrom(v.mh, '2001:db8:0:1::11') === undefined, 15_000);
    assert.equal(pathFrom(during.paths, '192.0.2.10')?.stale, undefined, 'node-0 path untouched');
    assert.deepEqual(await l.nextHops(vip), ['192.0.2.10', '192.0.2.11'], 'the router still forwards to node-1 (preserved forwarding state)');
    await node1.startDaemon('bgpd');
    await eventually('node-1 back: its path refreshed, not stale', () => bgpPaths(l.router, vip),
      (ps) => ps.length === 2 && ps.every((p) => p.stale !== true), 30_000);
    await eventually('node-1 plan applied again, 2/2', () => l.plan(1), (x) => x.status?.appliedSha256 === x.spec.frr.sha256 && x.status.sessions === '2/2');
  });

  test('deleting the BGPAdvertisement withdraws the route at the router, empties bgpServices and drops the ServiceBGPStatus', async () => {
    const r = await l.cp.kubectl(['delete', 'bgpadvertisements.metallb.io', 'e2e-adv', '-n', PLAN_NS]);
    assert.equal(r.exitCode, 0, r.stderr);
    await eventually('VIP withdrawn at the router', () => l.nextHops(`${VIP}/32`), (h) => h.length === 0);
    const plans: NodePlan[] = await Promise.all(NODES.map((_, i) => l.plan(i)));
    for (const p of plans) {
      assert.ok(!(p.spec.bgpServices ?? []).some((b) => b.services.includes('default/web')), `${p.metadata?.name} no longer announces default/web`);
    }
    const api = l.cp.kubeConfig.makeApiClient(CustomObjectsApi);
    await eventually('the speakers delete the ServiceBGPStatus of default/web', async () => ((await api.listNamespacedCustomObject({
      group: SERVICEBGPSTATUS.group, version: SERVICEBGPSTATUS.version, plural: SERVICEBGPSTATUS.plural, namespace: PLAN_NS,
    })) as { items: ServiceBGPStatus[] }).items.filter((s) => s.status?.serviceName === 'web').length, (n) => n === 0);
    const svc = await l.cp.kubeConfig.makeApiClient(CoreV1Api).readNamespacedService({ namespace: APP_NS, name: 'web' });
    assert.equal(svc.status?.loadBalancer?.ingress?.[0]?.ip, VIP, 'the IP stays with the Service');
  });
});
