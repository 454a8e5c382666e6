import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalFormOf, fingerprintOf } from './fingerprint.ts';

describe('fingerprintOf', () => {
  const cases = [
    { desc: 'bigints and sets are stable', a: { v: 1n, s: new Set(['b', 'a']) }, b: { v: 1n, s: new Set(['a', 'b']) }, same: true },
    { desc: 'a different bigint differs', a: { v: 1n }, b: { v: 2n }, same: false },
    { desc: 'a bigint is not its number', a: { v: 1n }, b: { v: 1 }, same: false },
    { desc: 'functions drop out', a: { text: 'x', matches: () => true }, b: { text: 'x', matches: () => false }, same: true },
    { desc: 'key order does not matter', a: { a: 1, b: 2 }, b: { b: 2, a: 1 }, same: true },
    { desc: 'array order matters', a: [1, 2], b: [2, 1], same: false },
    { desc: 'maps by content', a: new Map([['x', 1], ['y', 2]]), b: new Map([['y', 2], ['x', 1]]), same: true },
    { desc: 'a nested change differs', a: { pools: [{ name: 'a', auto: true }] }, b: { pools: [{ name: 'a', auto: false }] }, same: false },
    { desc: 'undefined field = missing field', a: { a: 1, b: undefined }, b: { a: 1 }, same: true },
  ];
  for (const c of cases) it(c.desc, () => assert.equal(fingerprintOf(c.a) === fingerprintOf(c.b), c.same));

  it('is a hex SHA-256', () => assert.match(fingerprintOf({ a: 1 }), /^[0-9a-f]{64}$/));
  it('canonical form sorts keys and writes bigints as text', () => {
    assert.deepEqual(canonicalFormOf({ b: 2n, a: [new Set([2, 1])] }), { a: [['1', '2']], b: '2n' });
  });
});
