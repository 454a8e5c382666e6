/**
 * Byte ↔ text conversions for the addresses inside frames: MACs (`aa:bb:cc:dd:ee:ff`, lower
 * case), IPv4 (dotted quad) and IPv6 (RFC 5952 text, via the shared IP parser). Pure.
 */
import { formatIp, parseIp } from '@metallb-ts/lib/ip/ip.ts';

/** The Ethernet broadcast address. */
export const BROADCAST_MAC = 'ff:ff:ff:ff:ff:ff';
/** The all-zero MAC (unknown target in an ARP request). */
export const ZERO_MAC = '00:00:00:00:00:00';
/** The unspecified IPv4 address (sender of an ARP probe). */
export const ZERO_IPV4 = '0.0.0.0';
/** The unspecified IPv6 address (source of a duplicate-address-detection NS). */
export const ZERO_IPV6 = '::';
/** All-nodes link-local multicast (target of unsolicited NAs). */
export const ALL_NODES_IPV6 = 'ff02::1';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Formats 6 bytes at `offset` as a lower-case MAC. */
export function macText(b: Uint8Array, offset = 0): string {
  let s = HEX[b[offset] ?? 0] ?? '00';
  for (let i = 1; i < 6; i++) s += `:${HEX[b[offset + i] ?? 0] ?? '00'}`;
  return s;
}

/** Parses a MAC (`:` or `-` separated, any case); undefined when it is not 6 hex octets. */
export function macBytes(text: string): Uint8Array | undefined {
  const parts = text.split(/[:-]/);
  if (parts.length !== 6 || !parts.every((p) => /^[0-9a-fA-F]{2}$/.test(p))) return undefined;
  return Uint8Array.from(parts, (p) => parseInt(p, 16));
}

/** Formats 4 bytes at `offset` as dotted-quad IPv4. */
export function ipv4Text(b: Uint8Array, offset = 0): string {
  return `${b[offset] ?? 0}.${b[offset + 1] ?? 0}.${b[offset + 2] ?? 0}.${b[offset + 3] ?? 0}`;
}

/** Formats 16 bytes at `offset` as canonical IPv6 text. */
export function ipv6Text(b: Uint8Array, offset = 0): string {
  let v = 0n;
  for (let i = 0; i < 16; i++) v = (v << 8n) | BigInt(b[offset + i] ?? 0);
  return formatIp('ipv6', v);
}

/** The 4 or 16 bytes of an IP in text form; undefined when it does not parse. */
export function ipBytes(text: string): Uint8Array | undefined {
  const ip = parseIp(text);
  if (ip === undefined) return undefined;
  const n = ip.family === 'ipv4' ? 4 : 16;
  const out = new Uint8Array(n);
  let v = ip.value;
  for (let i = n - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** Like {@link ipBytes} for text that is already known to be valid (encoders' inputs). */
export function ipBytesOrThrow(text: string, family: 'ipv4' | 'ipv6'): Uint8Array {
  const b = ipBytes(text);
  if (b === undefined || b.length !== (family === 'ipv4' ? 4 : 16)) throw new RangeError(`not an ${family} address: ${text}`);
  return b;
}

/** Like {@link macBytes} for a MAC that is already known to be valid. */
export function macBytesOrThrow(text: string): Uint8Array {
  const b = macBytes(text);
  if (b === undefined) throw new RangeError(`not a MAC address: ${text}`);
  return b;
}

/** The solicited-node multicast group of an IPv6 address: ff02::1:ffXX:XXXX (RFC 4291 §2.7.1). */
export function solicitedNodeGroup(ipv6: string): string {
  const b = ipBytesOrThrow(ipv6, 'ipv6');
  const g = new Uint8Array(16);
  g.set([0xff, 0x02], 0);
  g.set([0x01, 0xff, b[13] ?? 0, b[14] ?? 0, b[15] ?? 0], 11);
  return ipv6Text(g);
}

/** The Ethernet multicast MAC of an IPv6 multicast group: 33:33 + its low 32 bits (RFC 2464 §7). */
export function ipv6MulticastMac(group: string): string {
  const b = ipBytesOrThrow(group, 'ipv6');
  return macText(Uint8Array.from([0x33, 0x33, b[12] ?? 0, b[13] ?? 0, b[14] ?? 0, b[15] ?? 0]));
}
