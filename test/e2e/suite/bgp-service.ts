/**
 * The operator + speaker BGP e2e suite, written once for two targets: the namespace lab
 * (test/e2e/bgp-operator-speaker.test.ts — what `npm test` and CI run) and a kind cluster
 * (kind-e2e/bgp.kind.ts, where Docker exists). A target brings a cluster with the chart installed,
 * the operator and one speaker per node running with the chart's ServiceAccounts, and an FRR
 * router peering with every node (eBGP, AS 64512 nodes → 64513 router, ECMP); the suite applies
 * the MetalLB configuration and asserts, against the cluster and the router:
 *
 * - a LoadBalancer Service gets the pool's IP; every node's plan (written by the operator, with
 *   bgpPeers and bgpServices) is applied by its speaker with the session up (1/1); the router has
 *   the /32 with one ECMP next hop per node; one ServiceBGPStatus per node;
 * - a client behind the router gets an HTTP answer from a backend through the VIP;
 * - deleting the BGPAdvertisement withdraws the route at the router, empties bgpServices, drops the
 *   ServiceBGPStatus, and the Service keeps its IP.
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

const APP_NS = 'default';
const PORT = 8080;
const SERVICE = 'web';

const configYaml = (t: BgpTarget): string => `
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: e2e-pool, namespace: ${t.namespace}}
spec: {addresses: [${t.vip}/32]}
---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: {name: router, namespace: ${t.namespace}}
spec: {myASN: 64512, peerASN: 64513, peerAddress: ${t.routerV4}, holdTime: 3s, keepaliveTime: 1s, connectTime: 1s}
---
apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata: {name: e2e-adv, namespace: ${t.namespace}}
spec: {ipAddressPools: [e2e-pool]}
`;

/** Registers the suite on `start()`'s target (called in `before`, stopped in `after`). */
export function bgpServiceSuite(title: string, start: () => Promise<BgpTarget>): void {
  describe(title, () => {
    let t: BgpTarget | undefined;
    const target = (): BgpTarget => {
      assert.ok(t !== undefined, 'the target did not start');
      return t;
    };
    const custom = () => target().kubeConfig.makeApiClient(CustomObjectsApi);
    const plan = async (node: string): Promise<NodePlan> => (await custom().getNamespacedCustomObject({
      group: NODEPLAN.group, version: NODEPLAN.version, plural: NODEPLAN.plural, namespace: target().namespace, name: node,
    })) as NodePlan;
    const bgpStatuses = async (): Promise<ServiceBGPStatus[]> => ((await custom().listNamespacedCustomObject({
      group: SERVICEBGPSTATUS.group, version: SERVICEBGPSTATUS.version, plural: SERVICEBGPSTATUS.plural, namespace: target().namespace,
    })) as { items: ServiceBGPStatus[] }).items;
    const allNextHops = (): string => target().nodes.map((n) => n.v4).sort().join();

    before(async () => {
      t = await start();
      await applyYaml(t, configYaml(t));
    });
    after(async () => {
      await t?.stop();
    });

    test('a LoadBalancer Service: IP assigned, every plan applied, ECMP at the router, ServiceBGPStatus per node', async () => {
      const l = target();
      await l.startBackends(SERVICE, PORT);
      const core = l.kubeConfig.makeApiClient(CoreV1Api);
      await core.createNamespacedService({ namespace: APP_NS, body: {
        metadata: { name: SERVICE }, spec: { type: 'LoadBalancer', selector: { app: SERVICE }, ports: [{ port: PORT, protocol: 'TCP' }] },
      } });
      await eventually(`${SERVICE} gets the pool IP`, async () => (await core.readNamespacedService({ namespace: APP_NS, name: SERVICE })) as V1Service,
        (s) => s.status?.loadBalancer?.ingress?.[0]?.ip === l.vip);

      for (const { name } of l.nodes) {
        const p = await eventually(`${name}: plan applied, 1/1`, () => plan(name),
          (x) => x.status?.appliedSha256 !== undefined && x.status.appliedSha256 === x.spec.frr.sha256 && x.status.sessions === '1/1');
        assert.deepEqual(p.spec.bgpPeers, [{ name: 'router', neighbor: l.routerV4 }], `${name} bgpPeers`);
        assert.deepEqual(p.spec.bgpServices, [{ peers: ['router'], services: [`${APP_NS}/${SERVICE}`] }], `${name} bgpServices`);
        assert.equal(p.status?.result, 'Applied');
        assert.equal(p.metadata?.labels?.['app.kubernetes.io/managed-by'], 'metallb-ts-operator');
        assert.deepEqual(p.status?.peers?.map((x) => [x.name, x.neighbor, x.bgpState]), [['router', l.routerV4, 'Established']]);
      }
      await eventually('ECMP next hops for the VIP', () => l.routerNextHops(`${l.vip}/32`), (h) => h.join() === allNextHops());

      const list = await eventually(`one ServiceBGPStatus per node for ${APP_NS}/${SERVICE}`, bgpStatuses,
        (items) => items.length === l.nodes.length && items.every((s) => s.status?.peers !== undefined));
      assert.deepEqual(list.map((s) => s.status).sort((a, b) => ((a?.node ?? '') < (b?.node ?? '') ? -1 : 1)),
        l.nodes.map((n) => n.name).sort().map((node) => ({ node, serviceName: SERVICE, serviceNamespace: APP_NS, peers: ['router'] })));
    });

    test('a client behind the router gets an HTTP answer through the VIP', async () => {
      const l = target();
      await l.exposeVip(l.vip, PORT);
      // A new loopback address may change FRR's router-id and reset the sessions: wait for ECMP again.
      await eventually('ECMP next hops again', () => l.routerNextHops(`${l.vip}/32`), (h) => h.join() === allNextHops());
      const answers = await l.backendAnswers();
      const answer = await eventually('the outside client reaches the VIP', () => l.getFromOutside(`http://${l.vip}:${PORT}/`),
        (a) => a?.status === 200 && answers.includes(a.body.trim()), 20_000);
      console.log(`[bgp-service] outside → ${l.vip}:${PORT} answered by ${answer?.body.trim() ?? '?'}`);
    });

    test('deleting the BGPAdvertisement withdraws the route at the router, empties bgpServices and drops the ServiceBGPStatus', async () => {
      const l = target();
      const r = await l.kubectl(['delete', 'bgpadvertisements.metallb.io', 'e2e-adv', '-n', l.namespace]);
      assert.equal(r.exitCode, 0, r.stderr);
      await eventually('VIP withdrawn at the router', () => l.routerNextHops(`${l.vip}/32`), (h) => h.length === 0);
      for (const { name } of l.nodes) {
        await eventually(`${name} announces nothing`, () => plan(name), (p) => p.spec.bgpServices?.length === 0);
      }
      await eventually('the speakers delete their ServiceBGPStatus', async () => (await bgpStatuses()).length, (n) => n === 0);
      const svc = await l.kubeConfig.makeApiClient(CoreV1Api).readNamespacedService({ namespace: APP_NS, name: SERVICE });
      assert.equal(svc.status?.loadBalancer?.ingress?.[0]?.ip, l.vip, 'the IP stays with the Service');
    });

    test('the chart\'s RBAC refused none of the calls the operator and the speakers made', async () => {
      assert.deepEqual(await target().refusedCalls(), []);
    });
  });
}
