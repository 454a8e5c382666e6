import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodePacket, encodeMessage, encodePacket, encodePacketParts, MAX_NAME_BYTES } from './codec.ts';
import type { Message, MemberStatus } from './messages.ts';

const samples: { desc: string; msg: Message }[] = [
  { desc: 'ping', msg: { type: 'ping', seq: 1, target: 'node-b', from: 'node-a' } },
  { desc: 'ack with max seq', msg: { type: 'ack', seq: 0xffffffff, from: 'node-b' } },
  { desc: 'ping-req to an IPv6 address', msg: { type: 'ping-req', seq: 7, target: 'node-c', targetAddr: '[2001:db8::7]:7946', from: 'node-a' } },
  { desc: 'nack', msg: { type: 'nack', seq: 7, from: 'node-b' } },
  { desc: 'suspect', msg: { type: 'suspect', node: 'node-c', incarnation: 3, from: 'node-a' } },
  { desc: 'alive', msg: { type: 'alive', node: 'node-c', incarnation: 4, addr: '192.0.2.3:7946' } },
  { desc: 'dead (leave)', msg: { type: 'dead', node: 'node-c', incarnation: 4, from: 'node-c' } },
  { desc: 'push-pull join', msg: { type: 'push-pull', join: true, reply: false, from: 'a', fromAddr: '192.0.2.1:7946', members: [
    { node: 'a', addr: '192.0.2.1:7946', incarnation: 0, status: 'alive' },
    { node: 'b', addr: '192.0.2.2:7946', incarnation: 9, status: 'left' },
  ] } },
  { desc: 'push-pull reply, empty', msg: { type: 'push-pull', join: false, reply: true, from: 'a', fromAddr: 'a:1', members: [] } },
  { desc: 'non-ASCII name', msg: { type: 'alive', node: 'nœud-ü', incarnation: 1, addr: 'x:1' } },
];

describe('codec round trip', () => {
  for (const { desc, msg } of samples) {
    it(desc, () => {
      const got = decodePacket(encodePacket([msg]));
      assert.deepEqual(got, { ok: true, value: [msg] });
    });
  }
  it('keeps the order of several messages in one packet', () => {
    const msgs = samples.map((s) => s.msg);
    assert.deepEqual(decodePacket(encodePacket(msgs)), { ok: true, value: msgs });
  });
});

const valid = encodePacket([samples[0]?.msg as Message]);
const withByte = (b: Uint8Array, i: number, v: number): Uint8Array => {
  const c = b.slice();
  c[i] = v;
  return c;
};

describe('codec rejects malformed packets', () => {
  const cases: { desc: string; input: Uint8Array; kind: string }[] = [
    { desc: 'empty', input: new Uint8Array(0), kind: 'truncated' },
    { desc: 'wrong magic', input: withByte(valid, 0, 0x00), kind: 'bad-magic' },
    { desc: 'future version', input: withByte(valid, 1, 2), kind: 'bad-version' },
    { desc: 'zero messages', input: withByte(valid, 2, 0), kind: 'bad-count' },
    { desc: 'count larger than content', input: withByte(valid, 2, 2), kind: 'truncated' },
    { desc: 'truncated body', input: valid.subarray(0, valid.length - 1), kind: 'truncated' },
    { desc: 'trailing bytes after the last message', input: new Uint8Array([...valid, 0]), kind: 'bad-count' },
    { desc: 'body length shorter than the fields', input: encodePacketParts([new Uint8Array([1, 2, 0, 0])]), kind: 'bad-message' },
    { desc: 'invalid UTF-8 in a name', input: encodePacketParts([new Uint8Array([2, 6, 0, 0, 0, 1, 1, 0xff])]), kind: 'bad-message' },
    { desc: 'overlong varint', input: new Uint8Array([0x4d, 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), kind: 'truncated' },
  ];
  for (const c of cases) {
    it(c.desc, () => {
      const got = decodePacket(c.input);
      assert.equal(got.ok, false);
      if (!got.ok) assert.equal(got.error.kind, c.kind);
    });
  }
  it('rejects an unknown member status in a push-pull', () => {
    const pp = encodeMessage({ type: 'push-pull', join: false, reply: false, from: 'a', fromAddr: 'b', members: [{ node: 'a', addr: 'b', incarnation: 0, status: 'alive' }] });
    pp[pp.length - 1] = 9;
    const got = decodePacket(encodePacketParts([pp]));
    assert.equal(got.ok, false);
  });
  it('rejects a name longer than a DNS subdomain', () => {
    const got = decodePacket(encodePacket([{ type: 'ack', seq: 1, from: 'x'.repeat(MAX_NAME_BYTES + 1) }]));
    assert.equal(got.ok, false);
  });
  it('skips a message type from a later version but keeps the rest', () => {
    const unknown = new Uint8Array([200, 3, 1, 2, 3]);
    const got = decodePacket(encodePacketParts([unknown, encodeMessage(samples[1]?.msg as Message)]));
    assert.deepEqual(got, { ok: true, value: [samples[1]?.msg] });
  });
});

const name = fc.string({ minLength: 1, maxLength: 40 });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const status = fc.constantFrom<MemberStatus>('alive', 'suspect', 'dead', 'left');
const message: fc.Arbitrary<Message> = fc.oneof(
  fc.record({ type: fc.constant('ping' as const), seq: u32, target: name, from: name }),
  fc.record({ type: fc.constant('ack' as const), seq: u32, from: name }),
  fc.record({ type: fc.constant('nack' as const), seq: u32, from: name }),
  fc.record({ type: fc.constant('ping-req' as const), seq: u32, target: name, targetAddr: name, from: name }),
  fc.record({ type: fc.constant('suspect' as const), node: name, incarnation: u32, from: name }),
  fc.record({ type: fc.constant('dead' as const), node: name, incarnation: u32, from: name }),
  fc.record({ type: fc.constant('alive' as const), node: name, incarnation: u32, addr: name }),
  fc.record({
    type: fc.constant('push-pull' as const), join: fc.boolean(), reply: fc.boolean(), from: name, fromAddr: name,
    members: fc.array(fc.record({ node: name, addr: name, incarnation: u32, status }).map((m) => ({ ...m })), { maxLength: 20 }),
  }),
).map((m) => ({ ...m })); // plain objects, as the decoder builds them

describe('codec properties', () => {
  it('decode(encode(ms)) = ms for any messages', () => {
    fc.assert(fc.property(fc.array(message, { minLength: 1, maxLength: 30 }), (ms) => {
      assert.deepEqual(decodePacket(encodePacket(ms)), { ok: true, value: ms });
    }), { numRuns: 500 });
  });
  it('never throws on arbitrary bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
      const r = decodePacket(b);
      assert.equal(typeof r.ok, 'boolean');
    }), { numRuns: 2000 });
  });
  it('never throws on a valid packet with bytes flipped, cut or appended', () => {
    const mutated = fc.tuple(fc.array(message, { minLength: 1, maxLength: 5 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), fc.nat(), fc.uint8Array({ maxLength: 4 }));
    fc.assert(fc.property(mutated, ([ms, flips, cut, tail]) => {
      const b = encodePacket(ms);
      for (const [i, v] of flips) b[i % b.length] = v;
      const input = new Uint8Array([...b.subarray(0, b.length - (cut % b.length)), ...tail]);
      const r = decodePacket(input);
      if (r.ok) for (const m of r.value) assert.ok(['ping', 'ack', 'nack', 'ping-req', 'suspect', 'dead', 'alive', 'push-pull'].includes(m.type));
    }), { numRuns: 2000 });
  });
});
