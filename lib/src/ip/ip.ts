/**
 * IP address and CIDR parsing with Go's `net.ParseIP` / `net.ParseCIDR` acceptance rules,
 * range → CIDR summarisation and overlap tests. Addresses are unsigned bigints so that both
 * families share one arithmetic.
 *
 * Like Go (whose `net.IP` has no separate IPv4-mapped form), an IPv4-mapped IPv6 address
 * (`::ffff:a.b.c.d`) is an IPv4 address here, and a CIDR written in that form is an IPv4 block
 * when its prefix keeps the `::ffff:0:0/96` part (length ≥ 96); see docs/validation.md.
 */
import { err, ok, type Result } from '../result.ts';

/** IP family, as MetalLB names it in metrics and status. */
export type IpFamily = 'ipv4' | 'ipv6';

/**
 * An IP address: the one address type of both binaries (config, allocator, speaker). Text is
 * derived on demand with {@link ipText}, so hot paths (allocation) never format.
 */
export interface IpAddress {
  /** Address family. */
  readonly family: IpFamily;
  /** The address as an unsigned integer (32 or 128 bits). */
  readonly value: bigint;
}

/** An address as parsed from text, carrying its canonical text (dotted quad or RFC 5952). */
export interface ParsedIp extends IpAddress {
  /** Canonical text (dotted quad, or RFC 5952 for IPv6). */
  readonly text: string;
}

/** One CIDR block, as a closed range of addresses. */
export interface CidrBlock {
  /** Address family of the block. */
  readonly family: IpFamily;
  /** First address of the block, as an unsigned integer. */
  readonly first: bigint;
  /** Last address of the block (inclusive). */
  readonly last: bigint;
  /** Prefix length (0–32 or 0–128). */
  readonly prefixLength: number;
  /**
   * The mask length Go reports (`IPNet.Mask.Size()`) when it differs from `prefixLength`: an
   * IPv4 block written as IPv4-mapped IPv6 keeps its 128-bit mask (e.g. 125 for a /29).
   */
  readonly maskLength?: number;
  /** Canonical text, e.g. `198.51.100.0/24` or `2001:db8::/64`. */
  readonly text: string;
}

/** Address width in bits per family. */
export const bitsOf = (family: IpFamily): number => (family === 'ipv4' ? 32 : 128);

const DECIMAL_OCTET = /^(0|[1-9][0-9]{0,2})$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

/** Parses dotted-decimal IPv4 (no leading zeros, as Go ≥ 1.17); undefined when invalid. */
function parseV4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!DECIMAL_OCTET.test(part) || Number(part) > 255) return undefined;
    value = (value << 8n) | BigInt(part);
  }
  return value;
}

/** Parses one side of a `::` split into 16-bit groups; undefined when invalid. */
function groupsOf(text: string, allowV4Tail: boolean): number[] | undefined {
  if (text === '') return [];
  const parts = text.split(':');
  const groups: number[] = [];
  for (const [i, part] of parts.entries()) {
    if (allowV4Tail && i === parts.length - 1 && part.includes('.')) {
      const v4 = parseV4(part);
      if (v4 === undefined) return undefined;
      groups.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
    } else if (HEX_GROUP.test(part)) {
      groups.push(parseInt(part, 16));
    } else {
      return undefined;
    }
  }
  return groups;
}

/** Parses IPv6 text (with `::` and an optional IPv4 tail, no zone); undefined when invalid. */
function parseV6(text: string): bigint | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = groupsOf(halves[0] ?? '', halves.length === 1);
  const tail = halves.length === 2 ? groupsOf(halves[1] ?? '', true) : [];
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

/** Formats an unsigned integer as IPv4 or canonical IPv6 text. */
export function formatIp(family: IpFamily, value: bigint): string {
  if (family === 'ipv4') {
    return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 0xffn)).join('.');
  }
  const groups = [...Array(8).keys()].map((i) => Number((value >> BigInt(112 - 16 * i)) & 0xffffn));
  const [start, len] = longestZeroRun(groups);
  const hex = (gs: number[]): string => gs.map((g) => g.toString(16)).join(':');
  if (len < 2) return hex(groups);
  return `${hex(groups.slice(0, start))}::${hex(groups.slice(start + len))}`;
}

/** Start and length of the first longest run of zero groups (RFC 5952 §4.2.3). */
function longestZeroRun(groups: readonly number[]): [number, number] {
  let best: [number, number] = [0, 0];
  let runStart = -1;
  for (let i = 0; i <= groups.length; i++) {
    if (i < groups.length && groups[i] === 0) {
      if (runStart < 0) runStart = i;
    } else if (runStart >= 0) {
      if (i - runStart > best[1]) best = [runStart, i - runStart];
      runStart = -1;
    }
  }
  return best;
}

/** Prefix of IPv4-mapped IPv6 addresses, `::ffff:0:0/96`, as the value of its upper 96 bits. */
const V4_MAPPED = 0xffffn;

/** Whether a 128-bit value lies in `::ffff:0:0/96`. */
const isV4Mapped = (v6: bigint): boolean => v6 >> 32n === V4_MAPPED;

/** Parses text without folding IPv4-mapped IPv6 into IPv4 (the CIDR parser needs the 128 bits). */
function parseRaw(text: string): { family: IpFamily; value: bigint } | undefined {
  const family: IpFamily = text.includes(':') ? 'ipv6' : 'ipv4';
  const value = family === 'ipv4' ? parseV4(text) : parseV6(text);
  return value === undefined ? undefined : { family, value };
}

/** Canonical text of `ip` (dotted quad, or RFC 5952 for IPv6). */
export const ipText = (ip: IpAddress): string => formatIp(ip.family, ip.value);

/**
 * Parses an IPv4 or IPv6 address as Go's `net.ParseIP` would accept it; an IPv4-mapped IPv6
 * address comes back as the IPv4 address it maps (Go's `To4()` view).
 */
export function parseIp(text: string): ParsedIp | undefined {
  const raw = parseRaw(text);
  if (raw === undefined) return undefined;
  const v4 = raw.family === 'ipv6' && isV4Mapped(raw.value);
  const [family, value]: [IpFamily, bigint] = v4 ? ['ipv4', raw.value & 0xffffffffn] : [raw.family, raw.value];
  return { family, value, text: formatIp(family, value) };
}

/** The 16-byte value Go compares addresses by: IPv4 as `::ffff:a.b.c.d`. */
export const as16 = (ip: { family: IpFamily; value: bigint }): bigint => (ip.family === 'ipv4' ? (V4_MAPPED << 32n) | ip.value : ip.value);

/** Builds the block of `prefixLength` that contains `address`. */
export function cidrOf(family: IpFamily, address: bigint, prefixLength: number): CidrBlock {
  const hostBits = BigInt(bitsOf(family) - prefixLength);
  const first = (address >> hostBits) << hostBits;
  const last = first + (1n << hostBits) - 1n;
  return { family, first, last, prefixLength, text: `${formatIp(family, first)}/${prefixLength}` };
}

/**
 * Parses `addr/len` as Go's `net.ParseCIDR` does: host bits masked off; the length is decimal
 * digits, leading zeros allowed (`/024`); an IPv4-mapped address takes a 128-bit length and
 * gives an IPv4 block when the network keeps the mapped prefix (length ≥ 96).
 */
export function parseCidr(text: string): Result<CidrBlock, string> {
  const slash = text.indexOf('/');
  const ip = slash < 0 ? undefined : parseRaw(text.slice(0, slash));
  const lenText = text.slice(slash + 1);
  if (ip === undefined || !/^[0-9]+$/.test(lenText)) return err(`invalid CIDR "${text}"`);
  const prefixLength = Number(lenText);
  if (prefixLength > bitsOf(ip.family)) return err(`invalid CIDR "${text}"`);
  const block = cidrOf(ip.family, ip.value, prefixLength);
  if (ip.family === 'ipv4' || !isV4Mapped(block.first)) return ok(block);
  return ok({ ...cidrOf('ipv4', block.first & 0xffffffffn, prefixLength - 96), maskLength: prefixLength });
}

/** The mask length Go reports for the block (`IPNet.Mask.Size()`). */
export const goMaskLength = (c: CidrBlock): number => c.maskLength ?? c.prefixLength;

/** Number of trailing zero bits of `v` (v > 0), capped at `max`. */
function trailingZeros(v: bigint, max: number): number {
  let n = 0;
  while (n < max && ((v >> BigInt(n)) & 1n) === 0n) n++;
  return n;
}

/** Summarises the closed range [first, last] into the minimal list of CIDR blocks. */
export function summarizeRange(family: IpFamily, first: bigint, last: bigint): CidrBlock[] {
  const bits = bitsOf(family);
  const out: CidrBlock[] = [];
  let cur = first;
  while (cur <= last) {
    let host = cur === 0n ? bits : trailingZeros(cur, bits);
    while (cur + (1n << BigInt(host)) - 1n > last) host--;
    out.push(cidrOf(family, cur, bits - host));
    cur += 1n << BigInt(host);
  }
  return out;
}

/**
 * Parses one IPAddressPool `spec.addresses` entry: a CIDR, or a `start-end` range (spaces
 * around the addresses trimmed) summarised into CIDRs. Errors use MetalLB's wording.
 */
export function parseAddressEntry(entry: string): Result<CidrBlock[], string> {
  const dash = entry.indexOf('-');
  if (dash < 0) {
    const cidr = parseCidr(entry);
    return cidr.ok ? ok([cidr.value]) : cidr;
  }
  const [startText, endText] = [entry.slice(0, dash), entry.slice(dash + 1)];
  const start = parseIp(startText.trim());
  if (start === undefined) return err(`invalid IP range "${entry}": invalid start IP "${startText}"`);
  const end = parseIp(endText.trim());
  if (end === undefined) return err(`invalid IP range "${entry}": invalid end IP "${endText}"`);
  // Go compares the 16-byte forms first, so an IPv6 start before an IPv4 end is "after" too.
  if (as16(start) > as16(end)) {
    return err(`invalid IP range "${entry}": start IP "${start.text}" is after the end IP "${end.text}"`);
  }
  if (start.family !== end.family) {
    // MetalLB accepts this entry and gives it no addresses; we refuse (docs/differences.md).
    return err(`invalid IP range "${entry}": start IP "${start.text}" and end IP "${end.text}" are of different families`);
  }
  return ok(summarizeRange(start.family, start.value, end.value));
}

/** True when the two blocks share at least one address (same family only). */
export function cidrsOverlap(a: CidrBlock, b: CidrBlock): boolean {
  return a.family === b.family && a.first <= b.last && b.first <= a.last;
}
