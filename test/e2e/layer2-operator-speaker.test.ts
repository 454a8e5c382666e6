/**
 * Layer 2 end to end (issue 10): a real apiserver with the Helm chart installed, the operator as a
 * child process, three lab nodes each running the speaker as a separate process (FRR beside it,
 * as the chart's default DaemonSet has it), all on TokenRequest tokens of the chart's own
 * ServiceAccounts, so everything runs under exactly the RBAC the chart grants. Only metallb.io CRs
 * and Services are written by the test; the operator writes each node's `spec.l2`, the speakers
 * find each other through the speaker Pods' IPs (METALLB_ML_LABELS), gossip with the key of the
 * `memberlist` Secret the operator creates, elect, answer ARP/NDP and report. A bare apiserver has
 * no kubelet, EndpointSlice controller or kube-proxy: Pods' status, EndpointSlices and the VIPs on
 * each node's `lo` with strict ARP (lab-kube-proxy.ts: the kernel never answers for them) are
 * written by hand. The client's kernel is the judge: arping, `ip neigh`, TCP. Proves, in order:
 * - the elected node (MetalLB's order: sha256(node#ip)) answers ARP for an IPv4 VIP, nobody else;
 *   TCP to the VIP reaches that node; an IPv6 VIP resolves in the client's `ip neigh` to its
 *   elected node; one ServiceL2Status per Service, for the announcing node only; a `nodeAssigned`
 *   event with MetalLB's text; the plan status says no address conflict; the Service reads
 *   Announced by that node and Reachable Unknown (layer 2: we cannot know it), and the real CLI's
 *   `explain` transcript equals test/fixtures/explain/e2e-healthy-l2.txt (the README's);
 * - silent death of the leader (SIGSTOP + all its frames dropped): the client's entry moves to the
 *   next node, which reports `nodeAssigned` and its ServiceL2Status; the old leader, resumed, takes
 *   the VIP back and the interim owner deletes its ServiceL2Status;
 * - a split brain between two of our own nodes: the leader's gossip cut from the others (nft
 *   drops port 7946 both ways, ARP still flows), so the leader keeps the VIP and the next node
 *   takes it over: both answer the client's arping, each sees the other's MAC claiming it and
 *   says so as for a foreign host (Warning on the Service, plan status condition, metric); once
 *   the partition heals exactly one node (the leader) announces, the other withdraws its
 *   ServiceL2Status, and both conditions and metrics clear;
 * - a foreign host (the router's kernel) already holding a pool address: the only eligible node
 *   (nodeSelectors) probes, finds it and does not announce; a Warning on the Service, the plan
 *   status condition and the `metallb_layer2_address_conflicts` metric say so; the operator turns
 *   that into Announced False AddressConflict naming the VIP and the foreign MAC, and explain
 *   (text and JSON) shows the conflict;
 * - an L2Advertisement's nodeSelectors keep out the node the hash order puts first, and its
 *   preferredNodeSelectors weight beats the hash order among the rest; `interfaces: [eth0]` is
 *   announced and listed in the ServiceL2Status, `interfaces: [eth9]` (no such interface) is not
 *   announced at all; ETP=Local is announced by the node with the serving endpoint (not the hash
 *   order's first) and follows the endpoint when it moves; two Services sharing an IP
 *   (`allow-shared-ip`) are announced from one node with a ServiceL2Status each;
 * - the chart's RBAC refused none of the binaries' calls.
 * Timings are printed, never asserted.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { after, before, describe, test } from 'node:test';
import { CoreV1Api, CustomObjectsApi, DiscoveryV1Api, EventsV1Api, type EventsV1Event, type V1EndpointSlice } from '@kubernetes/client-node';
import { SERVICEL2STATUS, type NodePlan, type ServiceL2Status } from '@metallb-ts/lib/api/types.generated.ts';
import { rankCandidates } from '@metallb-ts/speaker/layer2/core/election.ts';
import { eventually, PLAN_NS } from '../harness/bgp-speaker-lab.ts';
import { addKubeProxyVips, startWhoAmIServer, tcpWhoAmI } from '../harness/lab-kube-proxy.ts';
import { healGossip, partitionGossip } from '../harness/gossip-partition.ts';
import { GOSSIP_PORT, msUntilNeighborMac } from '../harness/l2-node.ts';
import type { HostRole } from '../harness/lab.ts';
import { runOk, signal } from '../harness/netns.ts';
import { NetnsBgpTarget } from '../harness/netns-bgp-target.ts';
import { applyYaml } from '../harness/operator.ts';
import { explainCli, explainJson } from '../harness/explain-cli.ts';

const NODES = 3;
const APP_NS = 'default';
const PORT = 8080;
const VIP4 = '192.0.2.210';
const VIP6 = '2001:db8:0:1::210';
const FOREIGN4 = '192.0.2.220';
const GOLDEN = join(import.meta.dirname, '..', 'fixtures', 'explain', 'e2e-healthy-l2.txt');
const UPDATE = process.env['METALLB_TS_UPDATE_GOLDEN'] === '1';

/** A Service condition as the apiserver stores it. */
interface Cond {
  readonly type: string;
  readonly status: string;
  readonly reason: string;
  readonly message: string;
}

const CONFIG = `
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: l2-pool, namespace: ${PLAN_NS}}
spec: {addresses: [192.0.2.208/29, "2001:db8:0:1::210/125"]}
---
apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata: {name: l2-adv, namespace: ${PLAN_NS}}
spec: {ipAddressPools: [l2-pool]}
---
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: foreign-pool, namespace: ${PLAN_NS}}
spec: {addresses: [${FOREIGN4}/32], autoAssign: false}
---
apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata: {name: foreign-adv, namespace: ${PLAN_NS}}
spec: {ipAddressPools: [foreign-pool], nodeSelectors: [{matchLabels: {kubernetes.io/hostname: node-0}}]}
`;

describe('layer 2: operator + speakers on the chart\'s tokens → spec.l2 → gossip, election, ARP/NDP, reports', { timeout: 300_000 }, () => {
  let t: NetnsBgpTarget;
  const servers: Array<{ stop(): Promise<void> }> = [];
  const lab = () => t.lab.lab;
  const nodes = (): HostRole[] => [...lab().nodes];
  const mac = (role: HostRole): string => lab().addr(role).mac.toLowerCase();
  const order = (ip: string): HostRole[] => rankCandidates(nodes().map((name) => ({ name })), ip) as HostRole[];
  const speakerOf = (role: HostRole) => t.lab.speakers[nodes().indexOf(role)]!;

  const arpingMacs = async (ip: string): Promise<string[]> => {
    const r = await lab().exec('client', 'arping', ['-c', '2', '-w', '3', '-I', lab().addr('client').iface, ip]);
    return [...new Set([...r.stdout.matchAll(/\[([0-9A-F:]{17})\]/gi)].map((m) => m[1]!.toLowerCase()))].sort();
  };
  const events = async (service: string): Promise<EventsV1Event[]> =>
    (await t.kubeConfig.makeApiClient(EventsV1Api).listNamespacedEvent({ namespace: APP_NS })).items.filter((e) => e.regarding?.name === service);
  const l2Statuses = async (): Promise<Array<{ node: string; service: string; interfaces?: string[] }>> => {
    const l = (await t.kubeConfig.makeApiClient(CustomObjectsApi).listNamespacedCustomObject({
      group: SERVICEL2STATUS.group, version: SERVICEL2STATUS.version, plural: SERVICEL2STATUS.plural, namespace: PLAN_NS,
    })) as { items: ServiceL2Status[] };
    return l.items.map((s) => ({
      node: s.status?.node ?? '', service: `${s.status?.serviceNamespace ?? ''}/${s.status?.serviceName ?? ''}`,
      ...(s.status?.interfaces === undefined ? {} : { interfaces: s.status.interfaces.map((i) => i.name ?? '') }),
    }))
      .sort((a, b) => `${a.service} ${a.node}`.localeCompare(`${b.service} ${b.node}`));
  };
  const conflictCondition = (p: NodePlan) => p.status?.conditions?.find((c) => c.type === 'Layer2AddressConflict');
  const nodeAssigned = (node: string) => `announcing from node "${node}" with protocol "layer2"`;
  const conditionOf = async (name: string, type: string): Promise<Cond | undefined> =>
    ((await t.kubeConfig.makeApiClient(CoreV1Api).readNamespacedService({ namespace: APP_NS, name })).status?.conditions as unknown as Cond[] | undefined)
      ?.find((c) => c.type === `metallb.io/${type}`);
  /** The real CLI with the admin kubeconfig, as a user runs it. */
  const explain = (name: string) => explainCli(t.lab.cp.kubeconfigPath, 'service', `${APP_NS}/${name}`);

  /** An EndpointSlice of Service `name` with one ready endpoint on each of `on`. */
  const sliceFor = (name: string, on: readonly HostRole[]): V1EndpointSlice => ({
    metadata: { name: `${name}-1`, labels: { 'kubernetes.io/service-name': name } }, addressType: 'IPv4', ports: [{ port: PORT, protocol: 'TCP' }],
    endpoints: on.map((n) => ({ addresses: [lab().addr(n).v4], nodeName: n, conditions: { ready: true, serving: true } })),
  });
  /** A LoadBalancer Service asking for `ip`, with a ready endpoint on every node (or on `o.endpoints`). */
  const createService = async (name: string, ip: string, o: { pool?: string; local?: boolean; share?: string; port?: number; endpoints?: HostRole[] } = {}): Promise<void> => {
    await t.kubeConfig.makeApiClient(CoreV1Api).createNamespacedService({ namespace: APP_NS, body: {
      metadata: { name, annotations: {
        'metallb.io/loadBalancerIPs': ip, ...(o.pool === undefined ? {} : { 'metallb.io/address-pool': o.pool }),
        ...(o.share === undefined ? {} : { 'metallb.io/allow-shared-ip': o.share }),
      } },
      spec: {
        type: 'LoadBalancer', selector: { app: name }, ports: [{ port: o.port ?? PORT, protocol: 'TCP' }],
        ...(ip.includes(':') ? { ipFamilies: ['IPv6'], ipFamilyPolicy: 'SingleStack' } : {}),
        ...(o.local === true ? { externalTrafficPolicy: 'Local' } : {}),
      },
    } });
    await t.kubeConfig.makeApiClient(DiscoveryV1Api).createNamespacedEndpointSlice({ namespace: APP_NS, body: sliceFor(name, o.endpoints ?? nodes()) });
  };
  const statusesOf = async (service: string) => (await l2Statuses()).filter((x) => x.service === `default/${service}`);

  before(async () => {
    t = await NetnsBgpTarget.start({ nodes: NODES, layer2: true });
    // The foreign host: the router's kernel really owns this pool address.
    await runOk('ip', ['-n', lab().ns('router'), 'addr', 'add', `${FOREIGN4}/32`, 'dev', 'eth0']);
    for (const n of nodes()) {
      await addKubeProxyVips(lab(), n, [VIP4, VIP6]);
      servers.push(await startWhoAmIServer(lab(), n, PORT));
    }
    // The speakers start before the operator has created the memberlist Secret and each waits
    // for it with its own backoff: the Services come once all three gossip, so the first
    // election is made with every node alive (before that, an early node rightly holds a VIP).
    for (const s of t.lab.speakers) {
      await eventually('every speaker sees three alive members', () => s.metrics(), (m) => /^metallb_gossip_members\{status="alive"\} 3$/m.test(m), 60_000);
    }
    await applyYaml(t, CONFIG);
    await createService('web', VIP4);
    await createService('web6', VIP6);
  });

  after(async () => {
    for (const n of nodes()) {
      await lab().restoreTraffic(n).catch(() => undefined);
      await healGossip(lab(), n).catch(() => undefined);
      const s = t?.lab.speakers[nodes().indexOf(n)];
      if (s !== undefined) signal(s.pid, 'SIGCONT');
    }
    await Promise.all(servers.map((s) => s.stop()));
    await t?.stop();
  });

  test('the elected node answers ARP/NDP for the VIPs, TCP reaches it; ServiceL2Status, nodeAssigned and the plan status say so', async () => {
    const leader = order(VIP4)[0]!;
    await eventually(`only ${leader} answers ARP for ${VIP4}`, () => arpingMacs(VIP4), (m) => m.join() === mac(leader), 60_000);
    assert.equal(await tcpWhoAmI(lab(), 'client', VIP4, PORT), leader, 'TCP to the VIP reaches the elected node');
    const leader6 = order(VIP6)[0]!;
    const n6 = await eventually(`the client resolves ${VIP6} to ${leader6}`, () => lab().resolveNeighbor('client', VIP6), (e) => e?.mac === mac(leader6));
    assert.equal(n6?.mac, mac(leader6));
    assert.equal(await tcpWhoAmI(lab(), 'client', VIP6, PORT), leader6, 'TCP to the IPv6 VIP reaches its elected node');

    await eventually('one ServiceL2Status per Service, for its announcing node only', () => l2Statuses(),
      (s) => JSON.stringify(s) === JSON.stringify([{ node: leader, service: 'default/web' }, { node: leader6, service: 'default/web6' }]));
    const assigned = await eventually('nodeAssigned on web', () => events('web'), (es) => es.some((e) => e.reason === 'nodeAssigned'));
    assert.deepEqual(assigned.filter((e) => e.reason === 'nodeAssigned').map((e) => [e.type, e.note, e.reportingController]),
      [['Normal', nodeAssigned(leader), 'metallb.io/speaker']]);
    const plan = await eventually(`${leader}'s plan status: no address conflict`, () => t.plan(leader), (p) => conflictCondition(p) !== undefined);
    assert.deepEqual([conflictCondition(plan)?.status, conflictCondition(plan)?.reason], ['False', 'NoConflict']);
    assert.equal(plan.status?.conditions?.find((c) => c.type === 'Applied')?.status, 'True', 'the BGP side keeps its own conditions');

    // The conditions and explain, from what the speakers really reported.
    const announced = await eventually('web: Announced by the leader (layer 2)', () => conditionOf('web', 'Announced'), (c) => c?.reason === 'Announced');
    assert.equal(announced?.message, `announced by node ${leader} (layer 2)`);
    const reachable = await conditionOf('web', 'Reachable');
    assert.deepEqual([reachable?.status, reachable?.reason], ['Unknown', 'Layer2Only']);
    assert.match(reachable?.message ?? '', /we cannot know it for layer 2/);
    const r = await explain('web');
    assert.equal(r.code, 0, `${r.stdout}${r.stderr}`);
    assert.ok(r.stdout.includes(`layer-2 announcer (ServiceL2Status): ${leader}`), r.stdout);
    for (const n of nodes()) assert.match(r.stdout, new RegExp(`${n} +L2 +eligible`));
    assert.match(r.stdout, /3\. Reachability: UNKNOWN Layer2Only: /);
    const golden = r.stdout.endsWith('\n') ? r.stdout : `${r.stdout}\n`;
    if (UPDATE) writeFileSync(GOLDEN, golden);
    assert.equal(golden, readFileSync(GOLDEN, 'utf8'), `${GOLDEN} differs (METALLB_TS_UPDATE_GOLDEN=1 rewrites it)`);
  });

  test('silent leader death (SIGSTOP + frames dropped): the client follows the next node, which reports nodeAssigned; the leader takes it back', async () => {
    const [leader, next] = order(VIP4) as [HostRole, HostRole];
    assert.equal((await lab().resolveNeighbor('client', VIP4))?.mac, mac(leader));
    const t0 = performance.now();
    signal(speakerOf(leader).pid, 'SIGSTOP');
    await lab().dropTraffic(leader);
    const ms = await msUntilNeighborMac(lab(), 'client', VIP4, mac(next), t0, 20_000);
    console.log(`failover ${leader} -> ${next}: ${ms?.toFixed(0)} ms`);
    assert.notEqual(ms, undefined, `the client never resolved ${VIP4} to ${next}`);
    assert.equal(await tcpWhoAmI(lab(), 'client', VIP4, PORT), next);
    const es = await eventually('nodeAssigned from the new leader', () => events('web'), (x) => x.some((e) => e.note === nodeAssigned(next)));
    assert.equal(es.filter((e) => e.reason === 'nodeAssigned' && e.note === nodeAssigned(next)).length, 1);
    await eventually(`${next} has a ServiceL2Status for web`, () => l2Statuses(), (s) => s.some((x) => x.node === next && x.service === 'default/web'));

    await lab().restoreTraffic(leader);
    signal(speakerOf(leader).pid, 'SIGCONT');
    await eventually(`${leader} back: the client resolves ${VIP4} to it again`, () => lab().resolveNeighbor('client', VIP4), (e) => e?.mac === mac(leader), 30_000);
    await eventually(`${next} deleted its ServiceL2Status for web`, () => l2Statuses(),
      (s) => s.filter((x) => x.service === 'default/web').map((x) => x.node).join() === leader, 30_000);
  });

  test('split brain between two of our nodes (gossip partitioned): both claim the VIP, both report the conflict; healed, exactly one announces and the reports clear', async () => {
    const [leader, next] = order(VIP4) as [HostRole, HostRole];
    const others = nodes().filter((n) => n !== leader);
    await eventually(`the client resolves ${VIP4} to ${leader}`, () => lab().resolveNeighbor('client', VIP4), (e) => e?.mac === mac(leader), 30_000);
    const conflictsMetric = async (role: HostRole): Promise<string | undefined> =>
      /^metallb_layer2_address_conflicts (\d+)$/m.exec(await speakerOf(role).metrics())?.[1];
    const warningsFrom = (es: EventsV1Event[], node: HostRole, other: HostRole): EventsV1Event[] => es.filter((e) => e.type === 'Warning' && e.reason === 'addressConflict' &&
      e.note === `${VIP4} is also claimed by ${mac(other)} on eth0; seen while announcing from node ${JSON.stringify(node)}`);
    const t0 = performance.now();
    await partitionGossip(lab(), leader, others, GOSSIP_PORT);
    try {
      await eventually('both sides answer the client\'s arping (split brain on the wire)', () => arpingMacs(VIP4),
        (m) => m.join() === [mac(leader), mac(next)].sort().join(), 60_000);
      const es = await eventually('a Warning from each side naming the other\'s MAC', () => events('web'),
        (x) => warningsFrom(x, leader, next).length > 0 && warningsFrom(x, next, leader).length > 0, 60_000);
      console.log(`split brain ${leader} | ${next}: both report it ${(performance.now() - t0).toFixed(0)} ms after the cut`);
      assert.ok(!es.some((e) => e.type === 'Warning' && e.reason === 'addressConflict' && e.note?.startsWith(`${VIP4} `) === true &&
        !e.note.includes(mac(leader)) && !e.note.includes(mac(next))), 'no other MAC claims it');
      for (const [role, other] of [[leader, next], [next, leader]] as const) {
        const plan = await eventually(`${role}'s plan status: conflict with ${other}`, () => t.plan(role),
          (p) => conflictCondition(p)?.status === 'True' && (conflictCondition(p)?.message ?? '').includes(`${VIP4} is also claimed by ${mac(other)}`), 60_000);
        assert.equal(conflictCondition(plan)?.reason, 'AddressInUse');
        assert.match(conflictCondition(plan)?.message ?? '', /while announcing/);
        assert.ok(Number(await conflictsMetric(role)) >= 1, `${role}: metallb_layer2_address_conflicts ${String(await conflictsMetric(role))}`);
      }
    } finally {
      await healGossip(lab(), leader);
    }
    const healed = performance.now();
    await eventually(`healed: only ${leader} answers for ${VIP4}`, () => arpingMacs(VIP4), (m) => m.join() === mac(leader), 90_000);
    await eventually(`healed: web's ServiceL2Status on ${leader} only`, () => statusesOf('web'), (x) => x.map((y) => y.node).join() === leader, 90_000);
    for (const role of [leader, next]) {
      await eventually(`healed: ${role}'s plan status has no conflict`, () => t.plan(role), (p) => conflictCondition(p)?.status === 'False', 90_000);
      assert.equal(await conflictsMetric(role), '0', `${role}: metallb_layer2_address_conflicts`);
    }
    console.log(`split brain healed: one announcer and no conflict ${(performance.now() - healed).toFixed(0)} ms after the partition was removed`);
    assert.equal((await lab().resolveNeighbor('client', VIP4))?.mac, mac(leader));
    assert.equal(await tcpWhoAmI(lab(), 'client', VIP4, PORT), leader);
  });

  test('a foreign host already holding a pool address: not announced; Warning, plan status condition and metric say so', async () => {
    await createService('foreign', FOREIGN4, { pool: 'foreign-pool' });
    const warn = await eventually('a Warning on the Service', () => events('foreign'), (es) => es.some((e) => e.type === 'Warning'), 60_000);
    const w = warn.find((e) => e.type === 'Warning')!;
    assert.equal(w.reason, 'addressConflict');
    assert.match(w.note ?? '', new RegExp(`^${FOREIGN4.replaceAll('.', '\\.')} is also claimed by ${mac('router')} on eth0; not announced from node "node-0"`));
    const plan = await eventually('node-0 plan status: conflict', () => t.plan('node-0'), (p) => conflictCondition(p)?.status === 'True');
    assert.equal(conflictCondition(plan)?.reason, 'AddressInUse');
    assert.match(conflictCondition(plan)?.message ?? '', new RegExp(`${FOREIGN4.replaceAll('.', '\\.')} is also claimed by ${mac('router')}`));
    const metrics = await speakerOf('node-0').metrics();
    assert.match(metrics, /^metallb_layer2_address_conflicts 1$/m, metrics.split('\n').filter((l) => l.includes('conflict')).join('\n'));
    assert.deepEqual(await arpingMacs(FOREIGN4), [mac('router')], 'only the foreign host answers');
    assert.ok(!(await l2Statuses()).some((s) => s.service === 'default/foreign'), 'no ServiceL2Status for a VIP not announced');

    // The operator turns node-0's report into the Service's Announced condition, and explain shows it.
    const c = await eventually('foreign: Announced=False AddressConflict', () => conditionOf('foreign', 'Announced'), (x) => x?.reason === 'AddressConflict');
    assert.equal(c?.status, 'False');
    assert.ok(c?.message.includes(`${FOREIGN4} is also claimed by MAC ${mac('router')} on eth0 (seen by node node-0, not announced)`), c?.message);
    assert.match(c?.message ?? '', /free it there, or take it out of IPAddressPool foreign-pool/);
    const r = await explain('foreign');
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stdout, /2\. Announcement: FAILED AddressConflict: /);
    assert.ok(r.stdout.includes(`address conflict: ${FOREIGN4} is also claimed by MAC ${mac('router')} on eth0 (seen by node node-0, not announced)`), r.stdout);
    const doc = await explainJson<{ announce: { conflicts: Array<{ ip: string; mac: string; node: string }> } }>(t.lab.cp.kubeconfigPath, 'service', `${APP_NS}/foreign`);
    assert.deepEqual(doc.announce.conflicts.map((x) => [x.ip, x.mac, x.node]), [[FOREIGN4, mac('router'), 'node-0']]);
  });

  test('nodeSelectors and preferredNodeSelectors: the excluded node stays out, the preferred one wins over the hash order', async () => {
    // An address the hash order gives to node-0, so that excluding node-0 matters.
    const ip = ['230', '231', '232', '233', '234', '235'].map((x) => `192.0.2.${x}`).find((a) => order(a)[0] === 'node-0')!;
    const rest = order(ip).filter((n) => n !== 'node-0');
    const preferred = rest[1]!; // second of the rest by hash: only its weight can make it win
    await applyYaml(t, `
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: sel-pool, namespace: ${PLAN_NS}}
spec: {addresses: [${ip}/32], autoAssign: false}
---
apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata: {name: sel-adv, namespace: ${PLAN_NS}}
spec:
  ipAddressPools: [sel-pool]
  nodeSelectors: [{matchExpressions: [{key: kubernetes.io/hostname, operator: In, values: [node-1, node-2]}]}]
  preferredNodeSelectors: [{weight: 50, preference: {matchLabels: {kubernetes.io/hostname: ${preferred}}}}]
`);
    await createService('sel', ip, { pool: 'sel-pool' });
    await eventually(`only ${preferred} answers for ${ip}`, () => arpingMacs(ip), (m) => m.join() === mac(preferred), 30_000);
    assert.deepEqual((await statusesOf('sel')).map((x) => x.node), [preferred]);
  });

  test('interfaces: [eth0] is announced and listed in the ServiceL2Status; [eth9] (absent) is not announced', async () => {
    await applyYaml(t, `
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: if-pool, namespace: ${PLAN_NS}}
spec: {addresses: [192.0.2.236/32], autoAssign: false}
---
apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata: {name: if-adv, namespace: ${PLAN_NS}}
spec: {ipAddressPools: [if-pool], interfaces: [eth0]}
---
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: noif-pool, namespace: ${PLAN_NS}}
spec: {addresses: [192.0.2.237/32], autoAssign: false}
---
apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata: {name: noif-adv, namespace: ${PLAN_NS}}
spec: {ipAddressPools: [noif-pool], interfaces: [eth9]}
`);
    await createService('ifs', '192.0.2.236', { pool: 'if-pool' });
    await createService('noifs', '192.0.2.237', { pool: 'noif-pool' });
    const owner = order('192.0.2.236')[0]!;
    await eventually(`${owner} answers for 192.0.2.236`, () => arpingMacs('192.0.2.236'), (m) => m.join() === mac(owner), 30_000);
    assert.deepEqual(await statusesOf('ifs'), [{ node: owner, service: 'default/ifs', interfaces: ['eth0'] }]);
    const p = await eventually('the plans carry 192.0.2.237 (eligible, on eth9)', () => t.plan(order('192.0.2.237')[0]!),
      (x) => (x.spec.l2?.vips ?? []).some((v) => v.ip === '192.0.2.237'));
    assert.ok(p.spec.l2?.interfaceSets?.some((s) => s.join() === 'eth9'), JSON.stringify(p.spec.l2));
    assert.deepEqual(await arpingMacs('192.0.2.237'), [], 'nobody answers on an interface no node has');
    assert.deepEqual(await statusesOf('noifs'), []);
  });

  test('ETP=Local: the node with the serving endpoint announces, not the hash order\'s first; the announcement follows the endpoint', async () => {
    const ip = '192.0.2.211';
    const [, second, third] = order(ip) as [HostRole, HostRole, HostRole];
    for (const n of nodes()) await addKubeProxyVips(lab(), n, [ip]);
    await createService('local', ip, { local: true, endpoints: [second] });
    await eventually(`only ${second} answers for ${ip}`, () => arpingMacs(ip), (m) => m.join() === mac(second), 30_000);
    assert.equal(await tcpWhoAmI(lab(), 'client', ip, PORT), second);
    assert.equal((await lab().resolveNeighbor('client', ip))?.mac, mac(second));
    await t.kubeConfig.makeApiClient(DiscoveryV1Api).replaceNamespacedEndpointSlice({ namespace: APP_NS, name: 'local-1', body: sliceFor('local', [third]) });
    const ms = await msUntilNeighborMac(lab(), 'client', ip, mac(third), performance.now(), 30_000);
    assert.notEqual(ms, undefined, `the client's entry for ${ip} never moved to ${third}`);
    assert.equal(await tcpWhoAmI(lab(), 'client', ip, PORT), third);
    await eventually('the ServiceL2Status moved too', () => statusesOf('local'), (x) => x.map((y) => y.node).join() === third);
  });

  test('shared IP (allow-shared-ip): both Services are announced from the same node', async () => {
    const ip = '192.0.2.212';
    await createService('share-a', ip, { share: 'k1' });
    await createService('share-b', ip, { share: 'k1', port: PORT + 1 });
    const owner = order(ip)[0]!;
    await eventually(`only ${owner} answers for ${ip}`, () => arpingMacs(ip), (m) => m.join() === mac(owner), 30_000);
    await eventually('a ServiceL2Status for each, on the one node', async () => [...await statusesOf('share-a'), ...await statusesOf('share-b')],
      (x) => JSON.stringify(x.map((y) => [y.service, y.node])) === JSON.stringify([['default/share-a', owner], ['default/share-b', owner]]));
  });

  test('the chart\'s RBAC refused none of the binaries\' calls', async () => {
    assert.deepEqual(await t.refusedCalls(), []);
  });
});
