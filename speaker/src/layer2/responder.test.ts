import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { FakeClock } from '@metallb-ts/lib/testing/fake-clock.ts';
import { createRegistry } from '@metallb-ts/lib/metrics.ts';
import { decodeFrame, encodeArpFrame, encodeNdpFrame, type L2Frame } from './codec/frame.ts';
import { gratuitousFrames } from './core/announce-frames.ts';
import { layer2Metrics } from './layer2-metrics.ts';
import { Layer2Responder, type AddressConflict, type AnnounceOutcome } from './responder.ts';
import { FakeGroups, FakeWire } from './testing/fake-frame-io.ts';

const OWN = '02:00:00:00:00:0a';
const CLIENT = '02:00:00:00:00:64';
const FOREIGN = '02:00:00:00:00:99';
const VIP = '192.0.2.200';
const VIP6 = '2001:db8:0:1::200';

const arpRequest = (target: string): Uint8Array => encodeArpFrame({ dst: 'ff:ff:ff:ff:ff:ff', src: CLIENT },
  { op: 1, senderMac: CLIENT, senderIp: '192.0.2.100', targetMac: '00:00:00:00:00:00', targetIp: target });
const ns = (target: string): Uint8Array => encodeNdpFrame({ dst: '33:33:ff:00:02:00', src: CLIENT },
  { src: '2001:db8:0:1::100', dst: 'ff02::1:ff00:200' }, { type: 'ns', target, sourceLinkAddr: CLIENT });
const decoded = (b: Uint8Array): L2Frame => {
  const r = decodeFrame(b);
  assert.ok(r.ok);
  return r.value;
};
/** A compact description of a sent frame. */
const describeFrame = (b: Uint8Array): string => {
  const f = decoded(b);
  if (f.kind === 'arp') return `arp op${f.arp.op} ${f.arp.senderIp}->${f.arp.targetIp} to ${f.eth.dst}`;
  return `${f.ndp.type} ${f.ndp.target} ${f.ip.src}->${f.ip.dst}${f.ndp.type === 'na' ? ` S=${+f.ndp.solicited} O=${+f.ndp.override}` : ''}`;
};

describe('Layer2Responder', () => {
  let clock: FakeClock;
  let wire: FakeWire;
  let groups: FakeGroups;
  let conflicts: AddressConflict[];
  let registry: ReturnType<typeof createRegistry>;
  let responder: Layer2Responder;

  const start = (extra: { refreshMs?: number } = {}): void => {
    registry = createRegistry();
    responder = Layer2Responder.start({
      interfaces: [{ name: 'eth0', mac: OWN }], openFrameIo: wire.open, groups, clock, metrics: layer2Metrics(registry),
      onConflict: (c) => conflicts.push(c), gratuitous: { intervalMs: 1100, durationMs: 5000, ...extra },
    });
  };
  const counter = async (name: string, ip: string): Promise<number> => {
    const m = await registry.getSingleMetric(`metallb_layer2_${name}`)?.get();
    return m?.values.find((v) => v.labels['ip'] === ip)?.value ?? 0;
  };

  beforeEach(() => {
    clock = new FakeClock();
    wire = new FakeWire();
    groups = new FakeGroups();
    conflicts = [];
    start();
  });

  it('opens capture with a filter for ARP/NS/NA that skips its own frames', () => {
    assert.match(wire.filters.get('eth0') ?? '', /not ether src 02:00:00:00:00:0a$/);
  });

  it('probes 3 times 100 ms apart, then announces with a gratuitous burst every 1.1 s for 5 s', async () => {
    let outcome: AnnounceOutcome | undefined;
    void responder.announce(VIP).then((o) => (outcome = o));
    await clock.advance(250);
    assert.deepEqual(wire.take('eth0').map(describeFrame), Array(3).fill(`arp op1 0.0.0.0->${VIP} to ff:ff:ff:ff:ff:ff`));
    assert.equal(outcome, undefined, 'announced before the probe ended');
    wire.deliver('eth0', arpRequest(VIP));
    assert.deepEqual(wire.take('eth0'), [], 'answered while still probing');
    await clock.advance(50);
    assert.deepEqual(outcome, { kind: 'announced' });
    const burst = [`arp op1 ${VIP}->${VIP} to ff:ff:ff:ff:ff:ff`, `arp op2 ${VIP}->${VIP} to ff:ff:ff:ff:ff:ff`];
    assert.deepEqual(wire.take('eth0').map(describeFrame), burst);
    await clock.advance(10_000);
    assert.deepEqual(wire.take('eth0').map(describeFrame), [...burst, ...burst, ...burst, ...burst], 'repeats at 1.1, 2.2, 3.3, 4.4 s only');
    assert.equal(await counter('gratuitous_sent', VIP), 10);
    assert.equal(clock.pending(), 0);
  });

  it('answers ARP requests only for announced addresses, and counts them', async () => {
    await Promise.all([responder.announce(VIP, { probe: false }), clock.advance(0)]);
    wire.take('eth0');
    wire.deliver('eth0', arpRequest(VIP));
    wire.deliver('eth0', arpRequest('192.0.2.201'));
    assert.deepEqual(wire.take('eth0').map(describeFrame), [`arp op2 ${VIP}->192.0.2.100 to ${CLIENT}`]);
    assert.equal(await counter('requests_received', VIP), 1);
    assert.equal(await counter('responses_sent', VIP), 1);
    assert.equal(await counter('requests_received', '192.0.2.201'), 0);
    responder.withdraw(VIP);
    wire.deliver('eth0', arpRequest(VIP));
    assert.deepEqual(wire.take('eth0'), []);
  });

  it('IPv6: joins the solicited-node group, answers NS with a solicited NA, leaves on withdraw', async () => {
    const done = responder.announce(VIP6);
    assert.deepEqual([...groups.members], [['ff02::1:ff00:200%eth0', 1]]);
    await clock.advance(300);
    assert.deepEqual(await done, { kind: 'announced' });
    assert.deepEqual(wire.take('eth0').map(describeFrame), [
      ...Array(3).fill(`ns ${VIP6} ::->ff02::1:ff00:200`), `na ${VIP6} ${VIP6}->ff02::1 S=0 O=1`,
    ]);
    wire.deliver('eth0', ns(VIP6));
    assert.deepEqual(wire.take('eth0').map(describeFrame), [`na ${VIP6} ${VIP6}->2001:db8:0:1::100 S=1 O=0`]);
    responder.withdraw(VIP6);
    assert.deepEqual([...groups.members], []);
  });

  it('a foreign answer during the probe: not announced, conflict reported, requests unanswered', async () => {
    const done = responder.announce(VIP);
    await clock.advance(100);
    wire.take('eth0');
    wire.deliver('eth0', encodeArpFrame({ dst: OWN, src: FOREIGN }, { op: 2, senderMac: FOREIGN, senderIp: VIP, targetMac: OWN, targetIp: '0.0.0.0' }));
    const want: AddressConflict = { ip: VIP, mac: FOREIGN, iface: 'eth0', since: clock.now(), phase: 'probe' };
    assert.deepEqual(await done, { kind: 'conflict', conflict: want });
    assert.deepEqual(conflicts, [want]);
    assert.deepEqual(responder.conflicts(), [want]);
    await clock.advance(10_000);
    wire.deliver('eth0', arpRequest(VIP));
    assert.deepEqual(wire.take('eth0'), [], 'sent something for a conflicting address');
    assert.deepEqual(responder.announced(), []);
  });

  it('another MAC announcing while we announce is reported once and does not stop us', async () => {
    await Promise.all([responder.announce(VIP, { probe: false }), clock.advance(0)]);
    for (let i = 0; i < 3; i++) for (const f of gratuitousFrames(VIP, FOREIGN)) wire.deliver('eth0', f);
    assert.deepEqual(conflicts, [{ ip: VIP, mac: FOREIGN, iface: 'eth0', since: clock.now(), phase: 'announced' }]);
    wire.take('eth0');
    wire.deliver('eth0', arpRequest(VIP));
    assert.equal(wire.take('eth0').length, 1);
  });

  it('a conflict seen while announcing is rechecked with a probe: kept while the MAC answers, cleared once it stops (split brain healed)', async () => {
    const cleared: AddressConflict[] = [];
    registry = createRegistry();
    responder = Layer2Responder.start({
      interfaces: [{ name: 'eth0', mac: OWN }], openFrameIo: wire.open, groups, clock, metrics: layer2Metrics(registry),
      onConflict: (c) => conflicts.push(c), onConflictCleared: (c) => cleared.push(c), conflictRecheckMs: 10_000,
      gratuitous: { intervalMs: 1100, durationMs: 5000 },
    });
    const probe = `arp op1 0.0.0.0->${VIP} to ff:ff:ff:ff:ff:ff`;
    const answer = encodeArpFrame({ dst: OWN, src: FOREIGN }, { op: 2, senderMac: FOREIGN, senderIp: VIP, targetMac: OWN, targetIp: '0.0.0.0' });
    await Promise.all([responder.announce(VIP, { probe: false }), clock.advance(0)]);
    await clock.advance(6_000);
    for (const f of gratuitousFrames(VIP, FOREIGN)) wire.deliver('eth0', f);
    assert.equal(conflicts.length, 1);
    wire.take('eth0');
    await clock.advance(10_000);
    assert.deepEqual(wire.take('eth0').map(describeFrame), [probe], 'the first recheck probes');
    wire.deliver('eth0', answer); // the other holder answers the probe
    await clock.advance(10_000);
    assert.deepEqual(wire.take('eth0').map(describeFrame), [probe], 'still claimed: probed again');
    assert.deepEqual([cleared.length, responder.conflicts().length], [0, 1]);
    await clock.advance(10_000); // no answer to the last probe
    assert.deepEqual(cleared.map((c) => [c.ip, c.mac, c.phase]), [[VIP, FOREIGN, 'announced']]);
    assert.deepEqual(responder.conflicts(), []);
    assert.deepEqual(wire.take('eth0'), [], 'no probe once nothing is in conflict');
    assert.equal(clock.pending(), 0);
    assert.deepEqual(responder.announced(), [VIP], 'announcing all along');
    for (const f of gratuitousFrames(VIP, FOREIGN)) wire.deliver('eth0', f);
    assert.equal(conflicts.length, 2, 'the same MAC claiming again is a new conflict');
    responder.withdraw(VIP);
    assert.equal(clock.pending(), 0, 'withdrawing the last conflicting VIP stops the recheck');
  });

  it('optional refresh keeps announcing after the burst', async () => {
    start({ refreshMs: 30_000 });
    await Promise.all([responder.announce(VIP, { probe: false }), clock.advance(0)]);
    await clock.advance(4_500);
    wire.take('eth0');
    await clock.advance(30_000 + 4_400 - 4_500);
    assert.equal(wire.take('eth0').length, 2, 'one refresh (request + reply) 30 s after the last burst frame');
    responder.stop();
    assert.equal(clock.pending(), 0);
    assert.ok(wire.closed.has('eth0'));
  });

  it('announcing an announced address again restarts the burst', async () => {
    await Promise.all([responder.announce(VIP, { probe: false }), clock.advance(0)]);
    await clock.advance(6_000);
    wire.take('eth0');
    assert.deepEqual(await responder.announce(VIP), { kind: 'announced' });
    assert.equal(wire.take('eth0').length, 2);
    await clock.advance(1_100);
    assert.equal(wire.take('eth0').length, 2);
  });

  it('withdrawing while probing resolves the announce as withdrawn and stops probing', async () => {
    const done = responder.announce(VIP6);
    await clock.advance(100);
    responder.withdraw(VIP6);
    assert.deepEqual(await done, { kind: 'withdrawn' });
    wire.take('eth0');
    await clock.advance(10_000);
    assert.deepEqual(wire.take('eth0'), []);
    assert.deepEqual([...groups.members], []);
    assert.equal(clock.pending(), 0);
  });

  it('rejects text that is not an IP and interfaces it does not capture on', () => {
    assert.throws(() => responder.announce('192.0.2.300'), RangeError);
    assert.throws(() => responder.announce(VIP, { interfaces: ['eth9'] }), /eth9/);
  });
});
