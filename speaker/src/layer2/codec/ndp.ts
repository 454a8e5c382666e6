/**
 * ICMPv6 Neighbor Solicitation / Advertisement (RFC 4861 §4.3, §4.4) with the source/target
 * link-layer address options, and the ICMPv6 checksum. Pure; decode never throws.
 */
import { err, ok, type Result } from '@metallb-ts/lib/result.ts';
import { ipBytesOrThrow, ipv6Text, macBytesOrThrow, macText } from './addr.ts';
import type { DecodeError } from './decode-error.ts';
import { NEXT_HEADER_ICMPV6, pseudoHeaderChecksum } from './ipv6.ts';

/** ICMPv6 type of a Neighbor Solicitation. */
export const ICMPV6_NS = 135;
/** ICMPv6 type of a Neighbor Advertisement. */
export const ICMPV6_NA = 136;
const OPT_SOURCE_LLA = 1;
const OPT_TARGET_LLA = 2;
const NDP_FIXED_LEN = 24; // type, code, checksum, 4 bytes reserved/flags, 16 bytes target

/** A Neighbor Solicitation. */
export interface NeighborSolicitation {
  /** Discriminant. */
  readonly type: 'ns';
  /** The address being resolved. */
  readonly target: string;
  /** Source link-layer address option, when present (absent in DAD probes). */
  readonly sourceLinkAddr?: string;
}

/** A Neighbor Advertisement. */
export interface NeighborAdvertisement {
  /** Discriminant. */
  readonly type: 'na';
  /** R flag: the sender is a router. */
  readonly router: boolean;
  /** S flag: answer to a solicitation. */
  readonly solicited: boolean;
  /** O flag: the receiver should overwrite an existing cache entry. */
  readonly override: boolean;
  /** The address advertised. */
  readonly target: string;
  /** Target link-layer address option, when present. */
  readonly targetLinkAddr?: string;
}

/** An NDP message the responder handles. */
export type NdpMessage = NeighborSolicitation | NeighborAdvertisement;

/**
 * Decodes an ICMPv6 message carried between `src` and `dst` (16 bytes each), verifying its
 * checksum; types other than NS/NA are `unsupported`.
 */
export function decodeNdp(msg: Uint8Array, src: Uint8Array, dst: Uint8Array): Result<NdpMessage, DecodeError> {
  if (msg.length < 4) return err({ kind: 'truncated', layer: 'icmpv6', length: msg.length });
  const type = msg[0]!;
  if (type !== ICMPV6_NS && type !== ICMPV6_NA) return err({ kind: 'unsupported', what: `icmpv6 type ${type}` });
  if (msg.length < NDP_FIXED_LEN) return err({ kind: 'truncated', layer: 'icmpv6', length: msg.length });
  if (pseudoHeaderChecksum(src, dst, NEXT_HEADER_ICMPV6, msg) !== 0) return err({ kind: 'malformed', layer: 'icmpv6', reason: 'bad checksum' });
  if (msg[1] !== 0) return err({ kind: 'malformed', layer: 'icmpv6', reason: `code ${msg[1]}` });
  const opts = linkAddrOptions(msg.subarray(NDP_FIXED_LEN));
  if (!opts.ok) return opts;
  const target = ipv6Text(msg, 8);
  if (type === ICMPV6_NS) {
    return ok({ type: 'ns', target, ...(opts.value.source === undefined ? {} : { sourceLinkAddr: opts.value.source }) });
  }
  const flags = msg[4]!;
  return ok({
    type: 'na', router: (flags & 0x80) !== 0, solicited: (flags & 0x40) !== 0, override: (flags & 0x20) !== 0, target,
    ...(opts.value.target === undefined ? {} : { targetLinkAddr: opts.value.target }),
  });
}

/** Walks the TLV options, keeping the first source/target link-layer address of 6 bytes. */
function linkAddrOptions(b: Uint8Array): Result<{ source?: string; target?: string }, DecodeError> {
  const found: { source?: string; target?: string } = {};
  for (let i = 0; i < b.length; ) {
    if (b.length - i < 2) return err({ kind: 'malformed', layer: 'icmpv6', reason: 'option header cut short' });
    const len = b[i + 1]! * 8;
    if (len === 0) return err({ kind: 'malformed', layer: 'icmpv6', reason: 'zero-length option' });
    if (i + len > b.length) return err({ kind: 'malformed', layer: 'icmpv6', reason: 'option overruns message' });
    const kind = b[i]!;
    if (len >= 8 && kind === OPT_SOURCE_LLA && found.source === undefined) found.source = macText(b, i + 2);
    if (len >= 8 && kind === OPT_TARGET_LLA && found.target === undefined) found.target = macText(b, i + 2);
    i += len;
  }
  return ok(found);
}

/** Encodes an NS or NA with its link-layer option and a checksum for `src` → `dst`. */
export function encodeNdp(m: NdpMessage, src: string, dst: string): Uint8Array {
  const lla = m.type === 'ns' ? m.sourceLinkAddr : m.targetLinkAddr;
  const out = new Uint8Array(NDP_FIXED_LEN + (lla === undefined ? 0 : 8));
  out[0] = m.type === 'ns' ? ICMPV6_NS : ICMPV6_NA;
  if (m.type === 'na') out[4] = (m.router ? 0x80 : 0) | (m.solicited ? 0x40 : 0) | (m.override ? 0x20 : 0);
  out.set(ipBytesOrThrow(m.target, 'ipv6'), 8);
  if (lla !== undefined) {
    out.set([m.type === 'ns' ? OPT_SOURCE_LLA : OPT_TARGET_LLA, 1], NDP_FIXED_LEN);
    out.set(macBytesOrThrow(lla), NDP_FIXED_LEN + 2);
  }
  const sum = pseudoHeaderChecksum(ipBytesOrThrow(src, 'ipv6'), ipBytesOrThrow(dst, 'ipv6'), NEXT_HEADER_ICMPV6, out);
  out[2] = sum >> 8;
  out[3] = sum & 0xff;
  return out;
}
