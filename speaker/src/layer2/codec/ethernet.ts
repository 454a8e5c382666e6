/** Ethernet II header codec. Pure; decode never throws. */
import { err, ok, type Result } from '@metallb-ts/lib/result.ts';
import { macBytesOrThrow, macText } from './addr.ts';
import type { DecodeError } from './decode-error.ts';

/** EtherType of ARP. */
export const ETHERTYPE_ARP = 0x0806;
/** EtherType of IPv6. */
export const ETHERTYPE_IPV6 = 0x86dd;
/** Length of an Ethernet II header (no VLAN tag). */
export const ETHERNET_HEADER_LEN = 14;

/** A decoded Ethernet II frame. */
export interface EthernetFrame {
  /** Destination MAC, lower case. */
  readonly dst: string;
  /** Source MAC, lower case. */
  readonly src: string;
  /** EtherType (0x0806 ARP, 0x86dd IPv6, …). */
  readonly etherType: number;
  /** Bytes after the header (a view, not a copy). */
  readonly payload: Uint8Array;
}

/** Decodes the header of an Ethernet II frame. */
export function decodeEthernet(b: Uint8Array): Result<EthernetFrame, DecodeError> {
  if (b.length < ETHERNET_HEADER_LEN) return err({ kind: 'truncated', layer: 'ethernet', length: b.length });
  const etherType = (b[12]! << 8) | b[13]!;
  return ok({ dst: macText(b, 0), src: macText(b, 6), etherType, payload: b.subarray(ETHERNET_HEADER_LEN) });
}

/** Encodes an Ethernet II frame (no padding: the NIC pads to the 60-byte minimum). */
export function encodeEthernet(f: Omit<EthernetFrame, 'payload'>, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(ETHERNET_HEADER_LEN + payload.length);
  out.set(macBytesOrThrow(f.dst), 0);
  out.set(macBytesOrThrow(f.src), 6);
  out[12] = f.etherType >> 8;
  out[13] = f.etherType & 0xff;
  out.set(payload, ETHERNET_HEADER_LEN);
  return out;
}
