/**
 * The demo's printout (hack/demo.ts): what runs, then what a user looks at, each under a
 * `=== title ===` line — `kubectl describe service` per Service, `kubectl get` of the NodePlans
 * and the status objects (which node announces what), `kubectl metallb explain service`, the
 * router's BGP table and ECMP route, and the HTTP answers through both VIPs. Every command is the
 * real one (the pinned kubectl, the repository's kubectl-metallb plugin, the router's vtysh).
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { resolveBinary } from '@metallb-ts/test/harness/binaries.ts';
import { PLAN_NS } from '@metallb-ts/test/harness/bgp-speaker-lab.ts';
import type { NetnsBgpTarget } from '@metallb-ts/test/harness/netns-bgp-target.ts';
import { APP_NS, SAMPLES, SERVICES, type DemoState } from './demo-steps.ts';

const REPO = join(import.meta.dirname, '..');
const PLAN_COLUMNS = [
  'NODE:.spec.nodeName', 'BGP-PEERS:.spec.bgpPeers[*].name', 'BGP-SERVICES:.spec.bgpServices[*].services[*]',
  'L2-VIPS:.spec.l2.vips[*].ip', 'L2-SERVICES:.spec.l2.vips[*].services[*]', 'SESSIONS:.status.sessions', 'BFD:.status.peers[*].bfdState',
].join(',');
const POOL_COLUMNS = 'NAME:.metadata.name,ADDRESSES:.spec.addresses,ASSIGNED-IPV4:.status.assignedIPv4,AVAILABLE-IPV4:.status.availableIPv4';

/** `show bfd peers brief` starts with the session count, the column titles and a rule. */
const BFD_HEADER_LINES = 3;

/** Prints one section. */
export function section(title: string, body: string): void {
  console.log(`\n=== ${title} ===\n${body.trimEnd()}`);
}

/** kubectl as the admin; its output, or its error text when it fails. */
async function kubectl(t: NetnsBgpTarget, args: readonly string[]): Promise<string> {
  const r = await t.kubectl(args);
  return r.exitCode === 0 ? r.stdout : `kubectl ${args.join(' ')} failed (${String(r.exitCode)}):\n${r.stderr}`;
}

/** `kubectl metallb explain service <ns>/<name>` through kubectl's plugin lookup, as a user runs it. */
async function explain(t: NetnsBgpTarget, service: string): Promise<string> {
  const r = await execa(resolveBinary(process.env, 'kubectl'), ['metallb', 'explain', 'service', `${APP_NS}/${service}`], {
    reject: false, stdin: 'ignore', timeout: 30_000,
    env: { KUBECONFIG: t.lab.cp.kubeconfigPath, PATH: `${join(REPO, 'node_modules', '.bin')}:${process.env['PATH'] ?? ''}` },
  });
  return r.exitCode === 0 ? r.stdout : `kubectl metallb explain exited ${String(r.exitCode)}:\n${r.stdout}\n${r.stderr}`;
}

/** The node whose LAN MAC is `mac`. */
function nodeOfMac(t: NetnsBgpTarget, mac: string): string {
  return t.lab.lab.nodes.find((n) => t.lab.lab.addr(n).mac.toLowerCase() === mac) ?? 'no node';
}

/** What runs where, and whether the chart's RBAC refused anything. */
async function whatRuns(t: NetnsBgpTarget): Promise<void> {
  const { cp, lab } = t.lab;
  const refused = await t.refusedCalls();
  section('what runs', [
    `control plane    ${cp.server} (etcd + kube-apiserver; dir ${cp.dir})`,
    `chart            helm release metallb-ts in ${PLAN_NS} (CRDs, RBAC, ServiceAccounts; no kubelet here, so its pods never start: the operator and the speakers run as processes)`,
    `operator         pid ${String(t.lab.operator?.pid ?? '?')}, ServiceAccount ${PLAN_NS}/metallb-ts-controller (token)`,
    ...t.lab.speakers.map((s, i) => `speaker          pid ${String(s.pid)} in ${lab.ns(lab.nodes[i] ?? 'node-0')}, ServiceAccount ${PLAN_NS}/metallb-ts-speaker (token), BGP + layer 2`),
    `lab namespaces   ${(['router', 'client', 'ext', ...lab.nodes] as const).map((r) => lab.ns(r)).join(' ')}`,
    `lab dir          ${lab.dir}`,
    `samples          ${SAMPLES} (bgp.yaml, layer2.yaml, services.yaml)`,
    `kubectl          ${resolveBinary(process.env, 'kubectl')} --kubeconfig ${cp.kubeconfigPath}`,
    `RBAC             ${refused.length === 0 ? 'the chart\'s RBAC refused none of the operator\'s and speakers\' API calls' : `REFUSED CALLS:\n${refused.join('\n')}`}`,
  ].join('\n'));
}

/** The router's view: its BGP table, the ECMP route, its BFD sessions to the nodes. */
async function routerView(t: NetnsBgpTarget, vip: string): Promise<void> {
  const { router } = t.lab;
  const nodes = t.nodes.map((n) => n.v4);
  section('router (FRR, AS 64513): show bgp ipv4 unicast', await router.vtysh('show bgp ipv4 unicast'));
  section(`router: show ip route ${vip}/32 (ECMP: one next hop per node)`, await router.vtysh(`show ip route ${vip}/32`));
  const bfd = (await router.vtysh('show bfd peers brief')).split('\n');
  section('router: show bfd peers brief (its IPv4 sessions to the nodes; the router\'s idle IPv6 neighbours left out)',
    bfd.filter((line, i) => i < BFD_HEADER_LINES || nodes.some((n) => line.includes(` ${n} `))).join('\n'));
}

/** Everything printed after the waits. */
export async function printReport(t: NetnsBgpTarget, s: DemoState): Promise<void> {
  const { lab } = t.lab;
  await whatRuns(t);
  // One Service per call: kubectl describe leaves the events out when it describes several.
  for (const name of [SERVICES.bgp, SERVICES.l2]) section(`kubectl describe service ${name}`, await kubectl(t, ['describe', 'service', '-n', APP_NS, name]));
  section(`pool usage (kubectl get ipaddresspools -n ${PLAN_NS} -o custom-columns=…)`, await kubectl(t, ['get', 'ipaddresspools', '-n', PLAN_NS, '-o', `custom-columns=${POOL_COLUMNS}`]));
  section(`kubectl get nodeplans -n ${PLAN_NS}`, await kubectl(t, ['get', 'nodeplans', '-n', PLAN_NS]));
  section('which node announces what (kubectl get nodeplans -o custom-columns=…)', await kubectl(t, ['get', 'nodeplans', '-n', PLAN_NS, '-o', `custom-columns=${PLAN_COLUMNS}`]));
  section(`kubectl get servicebgpstatuses,servicel2statuses -n ${PLAN_NS}`, await kubectl(t, ['get', 'servicebgpstatuses,servicel2statuses', '-n', PLAN_NS]));
  for (const name of [SERVICES.bgp, SERVICES.l2]) section(`kubectl metallb explain service ${APP_NS}/${name}`, await explain(t, name));
  await routerView(t, s.bgpVip);
  section('HTTP through the VIPs', [
    `via BGP      client behind the router (${lab.addr('ext').v4}) → GET http://${s.bgpVip}/ → ${String(s.viaBgp.status)} ${JSON.stringify(s.viaBgp.body.trim())}`,
    `via layer 2  LAN client (${lab.addr('client').v4}) → GET http://${s.l2Vip}/ → ${String(s.viaL2.status)} ${JSON.stringify(s.viaL2.body.trim())}`,
    `             the client's ARP entry: ${s.l2Vip} is-at ${s.l2Mac} (${nodeOfMac(t, s.l2Mac)}); ServiceL2Status says ${s.l2Node}`,
  ].join('\n'));
}

/** The machine's 1-, 5- and 15-minute load averages, two decimals. */
export function loadAverage(): string {
  return loadavg().map((l) => l.toFixed(2)).join(' ');
}
