/**
 * The speaker's FRR applier against real FRR 8.4 in the lab: node-0 (AS 64512, managed by the
 * applier) ↔ router (AS 64512→64513 eBGP, IPv4 with a TCP-MD5 password, later IPv6 too).
 * Proves: routes follow applied configs; a change that adds a peer and moves advertisements
 * does not reset the untouched session; a malformed config is refused with the last good one
 * left running; a killed bgpd gets its config back from the applier; no password in any log.
 */
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { after, before, describe, test } from 'node:test';
import { pollUntil } from '@metallb-ts/lib/time/poll.ts';
import { parseConfig } from '../../speaker/src/frr/core/config-tree.ts';
import { sameConfig } from '../../speaker/src/frr/core/config-normalise.ts';
import { readFrrState } from '../../speaker/src/frr/frr-state-reader.ts';
import type { FrrInstance } from '../harness/frr.ts';
import { Lab } from '../harness/lab.ts';
import { labApplier, neighborAt, nodeConf, routerConf, routesAt, type LabApplier } from '../harness/speaker-frr.ts';

const SECRET = 'Lab-md5-7q';
const ROUTER4 = '192.0.2.1';
const ROUTER6 = '2001:db8:0:1::1';
const CONF_A = nodeConf({ peers4: [{ addr: ROUTER4, passwordKey: 'peer1' }], v4: ['198.51.100.1/32', '198.51.100.2/32'] });
const CONF_B = nodeConf({
  peers4: [{ addr: ROUTER4, passwordKey: 'peer1' }], peers6: [ROUTER6],
  v4: ['198.51.100.2/32', '198.51.100.3/32'], v6: ['2001:db8:100::3/128'],
});

/** Polls (bounded) until the router's table for `family` is exactly `want`. */
async function routerHas(router: FrrInstance, family: 'ipv4' | 'ipv6', want: readonly string[], timeoutMs = 30_000): Promise<void> {
  let last = new Set<string>();
  const r = await pollUntil(async () => {
    last = await routesAt(router, family);
    return last.size === want.length && want.every((p) => last.has(p)) ? true : undefined;
  }, { timeoutMs, intervalMs: 100 });
  assert.ok(r.ok, `router ${family} table: want ${want.join(',')}, have ${[...last].join(',')}`);
}

describe('speaker FRR applier in the lab (FRR 8.4)', () => {
  let lab: Lab;
  let router: FrrInstance;
  let node: FrrInstance;
  let sp: LabApplier;

  before(async () => {
    lab = await Lab.create({ nodes: 1 });
    router = await lab.startFrr('router', routerConf({ password: SECRET, v6: true }));
    node = await lab.startFrr('node-0', 'frr defaults traditional\n');
    sp = labApplier(node, { peer1: SECRET });
    sp.applier.start();
  });

  after(async () => {
    sp?.applier.stop();
    await lab?.destroy();
  });

  test('config A: applied in one batch, the router learns its networks', async () => {
    const r = await sp.applier.apply(CONF_A);
    assert.equal(r.result, 'applied', r.message);
    assert.equal(r.method, 'batch');
    await routerHas(router, 'ipv4', ['198.51.100.1/32', '198.51.100.2/32']);
    assert.equal(statSync(sp.configPath).mode & 0o777, 0o600);
    assert.match(readFileSync(sp.configPath, 'utf8'), new RegExp(`password ${SECRET}`));
  });

  test('config B moves advertisements and adds a peer without resetting the first session', async () => {
    const before4 = await neighborAt(router, '192.0.2.10');
    assert.equal(before4.state, 'Established');
    const r = await sp.applier.apply(CONF_B);
    assert.equal(r.result, 'applied', r.message);
    assert.equal(r.method, 'batch');
    assert.deepEqual({ removals: r.removals, additions: r.additions }, { removals: 1, additions: 7 });
    await routerHas(router, 'ipv4', ['198.51.100.2/32', '198.51.100.3/32']);
    await routerHas(router, 'ipv6', ['2001:db8:100::3/128']);
    const after4 = await neighborAt(router, '192.0.2.10');
    assert.equal(after4.state, 'Established');
    assert.equal(after4.established, before4.established, 'the IPv4 session was not re-established');
    assert.ok(after4.upMs > before4.upMs, `uptime kept counting: ${before4.upMs} → ${after4.upMs} ms`);
  });

  test('state reader: both sessions typed from vtysh JSON', async () => {
    const s = await readFrrState(sp.cli);
    assert.ok(s.ok, s.ok ? '' : s.error.message);
    assert.deepEqual(s.value.bgp.map((b) => [b.vrf, b.peer, b.state]).sort(),
      [['default', ROUTER6, 'Established'], ['default', ROUTER4, 'Established']].sort());
    const v4 = s.value.bgp.find((b) => b.peer === ROUTER4);
    assert.equal(v4?.prefixesSent, 2);
    assert.ok((v4?.messages.opensSent ?? 0) >= 1);
  });

  test('a malformed config is refused and the last good one keeps running', async () => {
    const bad = CONF_B.replace(' no bgp default ipv4-unicast\n', ' no bgp default ipv4-unicast\n neighbor 192.0.2.1 frobnicate 3\n');
    const r = await sp.applier.apply(bad);
    assert.equal(r.result, 'invalid');
    assert.match(r.message, /frobnicate/);
    const running = await node.vtysh('show running-config');
    assert.ok(sameConfig(parseConfig(running), parseConfig(CONF_B.replace(`@@password:peer1@@`, SECRET))), 'B still running');
    await routerHas(router, 'ipv4', ['198.51.100.2/32', '198.51.100.3/32'], 5_000);
    // Back to B: nothing to change in FRR.
    const again = await sp.applier.apply(CONF_B);
    assert.ok(['unchanged', 'applied'].includes(again.result), again.message);
  });

  test('bgpd killed and restarted: the applier puts the config back and routes reappear', async (t) => {
    assert.doesNotMatch(readFileSync(`${node.dir}/frr.conf`, 'utf8'), /network/, 'bgpd starts without the networks');
    const resultsBefore = sp.results.length;
    await node.killDaemon('bgpd');
    await routerHas(router, 'ipv4', [], 30_000);
    await node.startDaemon('bgpd'); // what watchfrr does in the sidecar
    const t0 = performance.now();
    await routerHas(router, 'ipv4', ['198.51.100.2/32', '198.51.100.3/32'], 30_000);
    t.diagnostic(`bgpd up → routes back at the router: ${Math.round(performance.now() - t0)} ms`);
    await routerHas(router, 'ipv6', ['2001:db8:100::3/128'], 30_000);
    const later = sp.results.slice(resultsBefore);
    assert.ok(later.some((r) => r.result === 'applied' && r.method === 'batch'), JSON.stringify(later));
  });

  test('no password in any log line or result message', () => {
    assert.ok(sp.logs.length > 0);
    for (const line of sp.logs) assert.doesNotMatch(line, new RegExp(SECRET));
    for (const r of sp.results) assert.doesNotMatch(r.message, new RegExp(SECRET));
  });
});
