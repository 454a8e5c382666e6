/**
 * Operator and speakers together, end to end: a real apiserver with the Helm chart installed, the
 * operator as a child process on the root namespace, two lab nodes each running FRR and the
 * speaker as a separate process inside the node's namespace — operator and speakers both on
 * TokenRequest tokens of the chart's own ServiceAccounts, so everything below runs under exactly
 * the RBAC the chart grants — a router (FRR, AS 64513, ECMP) and a second FRR on the ext host
 * (AS 64512, iBGP; topology in test/harness/bgp-operator-lab.ts). node-0 runs the machine's FRR
 * 8.4, node-1 FRR 10 (Debian trixie's, chrooted: test/harness/frr-runtime.ts), so every step
 * below also holds for the FRR major version MetalLB's chart ships. Nodes and EndpointSlices are
 * created by hand (a bare apiserver has no kubelet and no EndpointSlice controller). Everything
 * is driven through the metallb.io CRs: the operator writes the plans, the speakers apply them.
 * Proves, in order:
 * - the shared suite's first steps (test/e2e/suite/bgp-service.ts, which kind-e2e/ runs against
 *   a kind cluster too): a LoadBalancer Service gets its IP, both plans applied, ECMP next hops =
 *   both nodes at the router, plan status and one ServiceBGPStatus per node; a client behind the
 *   router gets an HTTP answer through the VIP;
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
 *   marked stale, while the routes of its session without graceful restart are withdrawn; once
 *   back, every session of node-1 (multihop included) carries its prefixes again;
 * - the Service conditions and `metallb-ts explain` (the real CLI, as a process, with a kubeconfig)
 *   from what the speakers really report: healthy, Announced and Reachable True (each session's
 *   adj-rib-out holds the prefix) and the transcript equals test/fixtures/explain/e2e-healthy-bgp.txt
 *   (the README's); the only peer of a Service stopped (its bgpd killed): BGPSessionDown and
 *   Reachable NotAdvertised naming node, peer and prefix, True again once it is back; ETP=Local
 *   without an endpoint: NoServingEndpoint, each node "no serving endpoint here"; the exclude
 *   label on one node: that node named excluded, the other still announces; on both: NodeExcluded;
 * - the suite's last steps: deleting the BGPAdvertisement withdraws the route and drops the
 *   ServiceBGPStatus; the chart's RBAC refused none of the binaries' calls.
 * Not here: a VRF peer. This lab's kernel has no VRF device (CONFIG_NET_VRF is off: `ip link add
 * x type vrf` says "Unknown device type"); test/e2e/bgp-vrf.test.ts proves one on a VRF backed by
 * a network namespace instead, and the goldens (test/integration/frr-golden.test.ts) load the
 * VRF rendering into FRR 8.4 and 10.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { after, before, describe, test } from 'node:test';
import { CoreV1Api, DiscoveryV1Api, type V1EndpointSlice, type V1Service } from '@kubernetes/client-node';
import { EXT4, extIbgpConf, operatorLabRouterConf, prepareOperatorLab, ROUTER_LOOPBACK6, UNNUMBERED_NODE_IFACE, UNNUMBERED_ROUTER_IFACE } from '../harness/bgp-operator-lab.ts';
import { bgpPaths, BgpSpeakerLab, eventually, PLAN_NS, ROUTER4, type BgpPath } from '../harness/bgp-speaker-lab.ts';
import { NETNS_BGP_VIP, NetnsBgpTarget } from '../harness/netns-bgp-target.ts';
import type { FrrInstance } from '../harness/frr.ts';
import { neighborAt, uptimeTick } from '../harness/speaker-frr.ts';
import { applyYaml } from '../harness/operator.ts';
import { explainCli, explainJson } from '../harness/explain-cli.ts';
import { setNodeLabels } from '../harness/plan-kit.ts';
import {
  APP_NS, bgpSuiteConfig, nothingRefused, PORT, reachableFromOutside, SERVICE, serviceAnnounced, STEP_TITLES, withdrawnWithTheAdvertisement,
} from './suite/bgp-service.ts';

const VIP = NETNS_BGP_VIP;
const EXT_VIP = '198.51.100.11';
const EXCLUDE = 'node.kubernetes.io/exclude-from-external-load-balancers';
const GOLDEN = join(import.meta.dirname, '..', 'fixtures', 'explain', 'e2e-healthy-bgp.txt');
const UPDATE = process.env['METALLB_TS_UPDATE_GOLDEN'] === '1';
const EXT_ONLY = `
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: ext-pool, namespace: ${PLAN_NS}}
spec: {addresses: [${EXT_VIP}/32], autoAssign: false}
---
apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata: {name: ext-adv, namespace: ${PLAN_NS}}
spec: {ipAddressPools: [ext-pool], peers: [ext-ibgp]}
`;

/** A Service condition as the apiserver stores it. */
interface Cond {
  readonly type: string;
  readonly status: string;
  readonly reason: string;
  readonly message: string;
}

/** The explain JSON fields these steps read. */
interface ExplainDoc {
  readonly announce: { readonly condition: Cond; readonly reachable: Cond };
}
const NODES = ['node-0', 'node-1'] as const;

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


/** The Service's `metallb.io/<type>` condition. */
async function conditionOf(l: BgpSpeakerLab, name: string, type: string): Promise<Cond | undefined> {
  const svc = await l.cp.kubeConfig.makeApiClient(CoreV1Api).readNamespacedService({ namespace: APP_NS, name });
  return (svc.status?.conditions as unknown as Cond[] | undefined)?.find((c) => c.type === `metallb.io/${type}`);
}

/** Waits (bounded) until the Service's Announced and Reachable conditions have these reasons. */
async function stages(l: BgpSpeakerLab, name: string, announced: string, reachable: string, timeoutMs = 60_000): Promise<{ announced: Cond; reachable: Cond }> {
  const got = await eventually(`${name}: Announced=${announced}, Reachable=${reachable}`, async () => ({
    announced: await conditionOf(l, name, 'Announced'), reachable: await conditionOf(l, name, 'Reachable'),
  }), (c) => c.announced?.reason === announced && c.reachable?.reason === reachable, timeoutMs);
  return { announced: got.announced!, reachable: got.reachable! };
}

/** The real CLI's transcript of the Service (with the admin kubeconfig); asserts the exit status. */
async function explainText(l: BgpSpeakerLab, name: string, code: number): Promise<string> {
  const r = await explainCli(l.cp.kubeconfigPath, 'service', `${APP_NS}/${name}`);
  assert.equal(r.code, code, `${r.stdout}${r.stderr}`);
  return r.stdout;
}

describe('operator + speakers on the chart\'s tokens: BGPPeer/BGPAdvertisement/Service → NodePlans → FRR → router', () => {
  let t: NetnsBgpTarget;
  let l: BgpSpeakerLab;
  let ext: FrrInstance;

  before(async () => {
    t = await NetnsBgpTarget.start({ nodes: NODES.length, nodeFrr: ['8.4', '10'], prepare: prepareOperatorLab, routerConf: operatorLabRouterConf(NODES.length) });
    l = t.lab;
    ext = await l.lab.startFrr('ext', 'frr defaults traditional\n');
    await ext.reload(extIbgpConf(NODES.length));
    await applyYaml(t, bgpSuiteConfig(t));
  });

  after(async () => {
    await t?.stop();
  });

  test('node-0 runs FRR 8.4, node-1 FRR 10', async () => {
    assert.match(await l.nodes[0]!.vtysh('show version'), /^FRRouting 8\.4\./m);
    assert.match(await l.nodes[1]!.vtysh('show version'), /^FRRouting 10\./m);
  });

  test(STEP_TITLES.serviceAnnounced, () => serviceAnnounced(t));
  test(STEP_TITLES.reachableFromOutside, () => reachableFromOutside(t));

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

  test('healthy: the speakers report sessions and adj-rib-out, so Announced and Reachable are True; explain\'s transcript is the golden one', async () => {
    // After the graceful-restart step node-1 re-sends its routes: wait until both nodes' reports say so.
    // (The condition names peers, not nodes: the nodes' reports are in their NodePlan status.)
    for (const i of NODES.keys()) {
      await eventually(`node-${i}'s report: router's adj-rib-out holds the plan's prefixes`, () => l.plan(i),
        (x) => { const a = x.status?.peers?.find((y) => y.name === 'router')?.advertised; return a?.planSha256 === x.spec.frr.sha256 && a.missingCount === 0; }, 90_000);
    }
    assert.equal((await conditionOf(l, SERVICE, 'Reachable'))?.message, "in FRR's adj-rib-out to BGPPeer router");
    await stages(l, SERVICE, 'Announced', 'Advertised');
    // Settled: every session Established and its report of the current plan (nothing pending).
    const text = await eventually('explain: every session Established with the prefix in its adj-rib-out', async () => (await explainCli(l.cp.kubeconfigPath, 'service', `${APP_NS}/${SERVICE}`)).stdout,
      (x) => !/not reported|older plan|NOT in adj-rib-out|plan: not applied|plan: no status|UNKNOWN|FAILED/.test(x) && x.includes('3. Reachability: OK Advertised'), 60_000);
    await explainText(l, SERVICE, 0);
    for (const n of NODES) assert.match(text, new RegExp(`${n} +BGP +eligible: 198\\.51\\.100\\.5/32 -> router \\(Established, in adj-rib-out\\); plan: applied`));
    // Every kind of session reports its adj-rib-out: eBGP, iBGP, IPv6 multihop carrying IPv4, unnumbered.
    // node-1's bgpd was restarted by the graceful-restart step: its router-mh session carries the
    // prefix again only because the speaker re-asserts every statement after a restart (the
    // restarted bgpd had lost the session's route-map and prefix-list while zebra's copies kept
    // them in vtysh's merged running config: FRR sent nothing over it).
    for (const [i, peers] of [[0, ['ext-ibgp', 'router', 'router-mh', 'router-un']], [1, ['router', 'router-mh']]] as const) {
      const p = await eventually(`node-${i}: every session's adj-rib-out holds what the plan sends it`, () => l.plan(i),
        (x) => peers.every((n) => { const a = x.status?.peers?.find((y) => y.name === n)?.advertised; return a?.planSha256 === x.spec.frr.sha256 && a.missingCount === 0; }));
      for (const n of peers) assert.ok((p.status?.peers?.find((y) => y.name === n)?.advertised?.expected ?? 0) > 0, `node-${i} ${n}: ${JSON.stringify(p.status?.peers)}`);
    }
    const node0 = await explainCli(l.cp.kubeconfigPath, 'node', 'node-0');
    assert.equal(node0.code, 0, node0.stdout);
    for (const n of ['ext-ibgp', 'router', 'router-mh', 'router-un']) assert.match(node0.stdout, new RegExp(`BGPPeer ${n}: Established.*; adj-rib-out: all \\d+ planned prefixes`), node0.stdout);
    const golden = text.endsWith('\n') ? text : `${text}\n`;
    if (UPDATE) writeFileSync(GOLDEN, golden);
    assert.equal(golden, readFileSync(GOLDEN, 'utf8'), `${GOLDEN} differs (METALLB_TS_UPDATE_GOLDEN=1 rewrites it)`);
  });

  test('the only peer of a Service stopped (its bgpd killed): Announced False BGPSessionDown, Reachable False NotAdvertised, explain names the peer; back: True', async () => {
    await applyYaml(l.cp, EXT_ONLY);
    await createLbService(l, 'ext-only', 'ext-pool', NODES);
    await ingressOf(l, 'ext-only', EXT_VIP);
    await stages(l, 'ext-only', 'Announced', 'Advertised');
    await eventually('the iBGP peer has the route', () => bgpPaths(ext, `${EXT_VIP}/32`), (ps) => ps.length === 1);
    await ext.killDaemon('bgpd');
    const down = await stages(l, 'ext-only', 'BGPSessionDown', 'NotAdvertised');
    assert.equal(down.announced.status, 'False');
    assert.match(down.announced.message, /BGPPeer ext-ibgp on node node-0 is (Active|Connect|Idle|OpenSent)/);
    assert.equal(down.reachable.status, 'False');
    assert.ok(down.reachable.message.includes(`${EXT_VIP}/32 is not in the adj-rib-out of BGPPeer ext-ibgp on node node-0`), down.reachable.message);
    const text = await explainText(l, 'ext-only', 1);
    assert.match(text, /2\. Announcement: FAILED BGPSessionDown: BGPPeer ext-ibgp on node node-0/);
    assert.match(text, /node-0 +BGP +eligible: 198\.51\.100\.11\/32 -> ext-ibgp \((Active|Connect|Idle|OpenSent), NOT in adj-rib-out\)/);
    assert.match(text, /3\. Reachability: FAILED NotAdvertised: /);
    const doc = await explainJson<ExplainDoc>(l.cp.kubeconfigPath, 'service', `${APP_NS}/ext-only`);
    assert.deepEqual([doc.announce.condition.reason, doc.announce.reachable.reason], ['BGPSessionDown', 'NotAdvertised']);

    await ext.startDaemon('bgpd');
    await ext.reload(extIbgpConf(NODES.length));
    const back = await stages(l, 'ext-only', 'Announced', 'Advertised', 90_000);
    assert.equal(back.reachable.message, "in FRR's adj-rib-out to BGPPeer ext-ibgp");
    assert.match(await explainText(l, 'ext-only', 0), /node-0 +BGP +eligible: 198\.51\.100\.11\/32 -> ext-ibgp \(Established, in adj-rib-out\)/);
  });

  test('ETP=Local without a serving endpoint: NoServingEndpoint (explain says so per node); the endpoint back: Announced', async () => {
    const discovery = l.cp.kubeConfig.makeApiClient(DiscoveryV1Api);
    await stages(l, 'local', 'Announced', 'Advertised');
    await discovery.replaceNamespacedEndpointSlice({ namespace: APP_NS, name: 'local-1', body: sliceFor('local', []) });
    const c = await stages(l, 'local', 'NoServingEndpoint', 'NotAnnounced');
    assert.match(c.announced.message, /default\/local has no serving endpoint on a node that may announce it \(externalTrafficPolicy: Local\)/);
    await eventually('the router lost the ETP=Local route', () => l.nextHops(`${LOCAL_VIP}/32`), (h) => h.length === 0);
    const text = await explainText(l, 'local', 1);
    assert.match(text, /FAILED NoServingEndpoint: /);
    for (const n of NODES) assert.match(text, new RegExp(`${n} +BGP +excluded: no serving endpoint here`));
    await discovery.replaceNamespacedEndpointSlice({ namespace: APP_NS, name: 'local-1', body: sliceFor('local', ['node-1']) });
    const back = await stages(l, 'local', 'Announced', 'Advertised', 90_000);
    assert.equal(back.reachable.message, "in FRR's adj-rib-out to BGPPeer router");
    const backText = await eventually('explain: node-1 announces ETP=Local again', async () => (await explainCli(l.cp.kubeconfigPath, 'service', `${APP_NS}/local`)).stdout,
      (x) => /node-1 +BGP +eligible: .* -> router \(Established, in adj-rib-out\)/.test(x), 60_000);
    assert.match(backText, /node-0 +BGP +excluded: no serving endpoint here/);
  });

  test('nodes excluded by label: node-1 named excluded in explain (node-0 still announces); all excluded: NodeExcluded; labels removed: back', async () => {
    const core = l.cp.kubeConfig.makeApiClient(CoreV1Api);
    await setNodeLabels(core, 'node-1', { [EXCLUDE]: '' });
    await eventually('node-1 withdrew the VIP at the router', () => l.nextHops(`${VIP}/32`), (h) => h.join() === '192.0.2.10');
    // One node leaving while the other still announces is not a change of the stage: the
    // condition stays as it was (it names the peer, not the nodes); explain names the nodes.
    const one = await conditionOf(l, SERVICE, 'Announced');
    assert.equal(one?.reason, 'Announced');
    assert.equal(one?.message, 'announced to BGPPeer router');
    assert.match(await explainText(l, SERVICE, 0), /node-1 +BGP +excluded: node\.kubernetes\.io\/exclude-from-external-load-balancers/);

    await setNodeLabels(core, 'node-0', { [EXCLUDE]: '' });
    const all = await stages(l, SERVICE, 'NodeExcluded', 'NotAnnounced');
    assert.match(all.announced.message, /Node node-0, node-1 carries the node\.kubernetes\.io\/exclude-from-external-load-balancers label/);
    const text = await explainText(l, SERVICE, 1);
    assert.match(text, /FAILED NodeExcluded: /);
    for (const n of NODES) assert.match(text, new RegExp(`${n} +BGP +excluded: node\\.kubernetes\\.io/exclude-from-external-load-balancers`));

    for (const n of NODES) await setNodeLabels(core, n, { [EXCLUDE]: null });
    await eventually('both nodes advertise the VIP again', () => l.nextHops(`${VIP}/32`), (h) => h.join() === '192.0.2.10,192.0.2.11', 60_000);
    await stages(l, SERVICE, 'Announced', 'Advertised', 90_000);
  });

  test(STEP_TITLES.withdrawnWithTheAdvertisement, () => withdrawnWithTheAdvertisement(t));
  test(STEP_TITLES.nothingRefused, () => nothingRefused(t));
});
