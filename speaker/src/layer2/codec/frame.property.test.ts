import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { formatIp } from '@metallb-ts/lib/ip/ip.ts';
import { decodeFrame, encodeFrame, type L2Frame } from './frame.ts';

/** Records with an ordinary prototype, so deepEqual compares them with decoded objects. */
const rec: typeof fc.record = ((model: never, opts?: object) => fc.record(model, { ...opts, noNullPrototype: true } as never)) as never;

const mac = fc.uint8Array({ minLength: 6, maxLength: 6 }).map((b) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(':'));
const ipv4 = fc.bigInt({ min: 0n, max: 2n ** 32n - 1n }).map((v) => formatIp('ipv4', v));
const ipv6 = fc.bigInt({ min: 0n, max: 2n ** 128n - 1n }).map((v) => formatIp('ipv6', v));
const eth = rec({ dst: mac, src: mac });

const arpFrame: fc.Arbitrary<L2Frame> = rec({
  kind: fc.constant('arp' as const), eth,
  arp: rec({ op: fc.constantFrom(1 as const, 2 as const), senderMac: mac, senderIp: ipv4, targetMac: mac, targetIp: ipv4 }),
});

const ns = rec({ type: fc.constant('ns' as const), target: ipv6, sourceLinkAddr: mac }, { requiredKeys: ['type', 'target'] });
const na = rec(
  { type: fc.constant('na' as const), router: fc.boolean(), solicited: fc.boolean(), override: fc.boolean(), target: ipv6, targetLinkAddr: mac },
  { requiredKeys: ['type', 'router', 'solicited', 'override', 'target'] },
);
const ndpFrame: fc.Arbitrary<L2Frame> = rec({
  kind: fc.constant('ndp' as const), eth,
  ip: rec({ src: ipv6, dst: ipv6, hopLimit: fc.integer({ min: 0, max: 255 }) }),
  ndp: fc.oneof(ns, na),
});

describe('frame codec properties', () => {
  it('decode(encode(f)) = f for ARP and NDP frames', () => {
    fc.assert(fc.property(fc.oneof(arpFrame, ndpFrame), (f) => {
      assert.deepEqual(decodeFrame(encodeFrame(f)), { ok: true, value: f });
    }), { numRuns: 2000 });
  });

  it('random bytes never throw', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 120 }), (b) => {
      const r = decodeFrame(b);
      assert.equal(typeof r.ok, 'boolean');
    }), { numRuns: 5000 });
  });

  it('a valid frame with any byte changed or cut never throws', () => {
    fc.assert(fc.property(fc.oneof(arpFrame, ndpFrame), fc.nat(), fc.integer({ min: 0, max: 255 }), fc.nat(), (f, at, v, cut) => {
      const b = encodeFrame(f);
      b[at % b.length] = v;
      const r = decodeFrame(b.subarray(0, b.length - (cut % 20)));
      assert.equal(typeof r.ok, 'boolean');
    }), { numRuns: 5000 });
  });
});
