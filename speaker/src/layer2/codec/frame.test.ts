import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { solicitedNodeGroup, ipv6MulticastMac, macBytes } from './addr.ts';
import { decodeFrame, encodeFrame, type DecodeError, type L2Frame } from './frame.ts';

/** Frames captured with tcpdump -xx in the lab (client 192.0.2.100 ↔ node 192.0.2.10, Linux 6.x). */
const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const CLIENT = 'da:f8:70:78:83:06';
const NODE = 'ee:89:74:b4:35:40';
const CAPTURED = {
  arpRequest: hex('ffffffffffff daf870788306 0806 0001 0800 0604 0001 daf870788306 c0000264 ffffffffffff c000020a'),
  arpReply: hex('daf870788306 ee8974b43540 0806 0001 0800 0604 0002 ee8974b43540 c000020a daf870788306 c0000264'),
  ns: hex(`3333ff000010 daf870788306 86dd 60000000 0020 3aff 20010db8000000010000000000000100
    ff0200000000000000000001ff000010 8700 4e93 00000000 20010db8000000010000000000000010 0101 daf870788306`),
  na: hex(`daf870788306 ee8974b43540 86dd 60000000 0020 3aff 20010db8000000010000000000000010
    20010db8000000010000000000000100 8800 f2d6 60000000 20010db8000000010000000000000010 0201 ee8974b43540`),
};

describe('decodeFrame on captured frames', () => {
  const cases: { desc: string; input: Uint8Array; want: L2Frame }[] = [
    {
      desc: 'kernel ARP request (arping)', input: CAPTURED.arpRequest,
      want: { kind: 'arp', eth: { dst: 'ff:ff:ff:ff:ff:ff', src: CLIENT },
        arp: { op: 1, senderMac: CLIENT, senderIp: '192.0.2.100', targetMac: 'ff:ff:ff:ff:ff:ff', targetIp: '192.0.2.10' } },
    },
    {
      desc: 'kernel ARP reply', input: CAPTURED.arpReply,
      want: { kind: 'arp', eth: { dst: CLIENT, src: NODE },
        arp: { op: 2, senderMac: NODE, senderIp: '192.0.2.10', targetMac: CLIENT, targetIp: '192.0.2.100' } },
    },
    {
      desc: 'kernel NS to the solicited-node group with a source LLA', input: CAPTURED.ns,
      want: { kind: 'ndp', eth: { dst: '33:33:ff:00:00:10', src: CLIENT },
        ip: { src: '2001:db8:0:1::100', dst: 'ff02::1:ff00:10', hopLimit: 255 },
        ndp: { type: 'ns', target: '2001:db8:0:1::10', sourceLinkAddr: CLIENT } },
    },
    {
      desc: 'kernel solicited NA with override', input: CAPTURED.na,
      want: { kind: 'ndp', eth: { dst: CLIENT, src: NODE },
        ip: { src: '2001:db8:0:1::10', dst: '2001:db8:0:1::100', hopLimit: 255 },
        ndp: { type: 'na', router: false, solicited: true, override: true, target: '2001:db8:0:1::10', targetLinkAddr: NODE } },
    },
  ];
  for (const c of cases) {
    it(c.desc, () => assert.deepEqual(decodeFrame(c.input), { ok: true, value: c.want }));
    it(`${c.desc}: encodes back to the captured bytes`, () => assert.deepEqual(encodeFrame(c.want), c.input));
  }
});

describe('decodeFrame on malformed or foreign frames', () => {
  const withByte = (b: Uint8Array, i: number, v: number): Uint8Array => {
    const c = Uint8Array.from(b);
    c[i] = v;
    return c;
  };
  const cases: { desc: string; input: Uint8Array; want: DecodeError }[] = [
    { desc: 'empty', input: new Uint8Array(0), want: { kind: 'truncated', layer: 'ethernet', length: 0 } },
    { desc: 'IPv4 ethertype', input: withByte(CAPTURED.arpRequest, 13, 0x00), want: { kind: 'unsupported', what: 'ethertype 0x0800' } },
    { desc: 'ARP cut short', input: CAPTURED.arpRequest.subarray(0, 30), want: { kind: 'truncated', layer: 'arp', length: 16 } },
    { desc: 'ARP op 3 (RARP)', input: withByte(CAPTURED.arpRequest, 21, 3), want: { kind: 'unsupported', what: 'arp op 3' } },
    { desc: 'ARP hlen 8', input: withByte(CAPTURED.arpRequest, 18, 8), want: { kind: 'malformed', layer: 'arp', reason: 'address lengths 8/4' } },
    { desc: 'NS with a flipped checksum bit', input: withByte(CAPTURED.ns, 57, 0x94), want: { kind: 'malformed', layer: 'icmpv6', reason: 'bad checksum' } },
    { desc: 'IPv6 payload length beyond the frame', input: withByte(CAPTURED.ns, 19, 0x40), want: { kind: 'truncated', layer: 'ipv6', length: 72 } },
    { desc: 'IPv6 version 4', input: withByte(CAPTURED.ns, 14, 0x40), want: { kind: 'malformed', layer: 'ipv6', reason: 'version 4' } },
    { desc: 'echo request', input: withByte(CAPTURED.ns, 54, 128), want: { kind: 'unsupported', what: 'icmpv6 type 128' } },
  ];
  for (const c of cases) {
    it(c.desc, () => assert.deepEqual(decodeFrame(c.input), { ok: false, error: c.want }));
  }
  it('a zero-length option is malformed (checksum fixed up)', () => {
    const f = decodeFrame(CAPTURED.ns);
    assert.ok(f.ok);
    const bytes = encodeFrame(f.value);
    bytes[bytes.length - 7] = 0; // option length → 0; re-checksum so only the option is wrong
    bytes[56] = 0;
    bytes[57] = 0;
    const sum = recomputeIcmpChecksum(bytes);
    bytes[56] = sum >> 8;
    bytes[57] = sum & 0xff;
    assert.deepEqual(decodeFrame(bytes), { ok: false, error: { kind: 'malformed', layer: 'icmpv6', reason: 'zero-length option' } });
  });
});

function recomputeIcmpChecksum(frame: Uint8Array): number {
  let sum = frame.length - 54 + 58;
  for (let i = 22; i < 54; i += 2) sum += (frame[i]! << 8) | frame[i + 1]!;
  for (let i = 54; i < frame.length; i += 2) sum += (frame[i]! << 8) | (frame[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

describe('addresses', () => {
  const groups = [
    { desc: 'documentation VIP', input: '2001:db8:0:1::200', want: 'ff02::1:ff00:200', mac: '33:33:ff:00:02:00' },
    { desc: 'low 24 bits only', input: '2001:db8::abcd:ef12', want: 'ff02::1:ffcd:ef12', mac: '33:33:ff:cd:ef:12' },
  ];
  for (const c of groups) {
    it(`solicited-node group of ${c.desc}`, () => {
      assert.equal(solicitedNodeGroup(c.input), c.want);
      assert.equal(ipv6MulticastMac(c.want), c.mac);
    });
  }
  it('rejects MACs that are not 6 hex octets', () => {
    for (const bad of ['', 'aa:bb:cc:dd:ee', 'aa:bb:cc:dd:ee:fg', 'aa:bb:cc:dd:ee:ff:00']) assert.equal(macBytes(bad), undefined, bad);
  });
});
