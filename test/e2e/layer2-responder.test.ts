/**
 * The layer-2 responder on the wire (issue 10, proofs 1 and 5): a responder process in a node
 * namespace answers for VIPs that the node's kernel holds on a dummy interface with strict ARP
 * (kube-proxy's setup), and the CLIENT's kernel proves it: arping, `ip neigh`, TCP. A foreign
 * host already using a pool address is not announced over, and the conflict is reported.
 * A takeover by another node updates the client's neighbour entry through gratuitous frames.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { addKubeProxyVips, startWhoAmIServer, tcpWhoAmI } from '../harness/lab-kube-proxy.ts';
import { counterValue, startL2Responder, type L2ResponderProcess } from '../harness/l2-responder.ts';
import { Lab } from '../harness/lab.ts';
import { runOk } from '../harness/netns.ts';

const VIP4 = '192.0.2.200';
const VIP6 = '2001:db8:0:1::200';
const TAKEOVER4 = '192.0.2.201';
const TAKEOVER6 = '2001:db8:0:1::201';
const FOREIGN4 = '192.0.2.220';
const FOREIGN6 = '2001:db8:0:1::220';
const PORT = 8080;

/** Polls the client's neighbour entry for `ip` (no flush) until its MAC is `mac`; bounded. */
async function waitForNeighborMac(lab: Lab, ip: string, mac: string, timeoutMs: number): Promise<string | undefined> {
  let last: string | undefined;
  for (let i = 0; i < timeoutMs / 100; i++) {
    last = (await lab.neighbor('client', ip))?.mac;
    if (last === mac) return last;
    await sleep(100);
  }
  return last;
}

describe('layer-2 responder in the lab', { timeout: 90_000 }, () => {
  let lab: Lab;
  let r0: L2ResponderProcess;
  let r1: L2ResponderProcess;
  const mac = (role: 'node-0' | 'node-1' | 'router'): string => lab.addr(role).mac.toLowerCase();
  const arping = (ip: string) => lab.exec('client', 'arping', ['-c', '2', '-w', '3', '-I', lab.addr('client').iface, ip]);

  before(async () => {
    lab = await Lab.create({ nodes: 2 });
    for (const n of ['node-0', 'node-1'] as const) {
      await addKubeProxyVips(lab, n, [VIP4, VIP6, TAKEOVER4, TAKEOVER6]);
      await startWhoAmIServer(lab, n, PORT);
    }
    // The foreign host: the router's kernel really owns these pool addresses.
    await runOk('ip', ['-n', lab.ns('router'), '-batch', '-'],
      { input: `addr add ${FOREIGN4}/32 dev eth0\naddr add ${FOREIGN6}/128 dev eth0 nodad\n` });
    [r0, r1] = await Promise.all([startL2Responder(lab, 'node-0'), startL2Responder(lab, 'node-1')]);
  });
  after(async () => {
    await Promise.all([r0?.stop(), r1?.stop()]);
    await lab?.destroy();
  });

  test('strict ARP: before announcing, nothing answers for the VIP', async () => {
    const r = await arping(VIP4);
    assert.notEqual(r.exitCode, 0, `something answered for ${VIP4}: ${r.stdout}`);
  });

  test('IPv4: arping gets node-0 MAC, the client kernel resolves it, TCP reaches node-0', async () => {
    assert.deepEqual(await r0.announce(VIP4), { kind: 'announced' });
    const r = await arping(VIP4);
    assert.equal(r.exitCode, 0, r.stdout + r.stderr);
    const macs = [...r.stdout.matchAll(/\[([0-9A-F:]{17})\]/gi)].map((m) => m[1]!.toLowerCase());
    assert.deepEqual(new Set(macs), new Set([mac('node-0')]), r.stdout);
    assert.equal((await lab.resolveNeighbor('client', VIP4))?.mac, mac('node-0'));
    assert.equal(await tcpWhoAmI(lab, 'client', VIP4, PORT), 'node-0');
    const metrics = await r0.metrics();
    assert.ok(counterValue(metrics, 'requests_received', VIP4) >= 2, metrics);
    assert.ok(counterValue(metrics, 'responses_sent', VIP4) >= 2, metrics);
    assert.ok(counterValue(metrics, 'gratuitous_sent', VIP4) >= 2, metrics);
  });

  test('IPv6: ping -6 and the client neighbour table resolve the VIP to node-0', async () => {
    assert.deepEqual(await r0.announce(VIP6), { kind: 'announced' });
    const maddr = await runOk('ip', ['-n', lab.ns('node-0'), '-6', 'maddr', 'show', 'dev', 'eth0']);
    assert.match(maddr, /ff02::1:ff00:200/, 'the solicited-node group of the VIP was not joined');
    await runOk('ip', ['-n', lab.ns('client'), 'neigh', 'flush', 'to', VIP6]);
    const ping = await lab.exec('client', 'ping', ['-6', '-c', '1', '-W', '3', VIP6]);
    assert.equal(ping.exitCode, 0, ping.stdout + ping.stderr);
    const entry = await lab.neighbor('client', VIP6);
    assert.equal(entry?.mac, mac('node-0'));
    assert.ok(entry.state.some((s) => ['REACHABLE', 'STALE', 'DELAY'].includes(s)), entry.state.join());
    assert.equal(await tcpWhoAmI(lab, 'client', VIP6, PORT), 'node-0');
    assert.ok(counterValue(await r0.metrics(), 'responses_sent', VIP6) >= 1);
  });

  test('a foreign host already using a pool address: not announced, conflict reported', async () => {
    for (const ip of [FOREIGN4, FOREIGN6]) {
      const outcome = await r0.announce(ip);
      assert.equal(outcome.kind, 'conflict', `${ip}: ${JSON.stringify(outcome)}`);
      assert.ok(outcome.kind === 'conflict');
      assert.deepEqual({ ip: outcome.conflict.ip, mac: outcome.conflict.mac, phase: outcome.conflict.phase },
        { ip, mac: mac('router'), phase: 'probe' });
      assert.ok(r0.conflicts().some((c) => c.ip === ip && c.mac === mac('router')));
    }
    const r = await arping(FOREIGN4);
    assert.equal(r.exitCode, 0, r.stdout);
    const macs = [...r.stdout.matchAll(/\[([0-9A-F:]{17})\]/gi)].map((m) => m[1]!.toLowerCase());
    assert.deepEqual(new Set(macs), new Set([mac('router')]), `node-0 answered for a foreign address: ${r.stdout}`);
    const metrics = await r0.metrics();
    assert.equal(counterValue(metrics, 'responses_sent', FOREIGN4) + counterValue(metrics, 'gratuitous_sent', FOREIGN4), 0, metrics);
  });

  test('takeover: node-1 announces, the client entry moves to node-1 by gratuitous ARP/NA', async () => {
    for (const ip of [TAKEOVER4, TAKEOVER6]) assert.deepEqual(await r0.announce(ip), { kind: 'announced' });
    assert.equal((await lab.resolveNeighbor('client', TAKEOVER4))?.mac, mac('node-0'));
    await lab.exec('client', 'ping', ['-6', '-c', '1', '-W', '3', TAKEOVER6]);
    assert.equal((await lab.neighbor('client', TAKEOVER6))?.mac, mac('node-0'));
    const from = r0.events.length;
    // The elected node takes over without probing (the old owner is a known peer) ...
    for (const ip of [TAKEOVER4, TAKEOVER6]) assert.deepEqual(await r1.announce(ip, false), { kind: 'announced' });
    // ... the old owner sees the split brain as a conflict, then steps down.
    await r0.waitFor((e) => e.event === 'conflict' && (e['conflict'] as { ip: string }).ip === TAKEOVER4, from);
    for (const ip of [TAKEOVER4, TAKEOVER6]) await r0.withdraw(ip);
    assert.equal(await waitForNeighborMac(lab, TAKEOVER4, mac('node-1'), 6_000), mac('node-1'));
    assert.equal(await waitForNeighborMac(lab, TAKEOVER6, mac('node-1'), 6_000), mac('node-1'));
    assert.equal(await tcpWhoAmI(lab, 'client', TAKEOVER4, PORT), 'node-1');
  });

  test('neither responder reported a send or multicast-group error', () => {
    assert.deepEqual([...r0.events, ...r1.events].filter((e) => e.event === 'error'), []);
  });
});
