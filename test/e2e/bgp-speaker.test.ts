/**
 * The speaker's BGP side end to end: a real apiserver, two lab nodes each running FRR and the
 * speaker as a separate process inside the node's namespace, and a router (FRR, eBGP, ECMP, BFD
 * 100 ms × 3). The test writes NodePlans and the password Secret by hand (literal MetalLB-shaped
 * configs); the speakers apply them. Proves: sessions Established (one with a TCP-MD5 password
 * from the Secret), a Service IP at the router with ECMP next hops = both nodes, plan status
 * (applied hash = wanted, sessions, per-peer BGP/BFD state), ServiceBGPStatus per (service, node),
 * the FRR-mode metrics; a plan change (new prefix + new peer) lands without resetting the first
 * session; a killed bgpd gets its config back; a silent node failure removes its next hop through
 * BFD (time printed, not asserted); no password in any log, status or plan.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { after, before, describe, test } from 'node:test';
import { CustomObjectsApi } from '@kubernetes/client-node';
import { SERVICEBGPSTATUS, type NodePlan, type ServiceBGPStatus } from '@metallb-ts/lib/api/types.generated.ts';
import { BgpSpeakerLab, eventually, PLAN_NS, speakerNodeConf } from '../harness/bgp-speaker-lab.ts';
import { neighborAt, uptimeTick } from '../harness/speaker-frr.ts';

const SECRET = 'Lab-md5-Zq8';
const VIP1 = '198.51.100.1/32';
const VIP2 = '198.51.100.2/32';
const PEERS = [{ name: 'router-v4', neighbor: '192.0.2.1' }, { name: 'router-v6', neighbor: '2001:db8:0:1::1' }];


describe('speaker BGP side: NodePlan → FRR → router (real apiserver, separate speaker processes)', () => {
  let l: BgpSpeakerLab;
  let wanted0 = '';

  before(async () => {
    l = await BgpSpeakerLab.start({ nodes: 2, routerPassword: SECRET, bfd: true });
  });

  after(async () => {
    await l?.lab.restoreTraffic('node-1').catch(() => undefined);
    await l?.stop();
  });

  test('plans applied: sessions up, VIP at the router over both nodes (ECMP), status and ServiceBGPStatus written', async () => {
    await l.writeSecret('node-0-bgp-passwords', { router: SECRET });
    wanted0 = await l.writePlan(0, speakerNodeConf({ index: 0, v4: [VIP1], passwordKey: 'router', bfd: true }), {
      passwordSecretName: 'node-0-bgp-passwords', bgpPeers: [PEERS[0]!], bgpServices: [{ peers: ['router-v4'], services: ['default/web'] }],
    });
    await l.writePlan(1, speakerNodeConf({ index: 1, v4: [VIP1], bfd: true }), { bgpPeers: [PEERS[0]!] });
    // The first convergence includes both speakers' cold start (informers, first FRR apply): on a
    // loaded 2-core CI machine that alone has taken over 30 s, so this one wait is bounded at 120 s.
    await eventually('ECMP next hops for the VIP', () => l.nextHops(VIP1), (h) => h.join() === '192.0.2.10,192.0.2.11', 120_000);
    assert.equal((await neighborAt(l.router, '192.0.2.10')).state, 'Established', 'password session up');

    const plan = await eventually('node-0 status: applied, 1/1, BFD up, the VIP in the adj-rib-out', () => l.plan(0),
      (p) => p.status?.appliedSha256 === wanted0 && p.status.sessions === '1/1' && p.status.peers?.[0]?.bfdState === 'up' && p.status.peers[0].advertised?.missingCount === 0);
    assert.equal(plan.status?.result, 'Applied');
    assert.equal(plan.status?.observedGeneration, plan.metadata?.generation);
    assert.deepEqual(plan.status?.peers, [{
      name: 'router-v4', neighbor: '192.0.2.1', vrf: '', bgpState: 'Established', bfdState: 'up', prefixesSent: 1,
      advertised: { planSha256: wanted0, expected: 1, missingCount: 0, missing: [] },
    }]);
    assert.deepEqual(plan.status?.conditions?.map((c) => [c.type, c.status, c.reason]),
      [['Applied', 'True', 'Applied'], ['SessionsEstablished', 'True', 'AllEstablished']]);

    const api = l.cp.kubeConfig.makeApiClient(CustomObjectsApi);
    const list = await eventually('one ServiceBGPStatus for (default/web, node-0)', async () => ((await api.listNamespacedCustomObject({
      group: SERVICEBGPSTATUS.group, version: SERVICEBGPSTATUS.version, plural: SERVICEBGPSTATUS.plural, namespace: PLAN_NS,
    })) as { items: ServiceBGPStatus[] }).items, (items) => items.length === 1 && items[0]?.status?.peers !== undefined);
    assert.deepEqual(list[0]?.status, { node: 'node-0', serviceName: 'web', serviceNamespace: 'default', peers: ['router-v4'] });
    assert.equal(list[0]?.metadata?.labels?.['metallb.io/node'], 'node-0');

    // Like MetalLB's frr-metrics, `peer` is ip:portForeign: 179 when node-0 opened the TCP session,
    // the router's ephemeral port when the router's connection won the collision.
    const metrics = await eventually('FRR-mode metrics', () => l.speakers[0]!.metrics(),
      (m) => /metallb_bgp_session_up\{peer="192\.0\.2\.1:\d+",vrf="default"\} 1/.test(m));
    assert.match(metrics, /metallb_bgp_announced_prefixes_total\{peer="192\.0\.2\.1:\d+",vrf="default"\} 1/);
    assert.match(metrics, /metallb_bfd_session_up\{peer="192.0.2.1",vrf="default"\} 1/);
  });

  test('a plan change adds a prefix and a peer without resetting the first session', async () => {
    const before4 = await neighborAt(l.router, '192.0.2.10');
    const markedAt = performance.now();
    wanted0 = await l.writePlan(0, speakerNodeConf({ index: 0, v4: [VIP1, VIP2], passwordKey: 'router', bfd: true, v6Peer: true }), {
      passwordSecretName: 'node-0-bgp-passwords', bgpPeers: PEERS, bgpServices: [{ peers: ['router-v4'], services: ['default/web', 'default/web2'] }],
    });
    await eventually('VIP2 at the router via node-0', () => l.nextHops(VIP2), (h) => h.join() === '192.0.2.10');
    await uptimeTick(markedAt);
    const after4 = await neighborAt(l.router, '192.0.2.10');
    assert.equal(after4.established, before4.established, 'the IPv4 session was not re-established');
    assert.ok(after4.upMs > before4.upMs, `router-side uptime kept counting: ${before4.upMs} → ${after4.upMs} ms`);
    const p = await eventually('status 2/2 with the new hash', () => l.plan(0), (x) => x.status?.appliedSha256 === wanted0 && x.status.sessions === '2/2');
    assert.deepEqual(p.status?.peers?.map((x) => [x.name, x.bgpState]), [['router-v4', 'Established'], ['router-v6', 'Established']]);
  });

  test('bgpd killed: the speaker restores the config once bgpd is back', async () => {
    const node0 = l.nodes[0]!;
    const pid = await node0.killDaemon('bgpd');
    await eventually('VIP2 gone with node-0 bgpd', () => l.nextHops(VIP2), (h) => h.length === 0);
    await node0.startDaemon('bgpd'); // what watchfrr does; its startup file is empty of BGP
    assert.notEqual(node0.pidOf('bgpd'), pid);
    await eventually('VIP2 back at the router', () => l.nextHops(VIP2), (h) => h.join() === '192.0.2.10');
    await eventually('status applied again, 2/2', () => l.plan(0), (x) => x.status?.appliedSha256 === wanted0 && x.status.sessions === '2/2');
  });

  test('silent failure of node-1 (nftables drop): BFD removes its next hop', async () => {
    await eventually('both next hops and BFD up at the router', async () => ({
      hops: await l.nextHops(VIP1),
      bfd: await l.router.vtyshJson<Array<{ peer: string; status: string }>>('show bfd peers json'),
    }), (v) => v.hops.length === 2 && v.bfd.some((b) => b.peer === '192.0.2.11' && b.status === 'up'));
    const { inPlaceMs: t0 } = await l.lab.dropTraffic('node-1');
    await eventually('node-1 next hop removed', () => l.nextHops(VIP1), (h) => h.join() === '192.0.2.10', 10_000);
    const ms = performance.now() - t0;
    // FRR records the Cease subcode it sent: "BFD Down" when BFD took the session down, not "Hold Timer Expired".
    const n = JSON.stringify((await l.router.vtyshJson<Record<string, unknown>>('show bgp neighbors 192.0.2.11 json'))['192.0.2.11']);
    assert.match(n, /BFD Down/i, `the session went down because of BFD: ${n.slice(0, 1500)}`);
    console.log(`[bgp-speaker] BFD failover (drop → next hop gone at the router, seen by polling vtysh): ${ms.toFixed(0)} ms (detect time 300 ms; \`npm run bench -- bgp\` times it without polling)`);
    await l.lab.restoreTraffic('node-1');
    await eventually('node-1 next hop back', () => l.nextHops(VIP1), (h) => h.length === 2);
  });

  test('nothing written when nothing changed: the plan keeps its resourceVersion across state polls', async () => {
    const settled = await eventually('node-0 status settled', () => l.plan(0), (x) => x.status?.sessions === '2/2' && x.status.peers?.every((p) => p.bfdState === 'up') === true);
    await new Promise((resolve) => setTimeout(resolve, 3_000)); // six state polls at 500 ms
    assert.equal((await l.plan(0)).metadata?.resourceVersion, settled.metadata?.resourceVersion);
  });

  test('no password in logs, plans or status', async () => {
    for (const s of l.speakers) assert.ok(!readFileSync(s.logFile, 'utf8').includes(SECRET), `${s.logFile} holds no password`);
    const plans: NodePlan[] = [await l.plan(0), await l.plan(1)];
    assert.ok(!JSON.stringify(plans).includes(SECRET));
  });
});
