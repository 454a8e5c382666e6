import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configFor } from './config-for.ts';
import { bfd, bgpAdv, community, node, peer, pool, resources, runCases, type Case } from '../testing/config-test-kit.ts';

const A = (name: string) => `BGPAdvertisement/${name}`;
const v4 = pool('v4', ['192.0.2.0/24']);
const dual = pool('dual', ['198.51.100.0/24', '2001:db8::/64']);
const nodes = [node('n1', { rack: '1' }), node('n2', { rack: '2' })];
const svc = [{ matchLabels: { app: 'web' } }];

const cases: Case[] = [
  { desc: 'valid: full advertisement', input: { pools: [v4], communities: [community('c', [{ name: 'no-export', value: '65535:65281' }])], bgpAdvertisements: [bgpAdv('x', { aggregationLength: 24, localPref: 100, communities: ['no-export', '1:1', 'large:1:2:3'], peers: ['p'], nodeSelectors: [{ matchLabels: { rack: '1' } }] })] }, want: [] },
  {
    desc: 'A1: duplicate pools, communities, peers and selectors',
    input: { pools: [v4], bgpAdvertisements: [bgpAdv('x', {
      ipAddressPools: ['v4', 'v4'], communities: ['1:1', '1:1'], peers: ['p', 'p'],
      ipAddressPoolSelectors: [{}, {}], nodeSelectors: [{ matchLabels: { r: '1' } }, { matchLabels: { r: '1' } }], serviceSelectors: [svc[0] ?? {}, svc[0] ?? {}],
    })] },
    want: [
      { rule: 'A1', object: A('x'), field: 'spec.communities[1]', message: /duplicate definition of community "1:1"/ },
      { rule: 'A1', object: A('x'), field: 'spec.ipAddressPoolSelectors[1]' },
      { rule: 'A1', object: A('x'), field: 'spec.ipAddressPools[1]' },
      { rule: 'A1', object: A('x'), field: 'spec.nodeSelectors[1]' },
      { rule: 'A1', object: A('x'), field: 'spec.peers[1]', message: /duplicate definition of peers "p"/ },
      { rule: 'A1', object: A('x'), field: 'spec.serviceSelectors[1]' },
    ],
  },
  { desc: 'valid: serviceSelectors with default aggregation lengths', input: { pools: [v4], bgpAdvertisements: [bgpAdv('x', { serviceSelectors: svc, aggregationLength: 32, aggregationLengthV6: 128 })] }, want: [] },
  {
    desc: 'A2: serviceSelectors with aggregation',
    input: { pools: [v4], bgpAdvertisements: [bgpAdv('x', { serviceSelectors: svc, aggregationLength: 24, aggregationLengthV6: 64 })] },
    want: [
      { rule: 'A2', object: A('x'), field: 'spec.aggregationLength', message: /serviceSelectors and aggregationLength are mutually exclusive, both cannot be set in x/ },
      { rule: 'A2', object: A('x'), field: 'spec.aggregationLengthV6', message: /aggregationLengthV6 are mutually exclusive/ },
    ],
  },
  {
    desc: 'A6: an IPv4-mapped CIDR keeps Go\'s 128-bit mask length, so aggregation 32 rejects it (as MetalLB)',
    input: { pools: [pool('m', ['::ffff:203.0.113.176/125'])], bgpAdvertisements: [bgpAdv('x', {})] },
    want: [{ rule: 'A6', object: A('x'), field: 'spec.aggregationLength', message: /^invalid aggregation length 32: prefix 125 in this pool/ }],
  },
  { desc: 'valid: an IPv4-mapped range summarises to IPv4 masks', input: { pools: [pool('m', ['::ffff:203.0.113.176-::ffff:203.0.113.183'])], bgpAdvertisements: [bgpAdv('x', {})] }, want: [] },
  {
    desc: 'A3: aggregation lengths too long',
    input: { bgpAdvertisements: [bgpAdv('x', { aggregationLength: 33, aggregationLengthV6: 129 })] },
    want: [
      { rule: 'A3', object: A('x'), field: 'spec.aggregationLength', message: /invalid aggregation length 33 for IPv4/ },
      { rule: 'A3', object: A('x'), field: 'spec.aggregationLengthV6', message: /invalid aggregation length 129 for IPv6/ },
    ],
  },
  { desc: 'A4: bad community value is invalid', input: { bgpAdvertisements: [bgpAdv('x', { communities: ['1:70000'] })] }, want: [{ rule: 'A4', object: A('x'), field: 'spec.communities[0]', message: /invalid community "1:70000" in BGP advertisement: invalid community value/ }] },
  { desc: 'A4: undefined alias is transient', input: { bgpAdvertisements: [bgpAdv('x', { communities: ['no-export'] })] }, want: [{ rule: 'A4', object: A('x'), field: 'spec.communities[0]', kind: 'transient', message: /invalid community format: no-export/ }] },
  { desc: 'valid: two advertisements differing only in name', input: { bgpAdvertisements: [bgpAdv('x'), bgpAdv('y')] }, want: [] },
  { desc: 'A5: identical advertisements', input: { bgpAdvertisements: [bgpAdv('x', { localPref: 1 }), bgpAdv('x', { localPref: 1 })] }, want: [{ rule: 'A5', object: A('x'), field: '', message: /duplicate definition of bgpadvertisements. advertisement 1 and 2 are equal/ }] },
  { desc: 'valid: aggregation as short as the pool prefix', input: { pools: [v4], bgpAdvertisements: [bgpAdv('x', { aggregationLength: 24 })] }, want: [] },
  {
    desc: 'A6: aggregation length shorter than a pool prefix (v4 range, v6 CIDR)',
    input: { pools: [pool('r', ['192.0.2.0-192.0.2.15']), dual], bgpAdvertisements: [bgpAdv('x', { ipAddressPools: ['r'], aggregationLength: 26 }), bgpAdv('y', { ipAddressPools: ['dual'], aggregationLengthV6: 60 })] },
    want: [
      { rule: 'A6', object: A('x'), field: 'spec.aggregationLength', message: /invalid aggregation length 26: prefix 28 in this pool is more specific than the aggregation length for addresses 192.0.2.0\/28/ },
      { rule: 'A6', object: A('y'), field: 'spec.aggregationLengthV6', message: /prefix 64 in this pool/ },
    ],
  },
  {
    desc: 'A7: different localPref on the same pool',
    input: { pools: [v4], bgpAdvertisements: [bgpAdv('x', { localPref: 100 }), bgpAdv('y', { localPref: 200 })] },
    want: [{ rule: 'A7', object: A('y'), field: 'spec.localPref', message: /invalid local preference 200: local preference 100 was already set .* by BGPAdvertisement x on pool v4/ }],
  },
  { desc: 'valid A7 (a): different aggregation length on a v4 pool', input: { pools: [v4], bgpAdvertisements: [bgpAdv('x', { localPref: 100 }), bgpAdv('y', { localPref: 200, aggregationLength: 30 })] }, want: [] },
  { desc: 'A7 (a): a dual-stack pool needs both lengths to differ', input: { pools: [dual], bgpAdvertisements: [bgpAdv('x', { localPref: 100 }), bgpAdv('y', { localPref: 200, aggregationLength: 30 })] }, want: [{ rule: 'A7', object: A('y'), field: 'spec.localPref' }] },
  { desc: 'valid A7 (b): disjoint peer lists', input: { pools: [v4], bgpAdvertisements: [bgpAdv('x', { localPref: 100, peers: ['p1'] }), bgpAdv('y', { localPref: 200, peers: ['p2'] })] }, want: [] },
  { desc: 'valid A7 (c): disjoint node sets', input: { pools: [v4], nodes, bgpAdvertisements: [bgpAdv('x', { localPref: 100, nodeSelectors: [{ matchLabels: { rack: '1' } }] }), bgpAdv('y', { localPref: 200, nodeSelectors: [{ matchLabels: { rack: '2' } }] })] }, want: [] },
  {
    desc: 'A8: different asPathPrepend on the same pool',
    input: { pools: [v4], bgpAdvertisements: [bgpAdv('x', { asPathPrepend: 2 }), bgpAdv('y', { asPathPrepend: 3 })] },
    want: [{ rule: 'A8', object: A('y'), field: 'spec.asPathPrepend', message: /invalid asPathPrepend 3: asPathPrepend 2 was already set .* by BGPAdvertisement x on pool v4/ }],
  },
  { desc: 'A8: a set asPathPrepend conflicts with an unset one', input: { pools: [v4], bgpAdvertisements: [bgpAdv('x', {}), bgpAdv('y', { asPathPrepend: 1 })] }, want: [{ rule: 'A8', object: A('y'), field: 'spec.asPathPrepend' }] },
  { desc: 'valid A8: equal asPathPrepend', input: { pools: [v4], bgpAdvertisements: [bgpAdv('x', { asPathPrepend: 4, localPref: 1 }), bgpAdv('y', { asPathPrepend: 4, localPref: 1, communities: ['1:1'] })] }, want: [] },
  { desc: 'valid A8: disjoint peer lists', input: { pools: [v4], bgpAdvertisements: [bgpAdv('x', { asPathPrepend: 1, peers: ['p1'] }), bgpAdv('y', { asPathPrepend: 2, peers: ['p2'] })] }, want: [] },
  { desc: 'A9: asPathPrepend above 10', input: { pools: [v4], bgpAdvertisements: [bgpAdv('x', { asPathPrepend: 11 })] }, want: [{ rule: 'A9', object: A('x'), field: 'spec.asPathPrepend', message: /must be between 1 and 10/ }] },
  { desc: 'valid A7: serviceSelectors skip the check', input: { pools: [v4], bgpAdvertisements: [bgpAdv('x', { localPref: 100 }), bgpAdv('y', { localPref: 200, serviceSelectors: svc })] }, want: [] },
  {
    desc: 'V1: IPv6 pool advertised to a peer with BFD echo',
    input: { pools: [dual], bfdProfiles: [bfd('echo', { echoMode: true })], peers: [peer('p', { bfdProfile: 'echo' })], bgpAdvertisements: [bgpAdv('x')] },
    want: [{ rule: 'V1', object: A('x'), field: 'spec.peers', message: /pool dual has bgpadvertisement x which references peer p which has bfd echo enabled, which is not possible/ }],
  },
  { desc: 'valid V1: echo peer not among the advertisement peers', input: { pools: [dual], bfdProfiles: [bfd('echo', { echoMode: true })], peers: [peer('p', { bfdProfile: 'echo' })], bgpAdvertisements: [bgpAdv('x', { peers: ['other'] })] }, want: [] },
  { desc: 'valid V1: echo peer with an IPv4-only pool', input: { pools: [v4], bfdProfiles: [bfd('echo', { echoMode: true })], peers: [peer('p', { bfdProfile: 'echo' })], bgpAdvertisements: [bgpAdv('x')] }, want: [] },
];

describe('BGP advertisements (A1–A9, V1)', () => runCases(cases));

describe('BGP advertisements: parsed values', () => {
  it('applies defaults, resolves aliases and sorts communities', () => {
    const r = configFor(resources({
      pools: [v4], communities: [community('c', [{ name: 'no-export', value: '65535:65281' }])],
      bgpAdvertisements: [bgpAdv('x', { communities: ['large:1:2:3', 'no-export', '1:1', '65535:65281'] })],
    }));
    assert.ok(r.ok, r.ok ? '' : JSON.stringify(r.error));
    const ad = r.value.bgpAdvertisements[0];
    assert.deepEqual({ ...ad, communities: ad?.communities.map((c) => c.text) }, {
      name: 'x', aggregationLength: 32, aggregationLengthV6: 128, localPref: 0, asPathPrepend: 0,
      communities: ['large:1:2:3', '1:1', '65535:65281'], pools: ['v4'], nodeSelectors: [], peers: [], serviceSelectors: [],
    });
  });
});
