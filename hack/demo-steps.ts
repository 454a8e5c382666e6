/**
 * What the demo (hack/demo.ts) does between "the lab runs" and "print": it applies the sample
 * configuration and Services from charts/metallb-ts/samples with kubectl as a user would, plays
 * the parts a bare apiserver lacks (kubelet's Pods are the harness's; here the EndpointSlices,
 * an HTTP server per node and kube-proxy's VIPs on each node's `lo` with strict ARP), and waits,
 * each wait bounded and announced first, until both Services are really reachable: over BGP from
 * the client behind the router, over layer 2 from the client on the LAN.
 */
import { join } from 'node:path';
import { CoreV1Api, CustomObjectsApi, EventsV1Api, type EventsV1Event, type V1Service } from '@kubernetes/client-node';
import { IPADDRESSPOOL, SERVICEBGPSTATUS, SERVICEL2STATUS, type IPAddressPool, type ServiceBGPStatus, type ServiceL2Status } from '@metallb-ts/lib/api/types.generated.ts';
import { eventually, PLAN_NS } from '@metallb-ts/test/harness/bgp-speaker-lab.ts';
import { httpGet } from '@metallb-ts/test/harness/lab-kube-proxy.ts';
import type { HostRole } from '@metallb-ts/test/harness/lab.ts';
import type { NetnsBgpTarget } from '@metallb-ts/test/harness/netns-bgp-target.ts';

/** The sample manifests a user can read and reuse (the chart's NOTES.txt points at them). */
export const SAMPLES = join(import.meta.dirname, '..', 'charts', 'metallb-ts', 'samples');
/** Namespace of the sample Services. */
export const APP_NS = 'default';
/** The port the sample Services and the nodes' HTTP servers use. */
export const PORT = 80;
/** The name of that port in samples/services.yaml. */
const PORT_NAME = 'http';
/** The sample Services (samples/services.yaml) and how each is announced. */
export const SERVICES = { bgp: 'web-bgp', l2: 'web-l2' } as const;
/** The sample pools (samples/bgp.yaml, samples/layer2.yaml). */
export const POOLS = ['demo-bgp', 'demo-l2'] as const;

/** Prints one progress line: what is being started or waited for. */
export type Progress = (what: string) => void;

/** An HTTP answer through a VIP. */
export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
}

/** What the waits established, for the printout. */
export interface DemoState {
  readonly bgpVip: string;
  readonly l2Vip: string;
  /** The node that answers ARP for the layer-2 VIP (its ServiceL2Status). */
  readonly l2Node: string;
  /** The MAC the LAN client's kernel resolved the layer-2 VIP to. */
  readonly l2Mac: string;
  readonly viaBgp: HttpAnswer;
  readonly viaL2: HttpAnswer;
}

/** `kubectl apply -f <samples>/<file>`; its output lines, or a thrown error with kubectl's. */
async function applySample(t: NetnsBgpTarget, file: string, progress: Progress): Promise<void> {
  const path = join(SAMPLES, file);
  progress(`kubectl apply -f ${path}`);
  const r = await t.kubectl(['apply', '-f', path]);
  if (r.exitCode !== 0) throw new Error(`kubectl apply -f ${path} failed (${String(r.exitCode)}): ${r.stderr}`);
  for (const line of r.stdout.trim().split('\n')) progress(`  ${line}`);
}

/** Waits until every speaker gossips with all of them, so the first layer-2 election sees every node. */
async function waitForGossip(t: NetnsBgpTarget, progress: Progress): Promise<void> {
  const n = t.lab.speakers.length;
  progress(`waiting for the ${String(n)} speakers to find each other (memberlist gossip, seeds from the speaker Pods) — ${String(n)} alive members each`);
  const alive = new RegExp(`^metallb_gossip_members\\{status="alive"\\} ${String(n)}$`, 'm');
  for (const [i, s] of t.lab.speakers.entries()) {
    await eventually(`the speaker on ${t.nodes[i]?.name ?? '?'} sees ${String(n)} alive members (metallb_gossip_members)`, () => s.metrics(), (m) => alive.test(m), 60_000);
  }
}

/** Applies the samples, plays EndpointSlice controller and kube-proxy; returns each Service's IP. */
export async function createSampleServices(t: NetnsBgpTarget, progress: Progress): Promise<{ bgpVip: string; l2Vip: string }> {
  await waitForGossip(t, progress);
  progress('applying the sample configuration: IPAddressPool, BFDProfile, BGPPeer and BGPAdvertisement for BGP; IPAddressPool and L2Advertisement for layer 2');
  await applySample(t, 'bgp.yaml', progress);
  await applySample(t, 'layer2.yaml', progress);
  progress(`starting an HTTP server on :${String(PORT)} in every node's namespace (the Services' pods) and writing their EndpointSlices (no EndpointSlice controller here)`);
  await t.startServers(PORT);
  for (const name of Object.values(SERVICES)) await t.createEndpointSlice(name, PORT, { namespace: APP_NS, portName: PORT_NAME });
  await applySample(t, 'services.yaml', progress);
  const core = t.kubeConfig.makeApiClient(CoreV1Api);
  const ipOf = async (name: string): Promise<string> => {
    progress(`waiting for the operator to assign ${name} an IP (status.loadBalancer.ingress)`);
    const svc = await eventually(`${name} gets an IP from the operator`, async () => (await core.readNamespacedService({ namespace: APP_NS, name })) as V1Service,
      (x) => x.status?.loadBalancer?.ingress?.[0]?.ip !== undefined, 60_000);
    const ip = svc.status?.loadBalancer?.ingress?.[0]?.ip ?? '';
    progress(`kube-proxy's part for ${name}: ${ip} on every node's lo, strict ARP (arp_ignore=1, arp_announce=2) so only the speaker answers ARP for it`);
    await t.exposeVip(ip);
    return ip;
  };
  return { bgpVip: await ipOf(SERVICES.bgp), l2Vip: await ipOf(SERVICES.l2) };
}

/** The status objects of `plural` in the plan namespace, for Service `name`. */
async function statusesFor<T extends ServiceBGPStatus | ServiceL2Status>(t: NetnsBgpTarget, plural: string, group: string, version: string, name: string): Promise<T[]> {
  const l = (await t.kubeConfig.makeApiClient(CustomObjectsApi).listNamespacedCustomObject({ group, version, plural, namespace: PLAN_NS })) as { items: T[] };
  return l.items.filter((s) => s.status?.serviceName === name && s.status.serviceNamespace === APP_NS);
}

/** Events about Service `name`. */
export async function eventsOf(t: NetnsBgpTarget, name: string): Promise<EventsV1Event[]> {
  return (await t.kubeConfig.makeApiClient(EventsV1Api).listNamespacedEvent({ namespace: APP_NS })).items.filter((e) => e.regarding?.name === name);
}

/** Waits until the router has one ECMP next hop per node for the BGP VIP and HTTP through it answers. */
async function waitForBgp(t: NetnsBgpTarget, vip: string, progress: Progress): Promise<HttpAnswer> {
  const nodes = t.nodes.map((n) => n.v4).sort();
  progress(`waiting for the speakers to apply their NodePlans and the router to install ${vip}/32 via ${nodes.join(' and ')} (ECMP)`);
  await eventually(`the router's ECMP next hops for ${vip}/32 are ${nodes.join(', ')}`, () => t.routerNextHops(`${vip}/32`), (h) => h.join() === nodes.join(), 60_000);
  progress('waiting for every speaker to report its BGP session Established and BFD up in its NodePlan status, and a ServiceBGPStatus');
  for (const node of t.nodes) {
    await eventually(`${node.name} reports its session Established and BFD up`, () => t.plan(node.name),
      (p) => p.status?.peers?.length === 1 && p.status.peers.every((x) => x.bgpState === 'Established' && x.bfdState === 'up'), 60_000);
  }
  await eventually(`a ServiceBGPStatus for ${SERVICES.bgp} from each node`,
    () => statusesFor<ServiceBGPStatus>(t, SERVICEBGPSTATUS.plural, SERVICEBGPSTATUS.group, SERVICEBGPSTATUS.version, SERVICES.bgp),
    (s) => s.map((x) => x.status?.node).sort().join() === t.nodes.map((n) => n.name).sort().join(), 60_000);
  progress(`waiting for an HTTP answer through ${vip} from the client behind the router`);
  const r = await eventually(`HTTP 200 through ${vip} from the client behind the router`, () => httpGet(t.lab.lab, 'ext', `http://${vip}/`), (x) => x?.status === 200, 30_000);
  return r ?? { status: 0, body: '' };
}

/** Waits until one node announces the layer-2 VIP (ServiceL2Status, nodeAssigned) and HTTP from the LAN answers. */
async function waitForLayer2(t: NetnsBgpTarget, vip: string, progress: Progress): Promise<{ node: string; mac: string; answer: HttpAnswer }> {
  progress(`waiting for the elected speaker to announce ${vip} (a ServiceL2Status for ${SERVICES.l2}, a nodeAssigned event)`);
  const st = await eventually(`one ServiceL2Status for ${SERVICES.l2}`,
    () => statusesFor<ServiceL2Status>(t, SERVICEL2STATUS.plural, SERVICEL2STATUS.group, SERVICEL2STATUS.version, SERVICES.l2), (s) => s.length === 1, 60_000);
  const node = st[0]?.status?.node ?? '';
  await eventually(`a nodeAssigned event on ${SERVICES.l2}`, () => eventsOf(t, SERVICES.l2), (es) => es.some((e) => e.reason === 'nodeAssigned'), 30_000);
  progress(`waiting for the LAN client to resolve ${vip} (ARP) to ${node} and get an HTTP answer through it`);
  const lab = t.lab.lab;
  const mac = lab.addr(node as HostRole).mac.toLowerCase();
  const neigh = await eventually(`the LAN client resolves ${vip} to ${node}'s MAC ${mac}`, () => lab.resolveNeighbor('client', vip), (e) => e?.mac === mac, 30_000);
  const r = await eventually(`HTTP 200 through ${vip} from the LAN client`, () => httpGet(lab, 'client', `http://${vip}/`), (x) => x?.status === 200, 30_000);
  return { node, mac: neigh?.mac ?? '', answer: r ?? { status: 0, body: '' } };
}

/** Waits until the operator counts one assigned address in each sample pool (IPAddressPool status). */
async function waitForPoolUsage(t: NetnsBgpTarget, progress: Progress): Promise<void> {
  progress(`waiting for the operator to count the assigned addresses in the pools' status (${POOLS.join(', ')})`);
  const api = t.kubeConfig.makeApiClient(CustomObjectsApi);
  for (const name of POOLS) {
    await eventually(`IPAddressPool ${name} status: 1 IPv4 address assigned`,
      async () => ((await api.getNamespacedCustomObject({ group: IPADDRESSPOOL.group, version: IPADDRESSPOOL.version, plural: IPADDRESSPOOL.plural, namespace: PLAN_NS, name })) as IPAddressPool).status,
      (st) => st?.assignedIPv4 === 1, 30_000);
  }
}

/** Applies the samples and waits until both Services answer through their VIPs. */
export async function runSamples(t: NetnsBgpTarget, progress: Progress): Promise<DemoState> {
  const { bgpVip, l2Vip } = await createSampleServices(t, progress);
  await waitForPoolUsage(t, progress);
  const viaBgp = await waitForBgp(t, bgpVip, progress);
  const l2 = await waitForLayer2(t, l2Vip, progress);
  return { bgpVip, l2Vip, l2Node: l2.node, l2Mac: l2.mac, viaBgp, viaL2: l2.answer };
}
