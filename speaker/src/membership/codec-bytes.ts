/**
 * Byte-level reader and writer for the gossip codec: unsigned LEB128 varints, fixed u32 (big
 * endian) and length-prefixed UTF-8 strings. The reader never throws: every read reports
 * failure through `ok === false` and the caller turns it into a decode error.
 */

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/** Appends encoded values to a growable buffer. */
export class ByteWriter {
  #buf = new Uint8Array(256);
  #len = 0;

  /** Number of bytes written so far. */
  get length(): number {
    return this.#len;
  }

  #reserve(n: number): void {
    if (this.#len + n <= this.#buf.length) return;
    const next = new Uint8Array(Math.max(this.#buf.length * 2, this.#len + n));
    next.set(this.#buf.subarray(0, this.#len));
    this.#buf = next;
  }

  /** One byte (0..255). */
  u8(v: number): void {
    this.#reserve(1);
    this.#buf[this.#len++] = v & 0xff;
  }

  /** Fixed four bytes, big endian (0..2^32-1). */
  u32(v: number): void {
    this.#reserve(4);
    const b = this.#buf;
    b[this.#len++] = (v >>> 24) & 0xff;
    b[this.#len++] = (v >>> 16) & 0xff;
    b[this.#len++] = (v >>> 8) & 0xff;
    b[this.#len++] = v & 0xff;
  }

  /** Unsigned LEB128 varint for lengths and counts (0..2^32-1). */
  varint(v: number): void {
    let x = v >>> 0;
    while (x >= 0x80) {
      this.u8((x & 0x7f) | 0x80);
      x >>>= 7;
    }
    this.u8(x);
  }

  /** Raw bytes. */
  bytes(b: Uint8Array): void {
    this.#reserve(b.length);
    this.#buf.set(b, this.#len);
    this.#len += b.length;
  }

  /** Varint byte length, then UTF-8. */
  str(s: string): void {
    const b = utf8Encoder.encode(s);
    this.varint(b.length);
    this.bytes(b);
  }

  /** A copy of the written bytes. */
  finish(): Uint8Array {
    return this.#buf.slice(0, this.#len);
  }
}

/** Reads values from a byte array; `ok` turns false at the first failed read and stays false. */
export class ByteReader {
  readonly #buf: Uint8Array;
  #pos: number;
  readonly #end: number;
  /** False once any read ran past the end or met an invalid value. */
  ok = true;

  /** Reads `buf` from `start` up to (not including) `end`. */
  constructor(buf: Uint8Array, start = 0, end = buf.length) {
    this.#buf = buf;
    this.#pos = start;
    this.#end = end;
  }

  /** Current offset in the underlying array. */
  get offset(): number {
    return this.#pos;
  }

  /** Bytes left before the end of this reader's window. */
  get remaining(): number {
    return this.#end - this.#pos;
  }

  #need(n: number): boolean {
    if (!this.ok || this.#pos + n > this.#end) {
      this.ok = false;
      return false;
    }
    return true;
  }

  /** One byte, or 0 with `ok = false`. */
  u8(): number {
    if (!this.#need(1)) return 0;
    return this.#buf[this.#pos++] ?? 0;
  }

  /** Fixed big-endian u32, or 0 with `ok = false`. */
  u32(): number {
    if (!this.#need(4)) return 0;
    const b = this.#buf;
    const p = this.#pos;
    this.#pos += 4;
    return (((b[p] ?? 0) << 24) | ((b[p + 1] ?? 0) << 16) | ((b[p + 2] ?? 0) << 8) | (b[p + 3] ?? 0)) >>> 0;
  }

  /** LEB128 varint of at most 5 bytes that fits in 32 bits, or 0 with `ok = false`. */
  varint(): number {
    let result = 0;
    for (let i = 0; i < 5; i++) {
      const byte = this.u8();
      if (!this.ok) return 0;
      result += (byte & 0x7f) * 2 ** (7 * i);
      if ((byte & 0x80) === 0) {
        if (result > 0xffffffff) break;
        return result;
      }
    }
    this.ok = false;
    return 0;
  }

  /** A varint-prefixed UTF-8 string of at most `maxBytes`, or '' with `ok = false`. */
  str(maxBytes: number): string {
    const n = this.varint();
    if (!this.ok || n > maxBytes || !this.#need(n)) {
      this.ok = false;
      return '';
    }
    const slice = this.#buf.subarray(this.#pos, this.#pos + n);
    this.#pos += n;
    try {
      return utf8Decoder.decode(slice);
    } catch {
      // Invalid UTF-8 is malformed input, reported through `ok` like any other.
      this.ok = false;
      return '';
    }
  }

  /** Moves the cursor forward by `n` bytes (bounded by the window). */
  skip(n: number): void {
    if (this.#need(n)) this.#pos += n;
  }
}
