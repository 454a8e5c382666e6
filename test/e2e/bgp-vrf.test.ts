/**
 * A BGPPeer with `vrf: red`, proven in the lab although its kernel has no VRF device
 * (CONFIG_NET_VRF is off: `ip link add red type vrf table 10` says "Unknown device type"). FRR
 * also backs VRFs with network namespaces (zebra `-w`): here node-0's VRF `red` is a namespace
 * of this lab, with a link of its own to the router. node-0 runs FRR 10 chrooted with a private
 * /run/netns that holds only that namespace, under the name `red`, so zebra discovers exactly
 * one VRF and never the machine's other namespaces (test/harness/frr-runtime.ts).
 *
 * ```
 *   node-0 (default VRF) eth0 192.0.2.10 ──── LAN ──── 192.0.2.1 router (AS 64513 / 64601)
 *   node-0 VRF red = netns <lab>vrf-red   vr0 203.0.113.254/30 ── red0 203.0.113.253/30 router
 * ```
 * The node's frr.conf is rendered by the operator's renderer from MetalLB-shaped CRs (one
 * BGPPeer in the default VRF, one with `vrf: red`, one Service) and applied by the speaker's
 * applier. Proves: the VRF session is Established from inside the red namespace, the router
 * learns the Service IP over both sessions (next hop 203.0.113.254 for the VRF one), and the
 * applier's check of FRR's running config holds with the VRF block FRR prints, and the speaker's
 * adj-rib-out reader (the Reachable condition's source) finds the VIP sent in both VRFs and names
 * a prefix the config sends but FRR does not.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadFrrTemplates } from '../../operator/src/plan/frr-templates.ts';
import { configFor } from '../../operator/src/config/config-for.ts';
import { nodeFrrFor } from '../../operator/src/frr/node-frr.ts';
import { createFrrRenderer } from '../../operator/src/frr/render.ts';
import { svc } from '../../operator/src/frr/testing/golden-cases.ts';
import { bgpAdv, peer, pool, resources } from '../../operator/src/testing/config-test-kit.ts';
import { bgpPaths, eventually } from '../harness/bgp-speaker-lab.ts';
import type { FrrInstance } from '../harness/frr.ts';
import { Lab } from '../harness/lab.ts';
import { runOk } from '../harness/netns.ts';
import { labApplier, neighborAt, type LabApplier } from '../harness/speaker-frr.ts';
import { readAdvertised, sessionKey } from '../../speaker/src/frr/adj-rib-out-reader.ts';
import { expectedRoutesOf } from '../../speaker/src/frr/core/adj-rib-out.ts';

const VIP = '198.51.100.20';
const RED_NODE = '203.0.113.254';
const RED_ROUTER = '203.0.113.253';
const TIMERS = { holdTime: '3s', keepaliveTime: '1s', connectTime: '1s' } as const;

/** The router: one session per VRF of node-0, each to its own AS (the default one 64513, red 64601). */
const ROUTER_CONF = [
  'frr defaults traditional',
  'router bgp 64513',
  ' bgp router-id 192.0.2.1',
  ' no bgp ebgp-requires-policy', ' no bgp default ipv4-unicast',
  ' neighbor 192.0.2.10 remote-as 64512', ' neighbor 192.0.2.10 timers 1 3', ' neighbor 192.0.2.10 timers connect 1',
  ` neighbor ${RED_NODE} remote-as 64600`, ` neighbor ${RED_NODE} local-as 64601 no-prepend replace-as`,
  ` neighbor ${RED_NODE} timers 1 3`, ` neighbor ${RED_NODE} timers connect 1`,
  ' address-family ipv4 unicast', '  neighbor 192.0.2.10 activate', `  neighbor ${RED_NODE} activate`, ' exit-address-family',
  'exit', '',
].join('\n');

/** node-0's frr.conf as the operator renders it for the two BGPPeers and the Service. */
function renderedNodeConf(): string {
  const config = configFor(resources({
    pools: [pool('pool-a', ['198.51.100.0/26'])],
    peers: [
      peer('router', { myASN: 64512, peerASN: 64513, peerAddress: '192.0.2.1', routerID: '192.0.2.10', ...TIMERS }),
      peer('router-red', { myASN: 64600, peerASN: 64601, peerAddress: RED_ROUTER, vrf: 'red', routerID: '192.0.2.10', ...TIMERS }),
    ],
    bgpAdvertisements: [bgpAdv('all')],
  }), { nodesKnown: false });
  assert.ok(config.ok, config.ok ? '' : JSON.stringify(config.error));
  const node = { name: 'node-0', labels: { 'kubernetes.io/hostname': 'node-0' }, networkUnavailable: false, excludedFromLoadBalancers: false };
  const r = nodeFrrFor({ config: config.value, node, services: [svc('web', [VIP])], render: createFrrRenderer(loadFrrTemplates()) });
  assert.ok(r.ok, r.ok ? '' : JSON.stringify(r.error));
  return r.value.text;
}

describe('a BGPPeer in VRF red (a namespace-backed VRF on FRR 10): session up, the Service IP announced inside the VRF', () => {
  let lab: Lab;
  let router: FrrInstance;
  let node: FrrInstance;
  let a: LabApplier;
  let conf = '';

  before(async () => {
    lab = await Lab.create({ nodes: 1 });
    const red = `${lab.prefix}vrf-red`; // the lab's prefix: removed with the lab, or as a dead lab's leftover
    await runOk('ip', ['netns', 'add', red]);
    await runOk('ip', ['-n', red, 'link', 'set', 'lo', 'up']);
    await runOk('ip', ['-n', red, 'link', 'add', 'vr0', 'type', 'veth', 'peer', 'name', 'red0', 'netns', lab.ns('router')]);
    await runOk('ip', ['-n', red, 'addr', 'add', `${RED_NODE}/30`, 'dev', 'vr0']);
    await runOk('ip', ['-n', red, 'link', 'set', 'vr0', 'up']);
    await runOk('ip', ['-n', lab.ns('router'), 'addr', 'add', `${RED_ROUTER}/30`, 'dev', 'red0']);
    await runOk('ip', ['-n', lab.ns('router'), 'link', 'set', 'red0', 'up']);
    router = await lab.startFrr('router', 'frr defaults traditional\n');
    await router.reload(ROUTER_CONF);
    node = await lab.startFrr('node-0', 'frr defaults traditional\n', '10', { red });
    a = labApplier(node);
    conf = renderedNodeConf();
  });

  after(async () => {
    await lab?.destroy();
  });

  test('zebra sees exactly one namespace VRF, red, and none of the machine\'s other namespaces', async () => {
    const vrfs = await node.vtysh('show vrf');
    assert.deepEqual(vrfs.split('\n').filter((l) => l.startsWith('vrf ')).map((l) => l.split(/\s+/)[1]), ['red'], vrfs);
    assert.match(vrfs, /^vrf red .*netns/m, `red is backed by a network namespace: ${vrfs}`);
    const ifaces = await node.vtysh('show interface vrf red brief');
    assert.match(ifaces, /^vr0\s+up/m, 'the red namespace\'s link is in VRF red');
  });

  test('the rendered config has the VRF router and is applied by the speaker\'s applier, running config matching', async () => {
    assert.match(conf, /^router bgp 64600 vrf red$/m);
    const r = await a.applier.apply(conf);
    assert.equal(r.result, 'applied', `one diff batch, no full reload: ${r.message}`);
  });

  test('the VRF session is up and the router learns the Service IP over both sessions', async () => {
    await eventually('VRF red session Established at the router', () => neighborAt(router, RED_NODE), (n) => n.state === 'Established');
    await eventually('default-VRF session Established at the router', () => neighborAt(router, '192.0.2.10'), (n) => n.state === 'Established');
    const paths = await eventually('the VIP over both sessions', () => bgpPaths(router, `${VIP}/32`), (ps) => ps.length === 2);
    assert.deepEqual(paths.map((p) => p.peer?.peerId).sort(), ['192.0.2.10', RED_NODE]);
    assert.equal(paths.find((p) => p.peer?.peerId === RED_NODE)?.nexthops?.[0]?.ip, RED_NODE, 'the VRF path\'s next hop is node-0\'s address in VRF red');
    const inVrf = await node.vtyshJson<{ peers?: Record<string, { state?: string }> }>('show bgp vrf red ipv4 unicast summary json');
    assert.equal(inVrf.peers?.[RED_ROUTER]?.state, 'Established', 'node-0 holds the session in VRF red');
  });

  test('the speaker\'s adj-rib-out reader finds the VIP sent over both sessions, the VRF one through `show bgp vrf red …`', async () => {
    const expected = expectedRoutesOf(conf);
    assert.deepEqual(expected.map((e) => [e.vrf, e.neighbor, e.afi, e.prefixes]), [['', '192.0.2.1', 'ipv4', [`${VIP}/32`]], ['red', RED_ROUTER, 'ipv4', [`${VIP}/32`]]]);
    const got = await eventually('both sessions report the VIP advertised', () => readAdvertised(a.cli, 'f'.repeat(64), expected),
      (m) => m.get(sessionKey('', '192.0.2.1'))?.missingCount === 0 && m.get(sessionKey('red', RED_ROUTER))?.missingCount === 0);
    assert.deepEqual(got.get(sessionKey('red', RED_ROUTER)), { planSha256: 'f'.repeat(64), expected: 1, missingCount: 0, missing: [] });
    // A prefix the config sends but FRR does not (not in its table): reported missing, by name.
    const more = expected.map((e) => ({ ...e, prefixes: [...e.prefixes, '198.51.100.63/32'] }));
    const missing = await readAdvertised(a.cli, 'f'.repeat(64), more);
    assert.deepEqual(missing.get(sessionKey('red', RED_ROUTER))?.missing, ['198.51.100.63/32']);
  });
});
