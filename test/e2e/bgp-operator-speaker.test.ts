/**
 * Operator and speakers together, end to end: a real apiserver, the operator as a child process
 * on the root namespace, two lab nodes each running FRR and the speaker as a separate process
 * inside the node's namespace, and a router (FRR, eBGP, ECMP). Nodes and EndpointSlices are
 * created by hand (a bare apiserver has no kubelet and no EndpointSlice controller). From
 * IPAddressPool + BGPPeer + BGPAdvertisement and a LoadBalancer Service: the Service gets an IP,
 * both nodes' plans (written by the operator, with bgpPeers and bgpServices) are applied, the
 * router has the /32 with ECMP next hops = both nodes, each plan's status says applied = wanted
 * and sessions 1/1, one ServiceBGPStatus per node; a client behind the router gets a TCP answer
 * through the VIP; deleting the BGPAdvertisement withdraws the route at the router and the
 * speakers drop their ServiceBGPStatus.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CoreV1Api, CustomObjectsApi, DiscoveryV1Api, type V1Service } from '@kubernetes/client-node';
import { SERVICEBGPSTATUS, type NodePlan, type ServiceBGPStatus } from '@metallb-ts/lib/api/types.generated.ts';
import { BgpSpeakerLab, eventually, PLAN_NS, ROUTER4 } from '../harness/bgp-speaker-lab.ts';
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
spec: {myASN: 64512, peerASN: 64513, peerAddress: ${ROUTER4}, holdTime: 3s, keepaliveTime: 1s, connectTime: 1s}
`;
const ADVERTISEMENT = `
apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata: {name: e2e-adv, namespace: ${PLAN_NS}}
spec: {ipAddressPools: [e2e-pool]}
`;


describe('operator + speakers: BGPPeer/BGPAdvertisement/Service → NodePlans → FRR → router', () => {
  let l: BgpSpeakerLab;
  let op: OperatorProcess | undefined;
  let server: { stop(): Promise<void> }[] = [];

  before(async () => {
    l = await BgpSpeakerLab.start({ nodes: NODES.length });
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

  test('deleting the BGPAdvertisement withdraws the route at the router, empties bgpServices and drops the ServiceBGPStatus', async () => {
    const r = await l.cp.kubectl(['delete', 'bgpadvertisements.metallb.io', 'e2e-adv', '-n', PLAN_NS]);
    assert.equal(r.exitCode, 0, r.stderr);
    await eventually('VIP withdrawn at the router', () => l.nextHops(`${VIP}/32`), (h) => h.length === 0);
    const plans: NodePlan[] = await Promise.all(NODES.map((_, i) => l.plan(i)));
    for (const p of plans) assert.deepEqual(p.spec.bgpServices, [], `${p.metadata?.name} announces nothing`);
    const api = l.cp.kubeConfig.makeApiClient(CustomObjectsApi);
    await eventually('the speakers delete their ServiceBGPStatus', async () => ((await api.listNamespacedCustomObject({
      group: SERVICEBGPSTATUS.group, version: SERVICEBGPSTATUS.version, plural: SERVICEBGPSTATUS.plural, namespace: PLAN_NS,
    })) as { items: ServiceBGPStatus[] }).items.length, (n) => n === 0);
    const svc = await l.cp.kubeConfig.makeApiClient(CoreV1Api).readNamespacedService({ namespace: APP_NS, name: 'web' });
    assert.equal(svc.status?.loadBalancer?.ingress?.[0]?.ip, VIP, 'the IP stays with the Service');
  });
});
