/** ARP for Ethernet + IPv4 (RFC 826). Pure; decode never throws. */
import { err, ok, type Result } from '@metallb-ts/lib/result.ts';
import { ipBytesOrThrow, ipv4Text, macBytesOrThrow, macText } from './addr.ts';
import type { DecodeError } from './decode-error.ts';

/** ARP operation codes. */
export const ARP_REQUEST = 1;
/** ARP reply. */
export const ARP_REPLY = 2;
/** Length of an Ethernet/IPv4 ARP packet. */
export const ARP_LEN = 28;

/** A decoded Ethernet/IPv4 ARP packet. */
export interface ArpPacket {
  /** 1 request, 2 reply. */
  readonly op: typeof ARP_REQUEST | typeof ARP_REPLY;
  /** Sender hardware address. */
  readonly senderMac: string;
  /** Sender protocol address (0.0.0.0 in a probe). */
  readonly senderIp: string;
  /** Target hardware address (zero in a request). */
  readonly targetMac: string;
  /** Target protocol address. */
  readonly targetIp: string;
}

/** Decodes an ARP packet; other hardware/protocol types are `unsupported`. */
export function decodeArp(b: Uint8Array): Result<ArpPacket, DecodeError> {
  if (b.length < 8) return err({ kind: 'truncated', layer: 'arp', length: b.length });
  const htype = (b[0]! << 8) | b[1]!;
  const ptype = (b[2]! << 8) | b[3]!;
  if (htype !== 1 || ptype !== 0x0800) return err({ kind: 'unsupported', what: `arp htype ${htype} ptype 0x${ptype.toString(16)}` });
  if (b[4] !== 6 || b[5] !== 4) return err({ kind: 'malformed', layer: 'arp', reason: `address lengths ${b[4]}/${b[5]}` });
  if (b.length < ARP_LEN) return err({ kind: 'truncated', layer: 'arp', length: b.length });
  const op = (b[6]! << 8) | b[7]!;
  if (op !== ARP_REQUEST && op !== ARP_REPLY) return err({ kind: 'unsupported', what: `arp op ${op}` });
  return ok({ op, senderMac: macText(b, 8), senderIp: ipv4Text(b, 14), targetMac: macText(b, 18), targetIp: ipv4Text(b, 24) });
}

/** Encodes an Ethernet/IPv4 ARP packet. */
export function encodeArp(p: ArpPacket): Uint8Array {
  const out = new Uint8Array(ARP_LEN);
  out.set([0, 1, 0x08, 0x00, 6, 4, 0, p.op], 0);
  out.set(macBytesOrThrow(p.senderMac), 8);
  out.set(ipBytesOrThrow(p.senderIp, 'ipv4'), 14);
  out.set(macBytesOrThrow(p.targetMac), 18);
  out.set(ipBytesOrThrow(p.targetIp, 'ipv4'), 24);
  return out;
}
