/**
 * The demo: brings up a real kube-apiserver + etcd with the metallb.io CRDs, and a namespace lab
 * (LAN, two nodes, a router running FRR, clients), peers node-0's FRR with the router over BGP,
 * and reports what is running. `--once` reports and tears down (the smoke test runs that);
 * otherwise it keeps running until Ctrl-C, printing the kubeconfig to use with kubectl.
 *
 * Run through `sudo npm run demo` (hack/demo.sh), which installs what is missing first.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { ControlPlane } from '@metallb-ts/test/harness/control-plane.ts';
import { installCrds } from '@metallb-ts/test/harness/crds.ts';
import { simpleBgpConf } from '@metallb-ts/test/harness/frr-conf.ts';
import type { FrrInstance } from '@metallb-ts/test/harness/frr.ts';
import { Lab, type LabRole } from '@metallb-ts/test/harness/lab.ts';

/** The BGP VIP the demo node announces (documentation range, from the BGP pool block). */
const DEMO_PREFIX = '198.51.100.10/32';
const ROUTER_ASN = 64513;
const NODE_ASN = 64512;

interface BgpPeerState {
  readonly state?: string;
  readonly pfxRcd?: number;
}

/** Waits (bounded) until the router has the node's prefix from an Established session. */
async function waitForRoute(router: FrrInstance, peer: string): Promise<BgpPeerState> {
  let last: BgpPeerState = {};
  for (let i = 0; i < 60; i++) {
    const summary = await router.vtyshJson<{ ipv4Unicast?: { peers?: Record<string, BgpPeerState> } }>('show bgp summary json');
    last = summary.ipv4Unicast?.peers?.[peer] ?? {};
    if (last.state === 'Established' && (last.pfxRcd ?? 0) > 0) return last;
    await delay(500);
  }
  throw new Error(`BGP session router ↔ ${peer} not established with routes after 30s (last: ${JSON.stringify(last)})`);
}

async function report(cp: ControlPlane, lab: Lab, bgp: BgpPeerState): Promise<void> {
  const version = await cp.kubectl(['version', '-o', 'json']);
  const crds = await cp.kubectl(['get', 'crd', '-o', 'name']);
  const route = await lab.exec('router', 'ip', ['-4', 'route', 'show', DEMO_PREFIX]);
  const serverVersion = (JSON.parse(version.stdout) as { serverVersion?: { gitVersion?: string } }).serverVersion;
  const lines = [
    `control plane   ${cp.server}  (kube-apiserver ${serverVersion?.gitVersion ?? '?'})`,
    `kubeconfig      ${cp.kubeconfigPath}`,
    `metallb.io CRDs ${crds.stdout.split('\n').filter((l) => l.includes('metallb.io')).length} installed`,
    `lab namespaces  ${(['router', 'client', 'ext', ...lab.nodes] as LabRole[]).map((r) => lab.ns(r)).join(' ')}`,
    `BGP             node-0 (AS ${NODE_ASN}) ↔ router (AS ${ROUTER_ASN}): ${bgp.state}, ${bgp.pfxRcd} prefix(es) received`,
    `router route    ${route.stdout.trim()}`,
  ];
  console.log(lines.join('\n'));
}

async function main(): Promise<void> {
  const once = process.argv.includes('--once');
  const cp = await ControlPlane.start();
  const lab = await Lab.create({ nodes: 2 });
  try {
    await installCrds(cp.kubeConfig);
    const node = lab.addr('node-0');
    const router = lab.addr('router');
    await lab.startFrr('node-0', simpleBgpConf({ asn: NODE_ASN, peerAsn: ROUTER_ASN, routerId: node.v4, peer: router.v4, networks: [DEMO_PREFIX] }));
    const routerFrr = await lab.startFrr('router', simpleBgpConf({ asn: ROUTER_ASN, peerAsn: NODE_ASN, routerId: router.v4, peer: node.v4, networks: [] }));
    await report(cp, lab, await waitForRoute(routerFrr, node.v4));
    if (!once) {
      console.log('\nrunning; try: kubectl --kubeconfig <kubeconfig above> get crd   (Ctrl-C stops and cleans up)');
      await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
    }
  } finally {
    await lab.destroy();
    await cp.stop();
  }
}

await main();
