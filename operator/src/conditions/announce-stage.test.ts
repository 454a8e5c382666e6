/** The Announced stage: one case per reason, from the same code that writes plans. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configFor } from '../config/config-for.ts';
import type { Config } from '../config/types.ts';
import type { NodeFacts } from '../frr/announcements.ts';
import { svc } from '../frr/testing/golden-cases.ts';
import { bgpAdv, l2, peer, pool, resources } from '../testing/config-test-kit.ts';
import { announceReportFor, type AnnounceInput, type PlanReport } from './announce-stage.ts';

const node = (name: string, over: Partial<NodeFacts> = {}): NodeFacts => ({ name, labels: {}, networkUnavailable: false, excludedFromLoadBalancers: false, ...over });

function config(r: Parameters<typeof resources>[0]): Config {
  const c = configFor(resources({ pools: [pool('pool-a', ['198.51.100.0/26'])], ...r }), { nodesKnown: false });
  if (!c.ok) throw new Error(c.error.map((e) => e.message).join('; '));
  return c.value;
}

const bgp = config({ peers: [peer('router', { myASN: 64512, peerASN: 64513, peerAddress: '192.0.2.1' })], bgpAdvertisements: [bgpAdv('ads')] });
const layer2 = config({ l2Advertisements: [l2('l2ads')] });
const up: PlanReport = { applied: true, sessions: new Map([['router', 'Established']]) };
const SHA = 'a'.repeat(64);
const down: PlanReport = { applied: true, sessions: new Map([['router', 'Active']]) };

interface Case {
  readonly desc: string;
  readonly input: Partial<AnnounceInput>;
  readonly reason: string;
  /** A word the message must contain (the object to fix). */
  readonly names: string;
}

const web = svc('web', ['198.51.100.10']);
const base: AnnounceInput = { config: bgp, nodes: [node('node-0')], service: web, key: 'default/web', plan: () => up, l2Announcer: () => undefined };
const cases: Case[] = [
  { desc: 'BGP, session up', input: {}, reason: 'Announced', names: 'BGPPeer router' },
  { desc: 'no address', input: { service: undefined }, reason: 'NotAllocated', names: 'metallb.io/AddressAllocated' },
  { desc: 'no advertisement', input: { config: config({}) }, reason: 'NoAdvertisement', names: 'IPAddressPool pool-a' },
  { desc: 'session down', input: { plan: () => down }, reason: 'BGPSessionDown', names: 'BGPPeer router on node node-0 is Active' },
  { desc: 'speaker silent', input: { plan: () => undefined }, reason: 'PlanPending', names: 'node-0' },
  { desc: 'no endpoint', input: { service: { ...web, servingNodes: new Set() } }, reason: 'NoServingEndpoint', names: 'default/web' },
  { desc: 'node excluded', input: { nodes: [node('node-0', { excludedFromLoadBalancers: true })] }, reason: 'NodeExcluded', names: 'Node node-0' },
  { desc: 'network unavailable', input: { nodes: [node('node-0', { networkUnavailable: true })] }, reason: 'NetworkUnavailable', names: 'Node node-0' },
  {
    desc: 'one node excluded, the other without network: both named', input: { nodes: [node('node-0', { excludedFromLoadBalancers: true }), node('node-1', { networkUnavailable: true })] },
    reason: 'NodeExcluded', names: 'Node node-0 carries the node.kubernetes.io/exclude-from-external-load-balancers label; Node node-1 reports NetworkUnavailable=True',
  },
  {
    desc: 'advertisement for other nodes', input: { config: config({ peers: [peer('router', { myASN: 64512, peerASN: 64513, peerAddress: '192.0.2.1' })], bgpAdvertisements: [bgpAdv('ads', { nodeSelectors: [{ matchLabels: { rack: 'b' } }] })] }) },
    reason: 'NoEligibleNode', names: 'BGPAdvertisement ads',
  },
  { desc: 'no peer on the node', input: { config: config({ bgpAdvertisements: [bgpAdv('ads')] }) }, reason: 'NoPeer', names: 'BGPAdvertisement ads' },
  { desc: 'layer 2, announced', input: { config: layer2, l2Announcer: () => 'node-0' }, reason: 'Announced', names: 'node node-0 (layer 2)' },
  { desc: 'layer 2, nobody reports yet', input: { config: layer2 }, reason: 'PlanPending', names: 'ServiceL2Status' },
  { desc: 'layer 2, excluded node', input: { config: layer2, nodes: [node('node-0', { labels: { 'node.kubernetes.io/exclude-from-external-load-balancers': '' } })] }, reason: 'NodeExcluded', names: 'Node node-0' },
  {
    desc: 'layer 2, ETP=Local endpoint on an ineligible node', input: { config: config({ l2Advertisements: [l2('l2ads', { nodeSelectors: [{ matchLabels: { rack: 'a' } }] })] }), nodes: [node('node-0'), node('node-1', { labels: { rack: 'a' } })], service: { ...web, trafficPolicyLocal: true } },
    reason: 'NoEligibleNode', names: 'L2Advertisement l2ads',
  },
];

describe('announceReportFor: the True message follows the stage, not each session', () => {
  const twoNodes: Partial<AnnounceInput> = { nodes: [node('node-0'), node('node-1')] };
  const both = announceReportFor({ ...base, ...twoNodes, plan: () => up });
  const oneDown = announceReportFor({ ...base, ...twoNodes, plan: (n) => (n === 'node-1' ? down : up) });
  it('names the peer receiving the prefix', () => {
    assert.equal(both.condition.message, 'announced to BGPPeer router');
  });
  it('is unchanged when one of two nodes loses its session (no rewrite of every Service of that node)', () => {
    assert.deepEqual(oneDown.condition, both.condition);
  });
  it('names the layer-2 announcer next to the BGP peers when both announce', () => {
    const r = announceReportFor({ ...base, config: config({ peers: [peer('router', { myASN: 64512, peerASN: 64513, peerAddress: '192.0.2.1' })], bgpAdvertisements: [bgpAdv('ads')], l2Advertisements: [l2('l2ads')] }), l2Announcer: () => 'node-0' });
    assert.equal(r.condition.message, 'announced to BGPPeer router; by node node-0 (layer 2)');
  });
  it('turns False only when no session carries the prefix', () => {
    const r = announceReportFor({ ...base, ...twoNodes, plan: () => down });
    assert.equal(r.condition.reason, 'BGPSessionDown');
  });
});

describe('announceReportFor', () => {
  for (const c of cases) {
    it(c.desc, () => {
      const r = announceReportFor({ ...base, ...c.input });
      assert.equal(r.condition.reason, c.reason, r.condition.message);
      assert.equal(r.condition.status, c.reason === 'Announced' ? 'True' : 'False');
      assert.ok(r.condition.message.includes(c.names), r.condition.message);
    });
  }

  it('lists every node with its verdict and sessions', () => {
    const r = announceReportFor({ ...base, nodes: [node('node-0'), node('node-1', { excludedFromLoadBalancers: true })], plan: (n) => (n === 'node-0' ? up : undefined) });
    assert.deepEqual(r.bgpAdvertisements, ['ads']);
    assert.deepEqual(r.nodes.map((n) => [n.node, n.bgp]), [
      ['node-0', { prefixes: ['198.51.100.10/32'], sessions: [{ peer: 'router', state: 'Established', adjRibOut: 'unreported' }] }],
      ['node-1', { skipped: 'nodeExcluded' }],
    ]);
  });
});

/** A plan report of `state` whose adj-rib-out misses `missing` (of the plan `sha`, default the current one). */
const adj = (state: string, missing: string[], o: { sha?: string; count?: number; conflicts?: PlanReport['conflicts'] } = {}): PlanReport => ({
  applied: true, sessions: new Map([['router', state]]), planSha256: SHA,
  advertised: new Map([['router', { planSha256: o.sha ?? SHA, expected: 3, missingCount: o.count ?? missing.length, missing }]]),
  ...(o.conflicts === undefined ? {} : { conflicts: o.conflicts }),
});

describe('the Reachable stage', () => {
  const cases: Array<{ desc: string; input: Partial<AnnounceInput>; want: [string, string]; names: string; waits?: boolean }> = [
    { desc: 'in the adj-rib-out', input: { plan: () => adj('Established', []) }, want: ['True', 'Advertised'], names: "in FRR's adj-rib-out to BGPPeer router" },
    { desc: 'listed missing', input: { plan: () => adj('Established', ['198.51.100.10/32']) }, want: ['False', 'NotAdvertised'], names: '198.51.100.10/32 is not in the adj-rib-out of BGPPeer router on node node-0' },
    { desc: 'session down', input: { plan: () => adj('Active', []) }, want: ['False', 'NotAdvertised'], names: 'session Active' },
    { desc: 'another prefix missing', input: { plan: () => adj('Established', ['198.51.100.11/32']) }, want: ['True', 'Advertised'], names: 'BGPPeer router' },
    { desc: 'more missing than listed', input: { plan: () => adj('Established', ['198.51.100.11/32'], { count: 40 }) }, want: ['Unknown', 'ReportPending'], names: 'node node-0 to BGPPeer router', waits: true },
    { desc: 'not reported yet', input: { plan: () => up }, want: ['Unknown', 'ReportPending'], names: 'NodePlan status.peers[].advertised', waits: true },
    { desc: 'a stale report, nothing stored', input: { plan: () => adj('Established', [], { sha: 'b'.repeat(64) }) }, want: ['Unknown', 'ReportPending'], names: 'node-0', waits: true },
    {
      desc: 'a stale report keeps the stored verdict', want: ['True', 'Advertised'], names: 'stored', waits: true,
      input: { plan: () => adj('Established', ['198.51.100.10/32'], { sha: 'b'.repeat(64) }), previousReachable: { type: 'metallb.io/Reachable', status: 'True', reason: 'Advertised', message: 'stored' } },
    },
    { desc: 'layer 2', input: { config: layer2, l2Announcer: () => 'node-0' }, want: ['Unknown', 'Layer2Only'], names: 'cannot know it for layer 2' },
    { desc: 'no address', input: { service: undefined }, want: ['False', 'NotAllocated'], names: 'metallb.io/AddressAllocated' },
    { desc: 'no advertisement', input: { config: config({}) }, want: ['False', 'NotAnnounced'], names: 'default/web' },
    { desc: 'no peer on the node', input: { config: config({ bgpAdvertisements: [bgpAdv('ads')] }) }, want: ['False', 'NotAnnounced'], names: 'default/web' },
  ];
  for (const c of cases) {
    it(c.desc, () => {
      const r = announceReportFor({ ...base, ...c.input });
      assert.deepEqual([r.reachable.type, r.reachable.status, r.reachable.reason], ['metallb.io/Reachable', ...c.want], r.reachable.message);
      assert.ok(r.reachable.message.includes(c.names), r.reachable.message);
      assert.equal(r.reachableWaits, c.waits === true);
    });
  }
});

describe('AddressConflict', () => {
  const claim = { ip: '198.51.100.10', mac: '02:00:00:00:00:09', iface: 'eth0', phase: 'probe' as const };
  it('a foreign host claiming the VIP: Announced False naming the VIP, the MAC and the pool', () => {
    const r = announceReportFor({ ...base, config: layer2, plan: () => adj('Established', [], { conflicts: [claim] }) });
    assert.deepEqual([r.condition.status, r.condition.reason], ['False', 'AddressConflict'], r.condition.message);
    for (const w of ['198.51.100.10', 'MAC 02:00:00:00:00:09', 'node node-0', 'IPAddressPool pool-a']) assert.ok(r.condition.message.includes(w), r.condition.message);
    assert.deepEqual(r.conflicts, [{ node: 'node-0', ...claim }]);
  });
  it('a conflict on another address does not concern the Service', () => {
    const r = announceReportFor({ ...base, config: layer2, l2Announcer: () => 'node-0', plan: () => adj('Established', [], { conflicts: [{ ...claim, ip: '198.51.100.11' }] }) });
    assert.equal(r.condition.reason, 'Announced');
    assert.deepEqual(r.conflicts, []);
  });
});
