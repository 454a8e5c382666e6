/** IPv6 fixed header codec and the upper-layer checksum over its pseudo-header. Pure. */
import { err, ok, type Result } from '@metallb-ts/lib/result.ts';
import { ipBytesOrThrow, ipv6Text } from './addr.ts';
import type { DecodeError } from './decode-error.ts';

/** Length of the fixed IPv6 header. */
export const IPV6_HEADER_LEN = 40;
/** Next-header value of ICMPv6. */
export const NEXT_HEADER_ICMPV6 = 58;

/** A decoded IPv6 packet (fixed header only; extension headers are not walked). */
export interface Ipv6Packet {
  /** Source address, canonical text. */
  readonly src: string;
  /** Destination address, canonical text. */
  readonly dst: string;
  /** Next header (58 = ICMPv6). */
  readonly nextHeader: number;
  /** Hop limit (NDP requires 255). */
  readonly hopLimit: number;
  /** The payload as declared by the payload-length field (a view). */
  readonly payload: Uint8Array;
  /** The 16 source bytes, for checksums (a view). */
  readonly srcBytes: Uint8Array;
  /** The 16 destination bytes, for checksums (a view). */
  readonly dstBytes: Uint8Array;
}

/** Decodes the fixed header; trailing Ethernet padding beyond the payload length is ignored. */
export function decodeIpv6(b: Uint8Array): Result<Ipv6Packet, DecodeError> {
  if (b.length < IPV6_HEADER_LEN) return err({ kind: 'truncated', layer: 'ipv6', length: b.length });
  if (b[0]! >> 4 !== 6) return err({ kind: 'malformed', layer: 'ipv6', reason: `version ${b[0]! >> 4}` });
  const payloadLen = (b[4]! << 8) | b[5]!;
  if (b.length < IPV6_HEADER_LEN + payloadLen) return err({ kind: 'truncated', layer: 'ipv6', length: b.length });
  return ok({
    src: ipv6Text(b, 8), dst: ipv6Text(b, 24), nextHeader: b[6]!, hopLimit: b[7]!,
    payload: b.subarray(IPV6_HEADER_LEN, IPV6_HEADER_LEN + payloadLen),
    srcBytes: b.subarray(8, 24), dstBytes: b.subarray(24, 40),
  });
}

/** What {@link encodeIpv6} needs: addresses as text. */
export interface Ipv6Header {
  /** Source address. */
  readonly src: string;
  /** Destination address. */
  readonly dst: string;
  /** Next header. */
  readonly nextHeader: number;
  /** Hop limit. */
  readonly hopLimit: number;
}

/** Encodes a fixed IPv6 header followed by `payload` (traffic class and flow label zero). */
export function encodeIpv6(h: Ipv6Header, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(IPV6_HEADER_LEN + payload.length);
  out[0] = 0x60;
  out[4] = payload.length >> 8;
  out[5] = payload.length & 0xff;
  out[6] = h.nextHeader;
  out[7] = h.hopLimit;
  out.set(ipBytesOrThrow(h.src, 'ipv6'), 8);
  out.set(ipBytesOrThrow(h.dst, 'ipv6'), 24);
  out.set(payload, IPV6_HEADER_LEN);
  return out;
}

/**
 * The Internet checksum of an upper-layer message over the IPv6 pseudo-header (RFC 8200 §8.1):
 * source, destination, upper-layer length, next header. A message whose checksum field is
 * correct sums to 0.
 */
export function pseudoHeaderChecksum(src: Uint8Array, dst: Uint8Array, nextHeader: number, msg: Uint8Array): number {
  let sum = msg.length + nextHeader; // length fits 16 bits for NDP; zero padding elided
  for (let i = 0; i < 16; i += 2) sum += ((src[i]! << 8) | src[i + 1]!) + ((dst[i]! << 8) | dst[i + 1]!);
  for (let i = 0; i + 1 < msg.length; i += 2) sum += (msg[i]! << 8) | msg[i + 1]!;
  if (msg.length % 2 === 1) sum += msg[msg.length - 1]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}
