/**
 * The golden configurations: one per FRR feature the renderer covers. Used by the golden test
 * (render → compare with testdata/<name>.frr.conf) and by the integration test that loads every
 * golden into a real FRR. Addresses come from the documentation ranges only.
 */
import { parseIp } from '@metallb-ts/lib/ip/ip.ts';
import { bfd, bgpAdv, community, peer, pool, resources, secret } from '../../testing/config-test-kit.ts';
import type { ClusterResources } from '../../config/resources.ts';
import type { ParsedIp } from '../../config/types.ts';
import type { NodeFacts, ServiceFacts } from '../announcements.ts';
import { configFor } from '../../config/config-for.ts';
import type { Config } from '../../config/types.ts';

/** One golden: the cluster's CRs, the node rendered for, and the Services. */
export interface GoldenCase {
  /** File stem under testdata/. */
  readonly name: string;
  /** The CRs configFor parses. */
  readonly resources: ClusterResources;
  /** The node. */
  readonly node: NodeFacts;
  /** The Services. */
  readonly services: readonly ServiceFacts[];
}

const NODE: NodeFacts = { name: 'node-0', labels: { 'kubernetes.io/hostname': 'node-0', rack: 'a' }, networkUnavailable: false, excludedFromLoadBalancers: false };

const ip = (text: string): ParsedIp => {
  const parsed = parseIp(text);
  if (parsed === undefined) throw new RangeError(`bad test IP ${text}`);
  return parsed;
};

/** A Service with IPs from `poolName`, served on node-0 unless `servingNodes` says otherwise. */
export function svc(name: string, ips: string[], poolName = 'pool-a', extra: Partial<ServiceFacts> = {}): ServiceFacts {
  return { key: `default/${name}`, ips: ips.map(ip), pool: poolName, labels: {}, trafficPolicyLocal: false, servingNodes: new Set(['node-0']), sharingKey: false, ...extra };
}

const v4Pool = pool('pool-a', ['198.51.100.0/26']);
const dualPool = pool('pool-a', ['198.51.100.0/26', '2001:db8:100::/120']);
const two = [svc('web', ['198.51.100.10']), svc('api', ['198.51.100.11'])];

/** Every golden case, by name. */
export const GOLDEN_CASES: readonly GoldenCase[] = [
  { name: 'ebgp', node: NODE, services: two, resources: resources({ pools: [v4Pool], peers: [peer('router', { myASN: 64512, peerASN: 64513, peerAddress: '192.0.2.1' })], bgpAdvertisements: [bgpAdv('all')] }) },
  {
    name: 'ibgp-localpref', node: NODE, services: two,
    resources: resources({ pools: [v4Pool], peers: [peer('router', { myASN: 64512, peerASN: 64512, peerAddress: '192.0.2.1', routerID: '192.0.2.10' })], bgpAdvertisements: [bgpAdv('pref', { localPref: 150 })] }),
  },
  {
    name: 'dynamic-asn', node: NODE, services: two,
    resources: resources({ pools: [v4Pool], bgpAdvertisements: [bgpAdv('all')], peers: [
      peer('ext', { myASN: 64512, peerASN: undefined, dynamicASN: 'external', peerAddress: '192.0.2.1' }),
      peer('int', { myASN: 64512, peerASN: undefined, dynamicASN: 'internal', peerAddress: '192.0.2.2' }),
    ] }),
  },
  {
    name: 'unnumbered', node: NODE, services: [svc('web', ['198.51.100.10', '2001:db8:100::10'])],
    resources: resources({ pools: [dualPool], bgpAdvertisements: [bgpAdv('all')], peers: [peer('tor', { myASN: 64512, peerASN: undefined, dynamicASN: 'external', peerAddress: undefined, interface: 'eth1' })] }),
  },
  {
    name: 'multihop', node: NODE, services: two,
    resources: resources({ pools: [v4Pool], bgpAdvertisements: [bgpAdv('all')], peers: [peer('far', {
      myASN: 64512, peerASN: 64513, peerAddress: '203.0.113.1', sourceAddress: '192.0.2.10', ebgpMultiHop: true, peerPort: 1179, holdTime: '9s', keepaliveTime: '3s', connectTime: '5s',
    })] }),
  },
  {
    name: 'password', node: NODE, services: two,
    resources: resources({ pools: [v4Pool], bgpAdvertisements: [bgpAdv('all')], secrets: [secret('bgp-pass', 'kubernetes.io/basic-auth', { password: 's3cr3t!x' })], peers: [
      peer('inline', { myASN: 64512, peerASN: 64513, peerAddress: '192.0.2.1', password: 'inline-Secret#1' }),
      peer('from-secret', { myASN: 64512, peerASN: 64513, peerAddress: '192.0.2.2', passwordSecret: { name: 'bgp-pass', namespace: 'metallb-system' } }),
    ] }),
  },
  {
    name: 'bfd-profile', node: NODE, services: two,
    resources: resources({ pools: [v4Pool], bgpAdvertisements: [bgpAdv('all')],
      bfdProfiles: [bfd('fast', { receiveInterval: 100, transmitInterval: 100, detectMultiplier: 3, echoMode: true, echoInterval: 50, passiveMode: true, minimumTtl: 250 }), bfd('slow', { receiveInterval: 1000 })],
      peers: [peer('router', { myASN: 64512, peerASN: 64513, peerAddress: '192.0.2.1', bfdProfile: 'fast' })] }),
  },
  {
    name: 'vrf', node: NODE, services: two,
    resources: resources({ pools: [v4Pool], bgpAdvertisements: [bgpAdv('all')], peers: [
      peer('default', { myASN: 64512, peerASN: 64513, peerAddress: '192.0.2.1', routerID: '192.0.2.10' }),
      peer('red', { myASN: 64600, peerASN: 64601, peerAddress: '192.0.2.1', vrf: 'red', routerID: '192.0.2.10' }),
    ] }),
  },
  {
    name: 'communities', node: NODE, services: two,
    resources: resources({ pools: [v4Pool], communities: [community('aliases', [{ name: 'no-advertise', value: '65535:65282' }])], peers: [peer('router', { myASN: 64512, peerASN: 64513, peerAddress: '192.0.2.1' })],
      bgpAdvertisements: [bgpAdv('tagged', { communities: ['64512:100', 'large:64512:1:2', 'large:64512:1:3', 'no-advertise'] }), bgpAdv('more', { communities: ['64512:200'] })] }),
  },
  {
    name: 'aggregation', node: NODE, services: [svc('web', ['198.51.100.10', '2001:db8:100::10']), svc('api', ['198.51.100.11'])],
    resources: resources({ pools: [dualPool], peers: [peer('router', { myASN: 64512, peerASN: 64513, peerAddress: '2001:db8::1', dualStackAddressFamily: true })],
      bgpAdvertisements: [bgpAdv('agg', { aggregationLength: 26, aggregationLengthV6: 120 }), bgpAdv('hosts', { localPref: 0 })] }),
  },
  {
    name: 'as-path-prepend', node: NODE, services: two,
    resources: resources({ pools: [v4Pool], bgpAdvertisements: [bgpAdv('longer', { asPathPrepend: 3 })], peers: [
      peer('router', { myASN: 64512, peerASN: 64513, peerAddress: '192.0.2.1' }),
      peer('local-as', { myASN: 64512, peerASN: 64514, peerAddress: '192.0.2.2', localASN: 64999 }),
    ] }),
  },
  {
    name: 'dual-stack', node: NODE, services: [svc('web', ['198.51.100.10', '2001:db8:100::10'])],
    resources: resources({ pools: [dualPool], bgpAdvertisements: [bgpAdv('all')], peers: [
      peer('v4', { myASN: 64512, peerASN: 64513, peerAddress: '192.0.2.1' }),
      peer('v6', { myASN: 64512, peerASN: 64513, peerAddress: '2001:db8::1' }),
    ] }),
  },
  {
    name: 'graceful-restart', node: NODE, services: two,
    resources: resources({ pools: [v4Pool], bgpAdvertisements: [bgpAdv('all')], peers: [peer('router', { myASN: 64512, peerASN: 64513, peerAddress: '192.0.2.1', enableGracefulRestart: true })] }),
  },
  {
    name: 'no-peers-for-node', node: NODE, services: two,
    resources: resources({ pools: [v4Pool], bgpAdvertisements: [bgpAdv('all')], peers: [peer('rack-b', { myASN: 64512, peerASN: 64513, peerAddress: '192.0.2.1', nodeSelectors: [{ matchLabels: { rack: 'b' } }] })] }),
  },
  {
    name: 'selective', node: NODE,
    services: [svc('web', ['198.51.100.10']), svc('local-elsewhere', ['198.51.100.12'], 'pool-a', { trafficPolicyLocal: true, servingNodes: new Set(['node-1']) }), svc('local-here', ['198.51.100.13'], 'pool-a', { trafficPolicyLocal: true })],
    resources: resources({ pools: [v4Pool], bgpAdvertisements: [bgpAdv('only-a', { peers: ['a'], communities: ['64512:7'] }), bgpAdv('other-rack', { peers: ['b'], nodeSelectors: [{ matchLabels: { rack: 'b' } }] })], peers: [
      peer('a', { myASN: 64512, peerASN: 64513, peerAddress: '192.0.2.1' }),
      peer('b', { myASN: 64512, peerASN: 64513, peerAddress: '192.0.2.2' }),
    ] }),
  },
];

/** The case's Config; a case that does not validate is a bug in the kit. */
export function configOf(c: GoldenCase): Config {
  const r = configFor(c.resources, { nodesKnown: false });
  if (!r.ok) throw new Error(`golden ${c.name} does not validate: ${r.error.map((e) => e.message).join('; ')}`);
  return r.value;
}
