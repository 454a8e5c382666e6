/**
 * Binary codec of gossip packets. One packet carries 1..255 messages (a probe plus piggybacked
 * rumours, or one push-pull on the stream channel):
 *
 * ```
 * packet  = magic 0x4d, version 0x01, count varint, count × message
 * message = type u8, length varint, body (exactly `length` bytes)
 * string  = length varint, UTF-8 bytes          (names ≤ 253 bytes, addresses ≤ 64 bytes)
 * seq, incarnation = u32 big endian
 * ```
 *
 * Bodies: ping/ping-req/ack/nack = seq, names (and target address); suspect/dead = node,
 * incarnation, from; alive = node, incarnation, addr; push-pull = flags (bit0 join, bit1 reply),
 * from, fromAddr, count varint, count × (node, addr, incarnation, status u8).
 *
 * Every message carries its length, so a reader of this version skips message types added by a
 * later one. Decoding never throws: malformed input is a {@link DecodeError}. The codec is not the
 * memberlist wire format (that one is msgpack); see perf-anchors §5 for why we do not interoperate.
 */
import { err, ok, type Result } from '@metallb-ts/lib/result.ts';
import { ByteReader, ByteWriter } from './codec-bytes.ts';
import type { MemberSnapshot, MemberStatus, Message } from './messages.ts';

/** First byte of every packet. */
export const PACKET_MAGIC = 0x4d;
/** Codec version written and accepted. */
export const CODEC_VERSION = 1;
/** Longest node name (a Kubernetes node name is a DNS subdomain). */
export const MAX_NAME_BYTES = 253;
/** Longest address string, `[ipv6]:port` fits with room to spare. */
export const MAX_ADDR_BYTES = 64;
/** Most messages in one packet. */
export const MAX_MESSAGES = 255;
/** Most members in one push-pull. */
export const MAX_MEMBERS = 10_000;

/** Why a packet could not be decoded. */
export interface DecodeError {
  readonly kind: 'bad-magic' | 'bad-version' | 'truncated' | 'bad-count' | 'bad-message';
  /** Byte offset where decoding gave up. */
  readonly offset: number;
  /** Message type byte, for `bad-message`. */
  readonly messageType?: number;
}

const TYPE_CODES = { ping: 1, ack: 2, 'ping-req': 3, nack: 4, suspect: 5, alive: 6, dead: 7, 'push-pull': 8 } as const;
const STATUS_CODES: readonly MemberStatus[] = ['alive', 'suspect', 'dead', 'left'];

function writeBody(w: ByteWriter, m: Message): void {
  switch (m.type) {
    case 'ping':
      w.u32(m.seq), w.str(m.target), w.str(m.from);
      return;
    case 'ack':
    case 'nack':
      w.u32(m.seq), w.str(m.from);
      return;
    case 'ping-req':
      w.u32(m.seq), w.str(m.target), w.str(m.targetAddr), w.str(m.from);
      return;
    case 'suspect':
    case 'dead':
      w.str(m.node), w.u32(m.incarnation), w.str(m.from);
      return;
    case 'alive':
      w.str(m.node), w.u32(m.incarnation), w.str(m.addr);
      return;
    case 'push-pull':
      w.u8((m.join ? 1 : 0) | (m.reply ? 2 : 0)), w.str(m.from), w.str(m.fromAddr), w.varint(m.members.length);
      for (const s of m.members) {
        w.str(s.node), w.str(s.addr), w.u32(s.incarnation), w.u8(STATUS_CODES.indexOf(s.status));
      }
      return;
  }
}

/** Encodes one message as `type, length, body`. */
export function encodeMessage(m: Message): Uint8Array {
  const body = new ByteWriter();
  writeBody(body, m);
  const out = new ByteWriter();
  out.u8(TYPE_CODES[m.type]);
  out.varint(body.length);
  out.bytes(body.finish());
  return out.finish();
}

/** Encodes a packet from already encoded messages (see {@link encodeMessage}). */
export function encodePacketParts(parts: readonly Uint8Array[]): Uint8Array {
  const w = new ByteWriter();
  w.u8(PACKET_MAGIC);
  w.u8(CODEC_VERSION);
  w.varint(parts.length);
  for (const p of parts) w.bytes(p);
  return w.finish();
}

/** Encodes 1..255 messages as one packet. */
export function encodePacket(messages: readonly Message[]): Uint8Array {
  return encodePacketParts(messages.map(encodeMessage));
}

/** Size of a packet header for `count` messages; used to fill a packet up to a byte budget. */
export function packetHeaderBytes(count: number): number {
  return 2 + (count < 0x80 ? 1 : 2);
}

const name = (r: ByteReader): string => r.str(MAX_NAME_BYTES);
const addr = (r: ByteReader): string => r.str(MAX_ADDR_BYTES);

function readSnapshot(r: ByteReader): MemberSnapshot {
  const node = name(r);
  const a = addr(r);
  const incarnation = r.u32();
  const status = STATUS_CODES[r.u8()];
  if (status === undefined) r.ok = false;
  return { node, addr: a, incarnation, status: status ?? 'alive' };
}

function readBody(type: number, r: ByteReader): Message | undefined {
  switch (type) {
    case TYPE_CODES.ping:
      return { type: 'ping', seq: r.u32(), target: name(r), from: name(r) };
    case TYPE_CODES.ack:
      return { type: 'ack', seq: r.u32(), from: name(r) };
    case TYPE_CODES.nack:
      return { type: 'nack', seq: r.u32(), from: name(r) };
    case TYPE_CODES['ping-req']:
      return { type: 'ping-req', seq: r.u32(), target: name(r), targetAddr: addr(r), from: name(r) };
    case TYPE_CODES.suspect:
      return { type: 'suspect', node: name(r), incarnation: r.u32(), from: name(r) };
    case TYPE_CODES.dead:
      return { type: 'dead', node: name(r), incarnation: r.u32(), from: name(r) };
    case TYPE_CODES.alive:
      return { type: 'alive', node: name(r), incarnation: r.u32(), addr: addr(r) };
    case TYPE_CODES['push-pull']: {
      const flags = r.u8();
      const from = name(r);
      const fromAddr = addr(r);
      const count = r.varint();
      if (flags > 3 || count > MAX_MEMBERS) r.ok = false;
      const members: MemberSnapshot[] = [];
      for (let i = 0; r.ok && i < count; i++) members.push(readSnapshot(r));
      return { type: 'push-pull', join: (flags & 1) !== 0, reply: (flags & 2) !== 0, from, fromAddr, members };
    }
    default:
      return undefined; // a type added by a later version: skipped by the caller
  }
}

/** Decodes a packet; unknown message types are skipped, anything malformed is an error. */
export function decodePacket(buf: Uint8Array): Result<Message[], DecodeError> {
  const r = new ByteReader(buf);
  const magic = r.u8();
  const version = r.u8();
  if (!r.ok) return err({ kind: 'truncated', offset: r.offset });
  if (magic !== PACKET_MAGIC) return err({ kind: 'bad-magic', offset: 0 });
  if (version !== CODEC_VERSION) return err({ kind: 'bad-version', offset: 1 });
  const count = r.varint();
  if (!r.ok) return err({ kind: 'truncated', offset: r.offset });
  if (count < 1 || count > MAX_MESSAGES) return err({ kind: 'bad-count', offset: r.offset });
  const out: Message[] = [];
  for (let i = 0; i < count; i++) {
    const start = r.offset;
    const type = r.u8();
    const len = r.varint();
    if (!r.ok || len > r.remaining) return err({ kind: 'truncated', offset: start });
    const body = new ByteReader(buf, r.offset, r.offset + len);
    const msg = readBody(type, body);
    if (!body.ok || (msg !== undefined && body.remaining !== 0)) {
      return err({ kind: 'bad-message', offset: start, messageType: type });
    }
    if (msg !== undefined) out.push(msg);
    r.skip(len);
  }
  if (r.remaining !== 0) return err({ kind: 'bad-count', offset: r.offset });
  return ok(out);
}
