/**
 * A large cluster for the plan-size test and the render benchmark: 10,000 IPv6 LoadBalancer
 * Services (the longest prefixes, so the worst case for size), 100 nodes, 4 BGP sessions per node
 * (two IPv4 with dualStackAddressFamily, two IPv6), and advertisements that add a localPref, a
 * standard and a large community and an AS-path prepend to every prefix.
 */
import { formatIp } from '@metallb-ts/lib/ip/ip.ts';
import { bgpAdv, peer, pool, resources } from '../../testing/config-test-kit.ts';
import type { NodeFacts, ServiceFacts } from '../announcements.ts';
import { configOf, type GoldenCase } from './golden-cases.ts';

/** Sizes of the scale scenario. */
export interface ScaleOptions {
  /** LoadBalancer Services (each one IPv6 address). */
  readonly services: number;
  /** Nodes. */
  readonly nodes: number;
}

/** The scenario as a golden-style case plus all nodes. */
export interface ScaleScenario {
  /** The cluster's CRs and Services (node is node-0). */
  readonly scenario: GoldenCase;
  /** Every node. */
  readonly nodes: readonly NodeFacts[];
}

const BASE = 0x20010db8010000000000000000000000n; // 2001:db8:100::

/**
 * Builds the scenario: half the Services are ETP=Local, served on node-0 and two other nodes
 * each; the rest ETP=Cluster. So node-0 announces all N and the others about N/2 + N/50.
 */
export function scaleScenario(opts: ScaleOptions): ScaleScenario {
  const nodes: NodeFacts[] = Array.from({ length: opts.nodes }, (_, i) => ({
    name: `node-${i}`, labels: { 'kubernetes.io/hostname': `node-${i}` }, networkUnavailable: false, excludedFromLoadBalancers: false,
  }));
  const services: ServiceFacts[] = Array.from({ length: opts.services }, (_, i) => {
    const value = BASE + BigInt(i + 1);
    const local = i % 2 === 0;
    // node-0 serves every Service: it announces all of them, the worst case for its plan.
    const serving = new Set(['node-0', ...[1, 2].map((k) => `node-${(i + k * 7) % opts.nodes}`)]);
    return {
      key: `ns-${i % 50}/svc-${i}`, ips: [{ family: 'ipv6', value, text: formatIp('ipv6', value) }], pool: 'big',
      labels: { app: `a${i % 10}` }, trafficPolicyLocal: local, servingNodes: serving, sharingKey: false,
    };
  });
  const peers = [
    peer('tor-a-v4', { myASN: 64512, peerASN: 64513, peerAddress: '192.0.2.1', dualStackAddressFamily: true }),
    peer('tor-b-v4', { myASN: 64512, peerASN: 64513, peerAddress: '192.0.2.2', dualStackAddressFamily: true }),
    peer('tor-a-v6', { myASN: 64512, peerASN: 64512, peerAddress: '2001:db8::1' }),
    peer('tor-b-v6', { myASN: 64512, peerASN: 64514, peerAddress: '2001:db8::2', password: 'scale-pass' }),
  ];
  const scenario: GoldenCase = {
    name: 'scale', node: nodes[0] ?? { name: 'node-0', labels: {}, networkUnavailable: false, excludedFromLoadBalancers: false }, services,
    resources: resources({
      pools: [pool('big', ['2001:db8:100::/112'])], peers,
      bgpAdvertisements: [bgpAdv('tagged', { localPref: 200, communities: ['64512:100', 'large:64512:1:1'], asPathPrepend: 2 })],
    }),
  };
  return { scenario, nodes };
}

export { configOf };
