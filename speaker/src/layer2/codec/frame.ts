/**
 * Whole frames the layer-2 responder sees and sends: Ethernet + ARP, or Ethernet + IPv6 +
 * ICMPv6 NS/NA. {@link decodeFrame} returns a Result for any byte string and never throws.
 */
import { err, ok, type Result } from '@metallb-ts/lib/result.ts';
import { decodeArp, encodeArp, type ArpPacket } from './arp.ts';
import type { DecodeError } from './decode-error.ts';
import { decodeEthernet, encodeEthernet, ETHERTYPE_ARP, ETHERTYPE_IPV6, type EthernetFrame } from './ethernet.ts';
import { decodeIpv6, encodeIpv6, NEXT_HEADER_ICMPV6 } from './ipv6.ts';
import { decodeNdp, encodeNdp, type NdpMessage } from './ndp.ts';

export type { DecodeError } from './decode-error.ts';

/** Ethernet addresses of a frame. */
export interface EthernetAddrs {
  /** Destination MAC. */
  readonly dst: string;
  /** Source MAC. */
  readonly src: string;
}

/** An ARP frame. */
export interface ArpFrame {
  /** Discriminant. */
  readonly kind: 'arp';
  /** Ethernet addresses. */
  readonly eth: EthernetAddrs;
  /** The ARP packet. */
  readonly arp: ArpPacket;
}

/** An NDP (NS/NA) frame. */
export interface NdpFrame {
  /** Discriminant. */
  readonly kind: 'ndp';
  /** Ethernet addresses. */
  readonly eth: EthernetAddrs;
  /** IPv6 header fields that NDP validation and replies need. */
  readonly ip: { readonly src: string; readonly dst: string; readonly hopLimit: number };
  /** The NDP message. */
  readonly ndp: NdpMessage;
}

/** A frame the responder handles. */
export type L2Frame = ArpFrame | NdpFrame;

/** Decodes a captured Ethernet frame into an ARP or NDP frame. */
export function decodeFrame(b: Uint8Array): Result<L2Frame, DecodeError> {
  const e = decodeEthernet(b);
  if (!e.ok) return e;
  const eth = { dst: e.value.dst, src: e.value.src };
  if (e.value.etherType === ETHERTYPE_ARP) {
    const a = decodeArp(e.value.payload);
    return a.ok ? ok({ kind: 'arp', eth, arp: a.value }) : a;
  }
  if (e.value.etherType === ETHERTYPE_IPV6) return decodeNdpFrame(eth, e.value);
  return err({ kind: 'unsupported', what: `ethertype 0x${e.value.etherType.toString(16).padStart(4, '0')}` });
}

function decodeNdpFrame(eth: EthernetAddrs, e: EthernetFrame): Result<L2Frame, DecodeError> {
  const ip = decodeIpv6(e.payload);
  if (!ip.ok) return ip;
  const p = ip.value;
  if (p.nextHeader !== NEXT_HEADER_ICMPV6) return err({ kind: 'unsupported', what: `ipv6 next header ${p.nextHeader}` });
  const n = decodeNdp(p.payload, p.srcBytes, p.dstBytes);
  return n.ok ? ok({ kind: 'ndp', eth, ip: { src: p.src, dst: p.dst, hopLimit: p.hopLimit }, ndp: n.value }) : n;
}

/** Encodes an ARP frame. */
export function encodeArpFrame(eth: EthernetAddrs, arp: ArpPacket): Uint8Array {
  return encodeEthernet({ ...eth, etherType: ETHERTYPE_ARP }, encodeArp(arp));
}

/** Encodes an NDP frame; the hop limit is always 255 as RFC 4861 requires. */
export function encodeNdpFrame(eth: EthernetAddrs, ip: { readonly src: string; readonly dst: string }, ndp: NdpMessage): Uint8Array {
  return encodeFrame({ kind: 'ndp', eth, ip: { src: ip.src, dst: ip.dst, hopLimit: 255 }, ndp });
}

/** Encodes any {@link L2Frame} (the inverse of {@link decodeFrame}; NDP hop limit from the frame). */
export function encodeFrame(f: L2Frame): Uint8Array {
  if (f.kind === 'arp') return encodeArpFrame(f.eth, f.arp);
  const icmp = encodeNdp(f.ndp, f.ip.src, f.ip.dst);
  return encodeEthernet(
    { ...f.eth, etherType: ETHERTYPE_IPV6 },
    encodeIpv6({ src: f.ip.src, dst: f.ip.dst, nextHeader: NEXT_HEADER_ICMPV6, hopLimit: f.ip.hopLimit }, icmp),
  );
}
