/**
 * Reads the UDP/IPv4 datagrams out of a classic pcap file (tcpdump -w) with Ethernet framing:
 * enough to replay captured gossip. Anything else in the file is skipped. Pure.
 */

/** One captured datagram. */
export interface CapturedDatagram {
  readonly src: string;
  readonly dst: string;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly payload: Buffer;
}

const LINKTYPE_ETHERNET = 1;

/** The UDP/IPv4 datagrams of a pcap file, in capture order. */
export function udpDatagramsOf(file: Buffer): CapturedDatagram[] {
  if (file.length < 24) return [];
  const magic = file.readUInt32LE(0);
  const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  if (!le && file.readUInt32BE(0) !== 0xa1b2c3d4 && file.readUInt32BE(0) !== 0xa1b23c4d) throw new Error('not a pcap file');
  const u32 = (off: number): number => (le ? file.readUInt32LE(off) : file.readUInt32BE(off));
  if (u32(20) !== LINKTYPE_ETHERNET) throw new Error(`pcap link type ${u32(20)}, want Ethernet`);
  const out: CapturedDatagram[] = [];
  for (let off = 24; off + 16 <= file.length;) {
    const len = u32(off + 8);
    const frame = file.subarray(off + 16, off + 16 + len);
    off += 16 + len;
    const d = udpOfFrame(frame);
    if (d !== undefined) out.push(d);
  }
  return out;
}

const ip4 = (b: Buffer, off: number): string => [...b.subarray(off, off + 4)].join('.');

function udpOfFrame(f: Buffer): CapturedDatagram | undefined {
  if (f.length < 14 + 20 + 8 || f.readUInt16BE(12) !== 0x0800) return undefined;
  const ip = f.subarray(14);
  const ihl = (ip[0]! & 0x0f) * 4;
  if (ip[0]! >> 4 !== 4 || ip[9] !== 17 || ip.length < ihl + 8) return undefined;
  const udp = ip.subarray(ihl);
  const udpLen = udp.readUInt16BE(4);
  if (udpLen < 8 || udpLen > udp.length) return undefined;
  return {
    src: ip4(ip, 12), dst: ip4(ip, 16), srcPort: udp.readUInt16BE(0), dstPort: udp.readUInt16BE(2),
    payload: Buffer.from(udp.subarray(8, udpLen)),
  };
}
