/** When a node advertises a Service IP, with which prefix and to which peers (reference §4.6). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bgpAdv, peer, pool, resources } from '../testing/config-test-kit.ts';
import { announcementsFor, type NodeFacts, type ServiceFacts } from './announcements.ts';
import { configOf, svc } from './testing/golden-cases.ts';

const NODE: NodeFacts = { name: 'node-0', labels: { rack: 'a' }, networkUnavailable: false, excludedFromLoadBalancers: false };
const peers = [peer('a', { myASN: 64512, peerAddress: '192.0.2.1' }), peer('b', { myASN: 64512, peerAddress: '192.0.2.2' })];

interface Case {
  readonly desc: string;
  readonly ads: Parameters<typeof bgpAdv>[1][];
  readonly services?: ServiceFacts[];
  readonly node?: Partial<NodeFacts>;
  /** `prefix>peer,peer` per announcement, or the skip reason of the first Service. */
  readonly want: string[] | string;
}

const web = svc('web', ['198.51.100.10']);
const cases: Case[] = [
  { desc: 'all peers by default', ads: [{}], want: ['198.51.100.10/32>a,b'] },
  { desc: 'peers limit the sessions', ads: [{ peers: ['b'] }], want: ['198.51.100.10/32>b'] },
  { desc: 'aggregation length masks the IP', ads: [{ aggregationLength: 28 }], want: ['198.51.100.0/28>a,b'] },
  { desc: 'two advertisements, two prefixes', ads: [{}, { aggregationLength: 26, peers: ['a'] }], want: ['198.51.100.0/26>a', '198.51.100.10/32>a,b'] },
  { desc: 'advertisement for another rack', ads: [{ nodeSelectors: [{ matchLabels: { rack: 'b' } }] }], want: 'noMatchingAdvertisement' },
  { desc: 'advertisement for another pool', ads: [{ ipAddressPools: ['other'] }], want: 'noMatchingAdvertisement' },
  { desc: 'serviceSelectors that do not match', ads: [{ serviceSelectors: [{ matchLabels: { app: 'db' } }] }], want: 'noMatchingAdvertisement' },
  { desc: 'serviceSelectors that match', ads: [{ serviceSelectors: [{ matchLabels: { app: 'web' } }] }], services: [{ ...web, labels: { app: 'web' } }], want: ['198.51.100.10/32>a,b'] },
  { desc: 'NetworkUnavailable node', ads: [{}], node: { networkUnavailable: true }, want: 'nodeNetworkUnavailable' },
  { desc: 'node excluded from load balancers', ads: [{}], node: { excludedFromLoadBalancers: true }, want: 'nodeExcluded' },
  { desc: 'ETP=Local without a local endpoint', ads: [{}], services: [{ ...web, trafficPolicyLocal: true, servingNodes: new Set(['node-1']) }], want: 'noServingEndpoint' },
  { desc: 'ETP=Local with a local endpoint', ads: [{}], services: [{ ...web, trafficPolicyLocal: true }], want: ['198.51.100.10/32>a,b'] },
  { desc: 'ETP=Cluster with an endpoint elsewhere', ads: [{}], services: [{ ...web, servingNodes: new Set(['node-1']) }], want: ['198.51.100.10/32>a,b'] },
  { desc: 'no serving endpoint at all', ads: [{}], services: [{ ...web, servingNodes: new Set() }], want: 'noServingEndpoint' },
  {
    desc: 'per-service localPref conflict (serviceSelectors skip the config check)',
    ads: [{ localPref: 100, serviceSelectors: [{ matchLabels: { app: 'web' } }] }, { localPref: 200 }],
    services: [{ ...web, labels: { app: 'web' } }], want: 'conflictingAdvertisements',
  },
];

describe('announcementsFor', () => {
  for (const c of cases) {
    it(c.desc, () => {
      const ads = c.ads.map((spec, i) => bgpAdv(`ad-${i}`, spec));
      const config = configOf({ name: c.desc, node: NODE, services: [], resources: resources({ pools: [pool('pool-a', ['198.51.100.0/26'])], peers, bgpAdvertisements: ads }) });
      const services = c.services ?? [web];
      const got = announcementsFor(config, { ...NODE, ...c.node }, services);
      if (typeof c.want === 'string') {
        assert.equal(got.skipped.get(services[0]?.key ?? ''), c.want);
        assert.deepEqual(got.announcements, []);
      } else {
        assert.deepEqual(got.announcements.map((a) => `${a.prefix.text}>${a.peers.join(',')}`), c.want);
      }
    });
  }
});
