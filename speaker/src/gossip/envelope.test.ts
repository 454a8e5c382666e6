import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { deriveGossipKey, Envelope } from './envelope.ts';

const k1 = deriveGossipKey('n3sPp0Jf6c2Y3PzjgFQ2Xw');
const k2 = deriveGossipKey('another-secret');
const plain = new Uint8Array([0x4d, 1, 1, 2, 0]);

describe('Envelope', () => {
  it('derives a stable 32-byte key that depends on the secret', () => {
    assert.equal(k1.length, 32);
    assert.deepEqual(deriveGossipKey('n3sPp0Jf6c2Y3PzjgFQ2Xw'), k1);
    assert.notDeepEqual(k1, k2);
    assert.throws(() => deriveGossipKey(''), /empty/);
  });

  it('round-trips and uses a fresh nonce per packet', () => {
    const e = new Envelope([k1]);
    const a = e.seal(plain, 'packet');
    const b = e.seal(plain, 'packet');
    assert.notDeepEqual(a, b);
    assert.equal(a.length, plain.length + e.overhead);
    assert.deepEqual(e.open(a, 'packet'), { ok: true, value: Buffer.from(plain) });
  });

  const sealed = new Envelope([k1]).seal(plain, 'packet');
  const cases: { desc: string; env: Envelope; input: Uint8Array; channel: 'packet' | 'stream'; want: string }[] = [
    { desc: 'wrong key', env: new Envelope([k2]), input: sealed, channel: 'packet', want: 'auth-failed' },
    { desc: 'datagram replayed as a stream', env: new Envelope([k1]), input: sealed, channel: 'stream', want: 'auth-failed' },
    { desc: 'flipped ciphertext bit', env: new Envelope([k1]), input: Buffer.from(sealed).fill(sealed[14]! ^ 1, 14, 15), channel: 'packet', want: 'auth-failed' },
    { desc: 'plaintext to a keyed member', env: new Envelope([k1]), input: new Envelope([]).seal(plain, 'packet'), channel: 'packet', want: 'plaintext-refused' },
    { desc: 'sealed to an insecure member', env: new Envelope([]), input: sealed, channel: 'packet', want: 'sealed-refused' },
    { desc: 'empty', env: new Envelope([k1]), input: new Uint8Array(0), channel: 'packet', want: 'too-short' },
    { desc: 'shorter than nonce and tag', env: new Envelope([k1]), input: sealed.subarray(0, 20), channel: 'packet', want: 'too-short' },
    { desc: 'unknown version', env: new Envelope([k1]), input: Buffer.from([7, ...sealed.subarray(1)]), channel: 'packet', want: 'unknown-version' },
  ];
  for (const c of cases) {
    it(`refuses: ${c.desc}`, () => assert.deepEqual(c.env.open(c.input, c.channel), { ok: false, error: c.want }));
  }

  it('opens with any key of the ring (rotation)', () => {
    assert.equal(new Envelope([k2, k1]).open(sealed, 'packet').ok, true);
  });

  it('never throws and never accepts random bytes', () => {
    const e = new Envelope([k1]);
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
      assert.equal(e.open(b, 'packet').ok, false);
    }), { numRuns: 1000 });
  });
});
