/**
 * The demo (`sudo npm run demo`, README command one), on the same harness as the e2e tests
 * (test/harness/netns-bgp-target.ts, which test/e2e/bgp-operator-speaker.test.ts runs): a real
 * kube-apiserver + etcd with the Helm chart installed (`helm install`), a namespace lab (two
 * nodes, an FRR router, a LAN client and a client behind the router), the operator and one
 * speaker per node running with TokenRequest tokens of the chart's own ServiceAccounts. It applies
 * a sample configuration (IPAddressPools, a BGPPeer with a BFDProfile, a BGPAdvertisement and an
 * L2Advertisement), creates two LoadBalancer Services (one announced over BGP, one over layer 2)
 * and prints what a user looks at: `kubectl describe service`, the NodePlans, the router's BGP
 * table with its ECMP next hops, and HTTP answers through the VIPs.
 *
 * `--once` prints and tears down (test/smoke/demo.test.ts runs that); otherwise it keeps running
 * until Ctrl-C. Either way it leaves nothing behind. One demo at a time (hack/demo-lock.ts).
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, type V1Service } from '@kubernetes/client-node';
import { eventually, PLAN_NS } from '@metallb-ts/test/harness/bgp-speaker-lab.ts';
import { resolveBinary } from '@metallb-ts/test/harness/binaries.ts';
import { httpGet } from '@metallb-ts/test/harness/lab-kube-proxy.ts';
import { NetnsBgpTarget } from '@metallb-ts/test/harness/netns-bgp-target.ts';
import { applyYaml } from '@metallb-ts/test/harness/operator.ts';
import { acquireLock, DEFAULT_DEMO_LOCK } from './demo-lock.ts';

const APP_NS = 'default';
const PORT = 80;
/** The Services and the pool each one takes its IP from. */
const SERVICES = [
  { name: 'web-bgp', pool: 'demo-bgp', via: 'BGP' },
  { name: 'web-l2', pool: 'demo-l2', via: 'layer 2' },
] as const;
/** Whether the speaker answers ARP/NDP for its plan's layer-2 duties yet (see the layer-2 section). */
const LAYER2_WIRED = false;
/** The binaries' tokens outlive any demo session a person keeps open. */
const TOKEN_SECONDS = 7 * 24 * 3600;

const CONFIG = `
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: demo-bgp, namespace: ${PLAN_NS}}
spec: {addresses: [198.51.100.10-198.51.100.19], autoAssign: false}
---
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: demo-l2, namespace: ${PLAN_NS}}
spec: {addresses: [192.0.2.200-192.0.2.209], autoAssign: false}
---
apiVersion: metallb.io/v1beta1
kind: BFDProfile
metadata: {name: demo-bfd, namespace: ${PLAN_NS}}
spec: {receiveInterval: 300, transmitInterval: 300, detectMultiplier: 3}
---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: {name: router, namespace: ${PLAN_NS}}
spec: {myASN: 64512, peerASN: 64513, peerAddress: 192.0.2.1, holdTime: 9s, keepaliveTime: 3s, connectTime: 1s, bfdProfile: demo-bfd}
---
apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata: {name: demo-bgp, namespace: ${PLAN_NS}}
spec: {ipAddressPools: [demo-bgp]}
---
apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata: {name: demo-l2, namespace: ${PLAN_NS}}
spec: {ipAddressPools: [demo-l2]}
`;

const progress = (what: string): void => console.log(`… ${what}`);
const section = (title: string, body: string): void => console.log(`\n=== ${title} ===\n${body.trimEnd()}`);

/** The lock file: METALLB_TS_DEMO_LOCK, else /run/lock, else the temp dir. */
function lockPath(): string {
  return process.env['METALLB_TS_DEMO_LOCK'] ?? (existsSync('/run/lock') ? DEFAULT_DEMO_LOCK : join(tmpdir(), 'metallb-ts-demo.pid'));
}

/** kubectl as the admin; its output, or its error text when it fails. */
async function kubectl(t: NetnsBgpTarget, args: readonly string[]): Promise<string> {
  const r = await t.kubectl(args);
  return r.exitCode === 0 ? r.stdout : `kubectl ${args.join(' ')} failed (${String(r.exitCode)}):\n${r.stderr}`;
}

/** Services, backends and kube-proxy's part; returns each Service's IP once assigned. */
async function createServices(t: NetnsBgpTarget): Promise<Map<string, string>> {
  const core = t.kubeConfig.makeApiClient(CoreV1Api);
  progress(`creating LoadBalancer Services ${SERVICES.map((s) => s.name).join(', ')}, their EndpointSlices and an HTTP server on :${String(PORT)} on every node`);
  await t.startServers(PORT);
  for (const s of SERVICES) {
    await core.createNamespacedService({ namespace: APP_NS, body: {
      metadata: { name: s.name, annotations: { 'metallb.io/address-pool': s.pool } },
      spec: { type: 'LoadBalancer', selector: { app: s.name }, ports: [{ name: 'http', port: PORT, protocol: 'TCP' }] },
    } });
    await t.createEndpointSlice(s.name, PORT, APP_NS);
  }
  const ips = new Map<string, string>();
  for (const s of SERVICES) {
    progress(`waiting for the operator to assign ${s.name} an IP from pool ${s.pool}`);
    const svc = await eventually(`${s.name} gets an IP`, async () => (await core.readNamespacedService({ namespace: APP_NS, name: s.name })) as V1Service,
      (x) => x.status?.loadBalancer?.ingress?.[0]?.ip !== undefined, 60_000);
    const ip = svc.status?.loadBalancer?.ingress?.[0]?.ip ?? '';
    ips.set(s.name, ip);
    progress(`kube-proxy's part for ${s.name}: ${ip} on every node's lo (strict ARP)`);
    await t.exposeVip(ip);
  }
  return ips;
}

/** Everything printed: the Services, the plans, the router's view, HTTP through the VIPs. */
async function report(t: NetnsBgpTarget, ips: Map<string, string>): Promise<void> {
  const { cp, lab, router } = t.lab;
  const bgpVip = ips.get('web-bgp') ?? '';
  const l2Vip = ips.get('web-l2') ?? '';
  const nodes = t.nodes.map((n) => n.v4).sort();
  progress(`waiting for both speakers to apply their plans and the router to install ${bgpVip}/32 via ${nodes.join(' and ')} (ECMP)`);
  await eventually(`ECMP next hops for ${bgpVip}`, () => t.routerNextHops(`${bgpVip}/32`), (h) => h.join() === nodes.join(), 60_000);
  progress('waiting for both speakers to report their BGP session Established and BFD up in their plan status');
  for (const node of t.nodes) {
    await eventually(`${node.name}: session Established, BFD up`, () => t.plan(node.name),
      (p) => p.status?.peers?.length === 1 && p.status.peers.every((x) => x.bgpState === 'Established' && x.bfdState === 'up'), 60_000);
  }
  progress(`waiting for an HTTP answer through ${bgpVip} from the client behind the router`);
  const viaBgp = await eventually(`HTTP through ${bgpVip}`, () => httpGet(lab, 'ext', `http://${bgpVip}/`), (r) => r?.status === 200, 30_000);

  section('what runs', [
    `control plane    ${cp.server} (etcd + kube-apiserver; dir ${cp.dir})`,
    `chart            helm release metallb-ts in ${PLAN_NS} (CRDs, RBAC, ServiceAccounts; no kubelet, so its pods never start)`,
    `operator         pid ${String(t.lab.operator?.pid ?? '?')}, ServiceAccount ${PLAN_NS}/metallb-ts-controller (token)`,
    ...t.lab.speakers.map((s, i) => `speaker          pid ${String(s.pid)} in ${lab.ns(lab.nodes[i] ?? 'node-0')}, ServiceAccount ${PLAN_NS}/metallb-ts-speaker (token)`),
    `lab namespaces   ${(['router', 'client', 'ext', ...lab.nodes] as const).map((r) => lab.ns(r)).join(' ')}`,
    `lab dir          ${lab.dir}`,
    `kubectl          ${resolveBinary(process.env, 'kubectl')} --kubeconfig ${cp.kubeconfigPath}`,
  ].join('\n'));
  // One Service per call: kubectl describe leaves the events out when it describes several.
  for (const s of SERVICES) section(`kubectl describe service ${s.name}`, await kubectl(t, ['describe', 'service', '-n', APP_NS, s.name]));
  section(`kubectl get nodeplans -n ${PLAN_NS}`, await kubectl(t, ['get', 'nodeplans', '-n', PLAN_NS]));
  section('which node announces what (kubectl get nodeplans -o custom-columns=…)', await kubectl(t, ['get', 'nodeplans', '-n', PLAN_NS, '-o',
    'custom-columns=NODE:.spec.nodeName,BGP-PEERS:.spec.bgpPeers[*].name,BGP-SERVICES:.spec.bgpServices[*].services[*],L2-VIPS:.spec.l2.vips[*].ip,L2-SERVICES:.spec.l2.vips[*].services[*],SESSIONS:.status.sessions,BFD:.status.peers[*].bfdState']));
  section('router (FRR, AS 64513): show bgp ipv4 unicast', await router.vtysh('show bgp ipv4 unicast'));
  section(`router: show ip route ${bgpVip}/32 (ECMP: one next hop per node)`, await router.vtysh(`show ip route ${bgpVip}/32`));
  const bfd = (await router.vtysh('show bfd peers brief')).split('\n');
  section('router: show bfd peers brief (its IPv4 sessions to the nodes; the router\'s idle IPv6 neighbours left out)',
    bfd.filter((line, i) => i < 4 || nodes.some((n) => line.includes(` ${n} `))).join('\n'));
  const http = [`via BGP      client behind the router (${lab.addr('ext').v4}) → GET http://${bgpVip}/ → ${String(viaBgp?.status)} ${JSON.stringify(viaBgp?.body.trim())}`];
  if (LAYER2_WIRED) {
    const viaL2 = await eventually(`HTTP through ${l2Vip}`, () => httpGet(lab, 'client', `http://${l2Vip}/`), (r) => r?.status === 200, 30_000);
    http.push(`via layer 2  LAN client (${lab.addr('client').v4}) → GET http://${l2Vip}/ → ${String(viaL2?.status)} ${JSON.stringify(viaL2?.body.trim())}`);
  } else {
    const neigh = await lab.resolveNeighbor('client', l2Vip, 3_000);
    http.push(`via layer 2  NOT WIRED YET: the operator assigned ${l2Vip} to web-l2 and put it in the plans' layer-2 duties (above),`,
      `             but the speaker does not answer ARP/NDP for its plan's duties yet, so the LAN client cannot reach it`,
      `             (ARP for ${l2Vip} from the client just now: ${neigh === undefined ? 'no answer' : `answered by ${neigh.mac}`}).`);
  }
  section('HTTP through the VIPs', http.join('\n'));
}

async function main(): Promise<number> {
  const once = process.argv.includes('--once');
  const path = lockPath();
  const lock = acquireLock(path);
  if (lock.kind === 'refused') {
    console.error(`another demo is running (pid ${String(lock.holder)}, lock ${path}); stop it with Ctrl-C first. This run changed nothing.`);
    return 1;
  }
  // Also on Ctrl-C: the harness's signal handlers kill what it started, delete the lab's
  // namespaces and temp dirs, then exit; this releases the lock on the way out.
  process.on('exit', () => lock.release());
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      console.log(`\n${sig === 'SIGINT' ? 'Ctrl-C' : sig}: stopping the operator, the speakers, FRR, the lab namespaces and the control plane`);
      setImmediate(() => process.exit(sig === 'SIGINT' ? 130 : 143));
    });
  }
  progress(`demo pid ${String(process.pid)} (lock ${path})`);
  const t = await NetnsBgpTarget.start({ nodes: 2, bfd: true, tokenSeconds: TOKEN_SECONDS, progress });
  try {
    progress('applying the sample configuration: IPAddressPools demo-bgp and demo-l2, BFDProfile demo-bfd, BGPPeer router, BGPAdvertisement demo-bgp, L2Advertisement demo-l2');
    await applyYaml(t, CONFIG);
    await report(t, await createServices(t));
    if (!once) {
      console.log(`\nrunning until Ctrl-C; try: ${resolveBinary(process.env, 'kubectl')} --kubeconfig ${t.lab.cp.kubeconfigPath} get services,nodeplans -A`);
      // Until a signal: its handlers (above and the harness's) stop everything and exit.
      await new Promise<never>(() => setInterval(() => undefined, 3_600_000));
    }
  } finally {
    progress('stopping: HTTP servers, operator, speakers, FRR, lab namespaces, control plane');
    await t.stop();
  }
  progress('stopped; nothing left behind');
  return 0;
}

process.exitCode = await main();
