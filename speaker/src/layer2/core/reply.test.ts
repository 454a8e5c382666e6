import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeFrame, encodeArpFrame, encodeNdpFrame, encodeFrame, type L2Frame } from '../codec/frame.ts';
import { gratuitousFrames, probeFrame } from './announce-frames.ts';
import { replyTo, type DropReason } from './reply.ts';

const OWN = '02:00:00:00:00:0a';
const CLIENT = '02:00:00:00:00:64';
const VIP4 = '192.0.2.200';
const VIP6 = '2001:db8:0:1::200';
const iface = { mac: OWN, owns: (ip: string) => ip === VIP4 || ip === VIP6 };

const arpRequest = (o: { dst?: string; target?: string; sender?: string; op?: 1 | 2 } = {}): L2Frame => ({
  kind: 'arp', eth: { dst: o.dst ?? 'ff:ff:ff:ff:ff:ff', src: CLIENT },
  arp: { op: o.op ?? 1, senderMac: CLIENT, senderIp: o.sender ?? '192.0.2.100', targetMac: '00:00:00:00:00:00', targetIp: o.target ?? VIP4 },
});
const ns = (o: { target?: string; lla?: string | null; hop?: number; dst?: string } = {}): L2Frame => ({
  kind: 'ndp', eth: { dst: o.dst ?? '33:33:ff:00:02:00', src: CLIENT },
  ip: { src: '2001:db8:0:1::100', dst: 'ff02::1:ff00:200', hopLimit: o.hop ?? 255 },
  ndp: { type: 'ns', target: o.target ?? VIP6, ...(o.lla === null ? {} : { sourceLinkAddr: o.lla ?? CLIENT }) },
});

/** A duplicate-address-detection NS (from ::, no option) for `target`, as a probing host sends it. */
const dad = (target: string): L2Frame => ({
  kind: 'ndp', eth: { dst: '33:33:ff:00:02:00', src: CLIENT }, ip: { src: '::', dst: 'ff02::1:ff00:200', hopLimit: 255 }, ndp: { type: 'ns', target },
});

describe('replyTo: drops', () => {
  const cases: { desc: string; input: L2Frame; want: DropReason }[] = [
    { desc: 'ARP reply', input: arpRequest({ op: 2 }), want: 'not-a-request' },
    { desc: 'ARP request unicast to another MAC', input: arpRequest({ dst: '02:00:00:00:00:0b' }), want: 'ethernet-destination' },
    { desc: 'ARP request for an address we do not own', input: arpRequest({ target: '192.0.2.201' }), want: 'not-owned' },
    { desc: 'gratuitous ARP request for our VIP from another host', input: arpRequest({ sender: VIP4 }), want: 'gratuitous' },
    { desc: 'our own frame coming back', input: { ...arpRequest(), eth: { dst: 'ff:ff:ff:ff:ff:ff', src: OWN } }, want: 'own-frame' },
    { desc: 'NS without a source link-layer option', input: ns({ lla: null }), want: 'no-source-link-address' },
    { desc: 'DAD NS (from ::) for an address we do not own', input: dad('2001:db8:0:1::201'), want: 'no-source-link-address' },
    { desc: 'NS with hop limit 64', input: ns({ hop: 64 }), want: 'hop-limit' },
    { desc: 'NS for another address', input: ns({ target: '2001:db8:0:1::201' }), want: 'not-owned' },
    { desc: 'NS unicast to another MAC', input: ns({ dst: '02:00:00:00:00:0b' }), want: 'ethernet-destination' },
    { desc: 'unsolicited NA', input: decodeOk(gratuitousFrames(VIP6, CLIENT)[0]!), want: 'not-a-request' },
  ];
  for (const c of cases) it(c.desc, () => assert.deepEqual(replyTo(c.input, iface), { kind: 'drop', reason: c.want }));
});

describe('replyTo: answers', () => {
  it('ARP request (broadcast) → unicast reply with our MAC for the VIP', () => {
    const want = encodeArpFrame({ dst: CLIENT, src: OWN }, { op: 2, senderMac: OWN, senderIp: VIP4, targetMac: CLIENT, targetIp: '192.0.2.100' });
    assert.deepEqual(replyTo(arpRequest(), iface), { kind: 'reply', ip: VIP4, frame: want });
  });
  it('ARP request unicast to our MAC is answered too', () => {
    assert.equal(replyTo(arpRequest({ dst: OWN }), iface).kind, 'reply');
  });
  it('ARP probe (sender 0.0.0.0) is answered, defending the address', () => {
    const r = replyTo(arpRequest({ sender: '0.0.0.0' }), iface);
    assert.equal(r.kind, 'reply');
  });
  it('DAD NS (from ::) for the VIP is defended: an NA to all-nodes, Override set, not Solicited', () => {
    assert.deepEqual(replyTo(dad(VIP6), iface), { kind: 'reply', ip: VIP6, frame: gratuitousFrames(VIP6, OWN)[0] });
  });
  it('NS → solicited NA, Override clear, TLLA = our MAC, sent to the solicitor', () => {
    const want = encodeNdpFrame({ dst: CLIENT, src: OWN }, { src: VIP6, dst: '2001:db8:0:1::100' },
      { type: 'na', router: false, solicited: true, override: false, target: VIP6, targetLinkAddr: OWN });
    assert.deepEqual(replyTo(ns(), iface), { kind: 'reply', ip: VIP6, frame: want });
  });
});

describe('announce frames', () => {
  it('IPv4: a broadcast gratuitous request and reply, sender = target = VIP', () => {
    const frames = gratuitousFrames(VIP4, OWN).map(decodeOk);
    assert.deepEqual(frames.map((f) => f.kind === 'arp' && [f.eth.dst, f.arp.op, f.arp.senderIp, f.arp.targetIp, f.arp.senderMac]), [
      ['ff:ff:ff:ff:ff:ff', 1, VIP4, VIP4, OWN], ['ff:ff:ff:ff:ff:ff', 2, VIP4, VIP4, OWN],
    ]);
  });
  it('IPv6: one unsolicited NA to ff02::1 with Override, not Solicited', () => {
    const [f] = gratuitousFrames(VIP6, OWN).map(decodeOk);
    assert.deepEqual(f, { kind: 'ndp', eth: { dst: '33:33:00:00:00:01', src: OWN }, ip: { src: VIP6, dst: 'ff02::1', hopLimit: 255 },
      ndp: { type: 'na', router: false, solicited: false, override: true, target: VIP6, targetLinkAddr: OWN } });
  });
  it('probes: ARP from 0.0.0.0, DAD NS from :: to the solicited-node group without an option', () => {
    assert.deepEqual(decodeOk(probeFrame(VIP4, OWN)), { kind: 'arp', eth: { dst: 'ff:ff:ff:ff:ff:ff', src: OWN },
      arp: { op: 1, senderMac: OWN, senderIp: '0.0.0.0', targetMac: '00:00:00:00:00:00', targetIp: VIP4 } });
    assert.deepEqual(decodeOk(probeFrame(VIP6, OWN)), { kind: 'ndp', eth: { dst: '33:33:ff:00:02:00', src: OWN },
      ip: { src: '::', dst: 'ff02::1:ff00:200', hopLimit: 255 }, ndp: { type: 'ns', target: VIP6 } });
  });
});

function decodeOk(b: Uint8Array): L2Frame {
  const r = decodeFrame(b);
  if (!r.ok) throw new Error(`does not decode: ${JSON.stringify(r.error)}`);
  assert.deepEqual(encodeFrame(r.value), b);
  return r.value;
}
