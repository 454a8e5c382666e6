import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { udpDatagramsOf } from './pcap-udp.ts';

/** A little-endian pcap file (Ethernet) holding `frames`. */
function pcap(frames: Buffer[]): Buffer {
  const head = Buffer.alloc(24);
  head.writeUInt32LE(0xa1b2c3d4, 0);
  head.writeUInt16LE(2, 4);
  head.writeUInt16LE(4, 6);
  head.writeUInt32LE(65535, 16);
  head.writeUInt32LE(1, 20);
  return Buffer.concat([head, ...frames.flatMap((f) => {
    const rec = Buffer.alloc(16);
    rec.writeUInt32LE(f.length, 8);
    rec.writeUInt32LE(f.length, 12);
    return [rec, f];
  })]);
}

/** An Ethernet + IPv4 frame carrying `proto` with `l4` as its payload. */
function frame(proto: number, l4: Buffer, ethertype = 0x0800): Buffer {
  const eth = Buffer.alloc(14);
  eth.writeUInt16BE(ethertype, 12);
  const ip = Buffer.alloc(20);
  ip[0] = 0x45;
  ip[9] = proto;
  Buffer.from([192, 0, 2, 11]).copy(ip, 12);
  Buffer.from([192, 0, 2, 10]).copy(ip, 16);
  return Buffer.concat([eth, ip, l4]);
}

function udp(srcPort: number, dstPort: number, payload: Buffer, trailer = Buffer.alloc(0)): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt16BE(srcPort, 0);
  h.writeUInt16BE(dstPort, 2);
  h.writeUInt16BE(8 + payload.length, 4);
  return Buffer.concat([h, payload, trailer]);
}

describe('udpDatagramsOf', () => {
  const cases = [
    { desc: 'one datagram', frames: [frame(17, udp(7946, 7946, Buffer.from('hello')))], want: ['192.0.2.11:7946>192.0.2.10:7946 hello'] },
    { desc: 'Ethernet padding after the UDP length is not payload', frames: [frame(17, udp(40000, 7946, Buffer.from('ab'), Buffer.alloc(6)))], want: ['192.0.2.11:40000>192.0.2.10:7946 ab'] },
    { desc: 'TCP and ARP frames are skipped', frames: [frame(6, Buffer.alloc(20)), frame(17, Buffer.alloc(28), 0x0806), frame(17, udp(1, 2, Buffer.from('x')))], want: ['192.0.2.11:1>192.0.2.10:2 x'] },
    { desc: 'an empty capture', frames: [], want: [] },
  ];
  for (const c of cases) {
    it(c.desc, () => {
      assert.deepEqual(udpDatagramsOf(pcap(c.frames)).map((d) => `${d.src}:${d.srcPort}>${d.dst}:${d.dstPort} ${d.payload.toString()}`), c.want);
    });
  }

  it('refuses what is not a pcap file', () => {
    assert.throws(() => udpDatagramsOf(Buffer.alloc(40, 1)), /not a pcap file/);
  });
});
