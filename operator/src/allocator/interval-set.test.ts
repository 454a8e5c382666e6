import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { IntervalSet } from './interval-set.ts';
import { OrderedMap } from './ordered-map.ts';

describe('IntervalSet', () => {
  const cases: { desc: string; input: { add: bigint[]; del: bigint[]; from: bigint }; want: { runs: number; count: bigint; free: bigint } }[] = [
    { desc: 'empty set: x itself is free', input: { add: [], del: [], from: 5n }, want: { runs: 0, count: 0n, free: 5n } },
    { desc: 'adjacent adds merge into one run', input: { add: [1n, 3n, 2n], del: [], from: 1n }, want: { runs: 1, count: 3n, free: 4n } },
    { desc: 'delete in the middle splits a run', input: { add: [1n, 2n, 3n], del: [2n], from: 1n }, want: { runs: 2, count: 2n, free: 2n } },
    { desc: 'query inside a run jumps to its end', input: { add: [10n, 11n, 12n, 20n], del: [], from: 11n }, want: { runs: 2, count: 4n, free: 13n } },
    { desc: 'duplicate add and absent delete are no-ops', input: { add: [7n, 7n], del: [8n], from: 7n }, want: { runs: 1, count: 1n, free: 8n } },
    { desc: 'handles 2^64-scale values', input: { add: [1n << 64n, (1n << 64n) + 1n], del: [], from: 1n << 64n }, want: { runs: 1, count: 2n, free: (1n << 64n) + 2n } },
  ];
  for (const { desc, input, want } of cases) {
    it(desc, () => {
      const s = new IntervalSet();
      for (const x of input.add) s.add(x);
      for (const x of input.del) s.delete(x);
      assert.deepEqual({ runs: s.runs, count: s.count, free: s.firstAbsentFrom(input.from) }, want);
    });
  }

  it('agrees with a plain Set under random add/delete sequences', () => {
    const op = fc.record({ add: fc.boolean(), x: fc.bigInt({ min: 0n, max: 40n }) });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), fc.bigInt({ min: 0n, max: 45n }), (ops, from) => {
        const s = new IntervalSet();
        const model = new Set<bigint>();
        for (const { add, x } of ops) {
          if (add) (s.add(x), model.add(x));
          else (s.delete(x), model.delete(x));
        }
        let free = from;
        while (model.has(free)) free++;
        assert.equal(s.firstAbsentFrom(from), free);
        assert.equal(s.count, BigInt(model.size));
        for (let v = 0n; v <= 41n; v++) assert.equal(s.has(v), model.has(v));
      }),
    );
  });
});

describe('OrderedMap', () => {
  it('floor/ceiling/entries agree with a sorted array model', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.bigInt({ min: 0n, max: 60n })), { maxLength: 150 }), fc.bigInt({ min: -1n, max: 61n }), (ops, q) => {
        const m = new OrderedMap<number>();
        const model = new Map<bigint, number>();
        ops.forEach(([put, k], i) => (put ? (m.set(k, i), model.set(k, i)) : (m.delete(k), model.delete(k))));
        const keys = [...model.keys()].sort((a, b) => (a < b ? -1 : 1));
        assert.deepEqual([...m.entries()].map((e) => e.key), keys);
        assert.equal(m.size, model.size);
        assert.equal(m.floor(q)?.key, keys.filter((k) => k <= q).at(-1));
        assert.equal(m.ceiling(q)?.key, keys.find((k) => k >= q));
        assert.equal(m.get(q), model.get(q));
      }),
    );
  });
});
