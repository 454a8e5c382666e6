/**
 * The operator + speaker BGP e2e suite, written once for two targets: the namespace lab
 * (test/e2e/bgp-operator-speaker.test.ts — what `npm test` and CI run) and a kind cluster
 * (kind-e2e/bgp.kind.ts, run by kind-e2e/run.sh where Docker exists). A target brings a cluster
 * with the chart installed, the operator and one speaker per node running with the chart's
 * ServiceAccounts, and an FRR router peering with every node (eBGP, AS 64512 nodes → 64513
 * router, ECMP); the suite applies the MetalLB configuration and asserts, against the cluster
 * and the router:
 *
 * - a LoadBalancer Service gets the pool's IP; every node's plan (written by the operator, with
 *   bgpPeers and bgpServices) is applied by its speaker with the session up (1/1); the router has
 *   the /32 with one ECMP next hop per node; one ServiceBGPStatus per node;
 * - a client behind the router gets an HTTP answer from a backend through the VIP;
 * - deleting the BGPAdvertisement withdraws the route at the router, the plans stop listing the
 *   Service, its ServiceBGPStatus go, and the Service keeps its IP;
 * - the chart's RBAC refused none of the calls the binaries made.
 *
 * Each step is exported on its own so a target's own test file can put target-specific cases
 * between them on the same cluster (the netns file does); {@link bgpServiceSuite} registers them
 * all in order (kind-e2e does).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CoreV1Api, CustomObjectsApi, type KubeConfig, type V1Service } from '@kubernetes/client-node';
import { NODEPLAN, SERVICEBGPSTATUS, type NodePlan, type ServiceBGPStatus } from '@metallb-ts/lib/api/types.generated.ts';
import { eventually } from '../../harness/bgp-speaker-lab.ts';
import { applyYaml, type Kubectl } from '../../harness/operator.ts';

/** A cluster the suite runs against (see the module comment). */
export interface BgpTarget extends Kubectl {
  /** Admin credentials (the suite's own reads and writes, never the binaries'). */
  readonly kubeConfig: KubeConfig;
  /** The chart's release namespace: configuration, plans, status objects. */
  readonly namespace: string;
  /** The nodes running a speaker, and the IPv4 address the router has as their next hop. */
  readonly nodes: ReadonlyArray<{ readonly name: string; readonly v4: string }>;
  /** The router's IPv4 address, which the BGPPeer names. */
  readonly routerV4: string;
  /** An IPv4 address (in the router's reach, not on any link) the pool hands out. */
  readonly vip: string;
  /** Backends answering HTTP on `port` for a Service selecting `app: <name>` in namespace `default`. */
  startBackends(name: string, port: number): Promise<void>;
  /** What kube-proxy does for a Service IP where the target has no kube-proxy (a no-op where it has one). */
  exposeVip(vip: string, port: number): Promise<void>;
  /** The router's active next hops for an IPv4 prefix, sorted. */
  routerNextHops(prefix: string): Promise<string[]>;
  /** An HTTP GET from a client behind the router (bounded): status and body, or undefined. */
  getFromOutside(url: string): Promise<{ readonly status: number; readonly body: string } | undefined>;
  /** Log lines of the operator and the speakers that record a refused API call (HTTP 403 / Forbidden). */
  refusedCalls(): Promise<readonly string[]>;
  /** The bodies a backend may answer with (asked once the backends run). */
  backendAnswers(): Promise<readonly string[]>;
  stop(): Promise<void>;
}

/**
 * A refused API call in a log line: the apiserver's RBAC message ("… is forbidden: User … cannot …"),
 * or the status as the operator's client (`GET /path: 403 …`) and client-node (`HTTP-Code: 403`) print it.
 * Both targets read their binaries' logs with it for {@link BgpTarget.refusedCalls}.
 */
export const REFUSED_CALL = /\bforbidden\b|HTTP-Code: 403\b|: 403 /i;

export const APP_NS = 'default';
export const PORT = 8080;
export const SERVICE = 'web';
/** The BGPAdvertisement the steps create and the last step deletes. */
export const ADVERTISEMENT = 'e2e-adv';

/** The MetalLB configuration of the steps: one pool (the target's VIP), the router as BGPPeer, one advertisement. */
export const bgpSuiteConfig = (t: BgpTarget): string => `
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: e2e-pool, namespace: ${t.namespace}}
spec: {addresses: [${t.vip}/32]}
---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: {name: router, namespace: ${t.namespace}}
spec: {myASN: 64512, peerASN: 64513, peerAddress: ${t.routerV4}, holdTime: 3s, keepaliveTime: 1s, connectTime: 1s, enableGracefulRestart: true}
---
apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata: {name: ${ADVERTISEMENT}, namespace: ${t.namespace}}
spec: {ipAddressPools: [e2e-pool], peers: [router]}
`;

const custom = (t: BgpTarget) => t.kubeConfig.makeApiClient(CustomObjectsApi);
const planOf = async (t: BgpTarget, node: string): Promise<NodePlan> => (await custom(t).getNamespacedCustomObject({
  group: NODEPLAN.group, version: NODEPLAN.version, plural: NODEPLAN.plural, namespace: t.namespace, name: node,
})) as NodePlan;
/** The ServiceBGPStatus objects of the suite's Service. */
const bgpStatuses = async (t: BgpTarget): Promise<ServiceBGPStatus[]> => ((await custom(t).listNamespacedCustomObject({
  group: SERVICEBGPSTATUS.group, version: SERVICEBGPSTATUS.version, plural: SERVICEBGPSTATUS.plural, namespace: t.namespace,
})) as { items: ServiceBGPStatus[] }).items.filter((s) => s.status?.serviceName === SERVICE && s.status.serviceNamespace === APP_NS);
const allNextHops = (t: BgpTarget): string => t.nodes.map((n) => n.v4).sort().join();

/** Step 1: IP assigned, every plan applied with its session up, ECMP at the router, ServiceBGPStatus per node. */
export async function serviceAnnounced(t: BgpTarget): Promise<void> {
  await t.startBackends(SERVICE, PORT);
  const core = t.kubeConfig.makeApiClient(CoreV1Api);
  await core.createNamespacedService({ namespace: APP_NS, body: {
    metadata: { name: SERVICE }, spec: { type: 'LoadBalancer', selector: { app: SERVICE }, ports: [{ port: PORT, protocol: 'TCP' }] },
  } });
  await eventually(`${SERVICE} gets the pool IP`, async () => (await core.readNamespacedService({ namespace: APP_NS, name: SERVICE })) as V1Service,
    (s) => s.status?.loadBalancer?.ingress?.[0]?.ip === t.vip);

  for (const { name } of t.nodes) {
    const p = await eventually(`${name}: plan applied, 1/1`, () => planOf(t, name),
      (x) => x.status?.appliedSha256 !== undefined && x.status.appliedSha256 === x.spec.frr.sha256 && x.status.sessions === '1/1');
    assert.deepEqual(p.spec.bgpPeers, [{ name: 'router', neighbor: t.routerV4 }], `${name} bgpPeers`);
    assert.deepEqual(p.spec.bgpServices, [{ peers: ['router'], services: [`${APP_NS}/${SERVICE}`] }], `${name} bgpServices`);
    assert.equal(p.status?.result, 'Applied');
    assert.equal(p.metadata?.labels?.['app.kubernetes.io/managed-by'], 'metallb-ts-operator');
    assert.deepEqual(p.status?.peers?.map((x) => [x.name, x.neighbor, x.bgpState]), [['router', t.routerV4, 'Established']]);
  }
  await eventually('ECMP next hops for the VIP', () => t.routerNextHops(`${t.vip}/32`), (h) => h.join() === allNextHops(t));

  const list = await eventually(`one ServiceBGPStatus per node for ${APP_NS}/${SERVICE}`, () => bgpStatuses(t),
    (items) => items.length === t.nodes.length && items.every((s) => s.status?.peers !== undefined));
  assert.deepEqual(list.map((s) => s.status).sort((a, b) => ((a?.node ?? '') < (b?.node ?? '') ? -1 : 1)),
    t.nodes.map((n) => n.name).sort().map((node) => ({ node, serviceName: SERVICE, serviceNamespace: APP_NS, peers: ['router'] })));
}

/** Step 2: a client behind the router gets an HTTP answer from a backend through the VIP. */
export async function reachableFromOutside(t: BgpTarget): Promise<void> {
  await t.exposeVip(t.vip, PORT);
  // A new loopback address may change FRR's router-id and reset the sessions: wait for ECMP again.
  await eventually('ECMP next hops again', () => t.routerNextHops(`${t.vip}/32`), (h) => h.join() === allNextHops(t));
  const answers = await t.backendAnswers();
  const answer = await eventually('the outside client reaches the VIP', () => t.getFromOutside(`http://${t.vip}:${PORT}/`),
    (a) => a?.status === 200 && answers.includes(a.body.trim()), 20_000);
  console.log(`[bgp-service] outside → ${t.vip}:${PORT} answered by ${answer?.body.trim() ?? '?'}`);
}

/** Step 3: deleting the BGPAdvertisement withdraws the route, the plans drop the Service, so do the ServiceBGPStatus; the IP stays. */
export async function withdrawnWithTheAdvertisement(t: BgpTarget): Promise<void> {
  const r = await t.kubectl(['delete', 'bgpadvertisements.metallb.io', ADVERTISEMENT, '-n', t.namespace]);
  assert.equal(r.exitCode, 0, r.stderr);
  await eventually('VIP withdrawn at the router', () => t.routerNextHops(`${t.vip}/32`), (h) => h.length === 0);
  for (const { name } of t.nodes) {
    await eventually(`${name} no longer announces ${APP_NS}/${SERVICE}`, () => planOf(t, name),
      (p) => !(p.spec.bgpServices ?? []).some((b) => b.services.includes(`${APP_NS}/${SERVICE}`)));
  }
  await eventually(`the speakers delete the ServiceBGPStatus of ${APP_NS}/${SERVICE}`, async () => (await bgpStatuses(t)).length, (n) => n === 0);
  const svc = await t.kubeConfig.makeApiClient(CoreV1Api).readNamespacedService({ namespace: APP_NS, name: SERVICE });
  assert.equal(svc.status?.loadBalancer?.ingress?.[0]?.ip, t.vip, 'the IP stays with the Service');
}

/** Step 4: nothing the binaries did was refused by the chart's RBAC. */
export async function nothingRefused(t: BgpTarget): Promise<void> {
  assert.deepEqual(await t.refusedCalls(), []);
}

/** Test titles of the steps, the same on every target. */
export const STEP_TITLES = {
  serviceAnnounced: 'a LoadBalancer Service: IP assigned, every plan applied, ECMP at the router, ServiceBGPStatus per node',
  reachableFromOutside: 'a client behind the router gets an HTTP answer through the VIP',
  withdrawnWithTheAdvertisement: 'deleting the BGPAdvertisement withdraws the route at the router, the plans and the ServiceBGPStatus drop the Service',
  nothingRefused: 'the chart\'s RBAC refused none of the calls the operator and the speakers made',
} as const;

/** Registers every step in order on `start()`'s target (started in `before`, configured, stopped in `after`). */
export function bgpServiceSuite(title: string, start: () => Promise<BgpTarget>): void {
  describe(title, () => {
    let t: BgpTarget | undefined;
    const target = (): BgpTarget => {
      assert.ok(t !== undefined, 'the target did not start');
      return t;
    };
    before(async () => {
      t = await start();
      await applyYaml(t, bgpSuiteConfig(t));
    });
    after(async () => {
      await t?.stop();
    });
    test(STEP_TITLES.serviceAnnounced, () => serviceAnnounced(target()));
    test(STEP_TITLES.reachableFromOutside, () => reachableFromOutside(target()));
    test(STEP_TITLES.withdrawnWithTheAdvertisement, () => withdrawnWithTheAdvertisement(target()));
    test(STEP_TITLES.nothingRefused, () => nothingRefused(target()));
  });
}
