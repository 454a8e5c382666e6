/**
 * Authenticated encryption of gossip packets and streams (AES-256-GCM, a fresh random 96-bit
 * nonce per packet). A packet that fails authentication is dropped by the caller and counted.
 *
 * Wire: `version u8 | nonce (12) | ciphertext | tag (16)`, version 1. The additional
 * authenticated data is `version | channel` ('p' datagram, 's' stream), so a datagram cannot
 * be replayed as a stream message or the other way round. Without a key (explicit insecure
 * mode) the envelope is `0x00 | plaintext`; a keyed member refuses it and an insecure member
 * refuses sealed packets — the two never mix silently. There is no replay protection (as in
 * memberlist): a captured packet can be resent, which only re-announces old rumours that the
 * incarnation rules already ignore.
 *
 * Key: HKDF-SHA256 over the memberlist Secret's value (salt "metallb-ts/gossip", info
 * "aes-256-gcm/v1"), 32 bytes. MetalLB takes `secret ‖ sha256("")` cut at 32 bytes (perf-anchors
 * §5.3), which keeps a constant tail in the key; since our codec is not memberlist's wire format
 * and cannot talk to Go speakers anyway, we use a proper KDF: any secret length, a uniform key.
 * Several keys may be given (rotation): the first seals, every one is tried to open.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { err, ok, type Result } from '@metallb-ts/lib/result.ts';

/** Which transport a payload travelled on (bound into the authentication tag). */
export type Channel = 'packet' | 'stream';

/** Why an envelope could not be opened. */
export type OpenError = 'too-short' | 'unknown-version' | 'auth-failed' | 'plaintext-refused' | 'sealed-refused';

const VERSION_PLAIN = 0;
const VERSION_GCM = 1;
const NONCE = 12;
const TAG = 16;

/** Derives the 32-byte AES-256 key from the Secret's value. */
export function deriveGossipKey(secret: string | Uint8Array): Buffer {
  const ikm = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret);
  if (ikm.length === 0) throw new Error('gossip secret is empty');
  return Buffer.from(hkdfSync('sha256', ikm, 'metallb-ts/gossip', 'aes-256-gcm/v1', 32));
}

const aad = (version: number, channel: Channel): Buffer => Buffer.from([version, channel === 'packet' ? 0x70 : 0x73]);

/** Seals and opens payloads with a keyring, or in explicit insecure mode with none. */
export class Envelope {
  readonly #keys: readonly Buffer[];

  /** `keys` empty means insecure mode (the caller must have been told to run insecure). */
  constructor(keys: readonly Buffer[]) {
    for (const k of keys) if (k.length !== 32) throw new Error('gossip key must be 32 bytes');
    this.#keys = keys;
  }

  /** True when payloads are encrypted and authenticated. */
  get secure(): boolean {
    return this.#keys.length > 0;
  }

  /** Bytes the envelope adds to a payload. */
  get overhead(): number {
    return this.secure ? 1 + NONCE + TAG : 1;
  }

  /** Wraps `plain` for `channel`. */
  seal(plain: Uint8Array, channel: Channel): Buffer {
    const key = this.#keys[0];
    if (key === undefined) return Buffer.concat([Buffer.from([VERSION_PLAIN]), plain]);
    const nonce = randomBytes(NONCE);
    const c = createCipheriv('aes-256-gcm', key, nonce);
    c.setAAD(aad(VERSION_GCM, channel));
    const body = Buffer.concat([c.update(plain), c.final()]);
    return Buffer.concat([Buffer.from([VERSION_GCM]), nonce, body, c.getAuthTag()]);
  }

  /** Unwraps a payload received on `channel`; never throws. */
  open(buf: Uint8Array, channel: Channel): Result<Uint8Array, OpenError> {
    const version = buf[0];
    if (version === undefined) return err('too-short');
    if (version === VERSION_PLAIN) return this.secure ? err('plaintext-refused') : ok(buf.subarray(1));
    if (version !== VERSION_GCM) return err('unknown-version');
    if (!this.secure) return err('sealed-refused');
    if (buf.length < 1 + NONCE + TAG) return err('too-short');
    const nonce = buf.subarray(1, 1 + NONCE);
    const body = buf.subarray(1 + NONCE, buf.length - TAG);
    const tag = buf.subarray(buf.length - TAG);
    for (const key of this.#keys) {
      try {
        const d = createDecipheriv('aes-256-gcm', key, nonce);
        d.setAAD(aad(VERSION_GCM, channel));
        d.setAuthTag(tag);
        return ok(Buffer.concat([d.update(body), d.final()]));
      } catch {
        // Wrong key or tampered bytes: try the next key; all failing is reported below.
      }
    }
    return err('auth-failed');
  }
}
