import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { OrderedMap } from './ordered-map.ts';

const mapOf = (keys: readonly number[]): OrderedMap<string> => {
  const m = new OrderedMap<string>();
  for (const k of keys) m.set(BigInt(k), `v${k}`);
  return m;
};

describe('OrderedMap', () => {
  const lookups = [
    { desc: 'floor of a present key is itself', keys: [10, 20, 30], op: 'floor' as const, at: 20, want: 20 },
    { desc: 'floor between keys is the lower one', keys: [10, 20, 30], op: 'floor' as const, at: 25, want: 20 },
    { desc: 'floor below every key is none', keys: [10, 20, 30], op: 'floor' as const, at: 9, want: undefined },
    { desc: 'ceiling of a present key is itself', keys: [10, 20, 30], op: 'ceiling' as const, at: 30, want: 30 },
    { desc: 'ceiling between keys is the upper one', keys: [10, 20, 30], op: 'ceiling' as const, at: 11, want: 20 },
    { desc: 'ceiling above every key is none', keys: [10, 20, 30], op: 'ceiling' as const, at: 31, want: undefined },
    { desc: 'an empty map has neither', keys: [], op: 'floor' as const, at: 0, want: undefined },
  ];
  for (const c of lookups) {
    it(c.desc, () => {
      const e = mapOf(c.keys)[c.op](BigInt(c.at));
      assert.deepEqual(e === undefined ? undefined : [e.key, e.value], c.want === undefined ? undefined : [BigInt(c.want), `v${c.want}`]);
    });
  }

  it('set replaces without growing; delete reports presence', () => {
    const m = mapOf([3, 1, 2]);
    m.set(2n, 'two');
    assert.equal(m.size, 3);
    assert.equal(m.get(2n), 'two');
    assert.equal(m.delete(2n), true);
    assert.equal(m.delete(2n), false);
    assert.equal(m.get(2n), undefined);
    assert.deepEqual([...m.entries()].map((e) => e.key), [1n, 3n]);
  });

  it('keys beyond 2^64 (IPv6) keep their order', () => {
    const big = [(1n << 127n) + 5n, 1n << 127n, (1n << 128n) - 1n];
    const m = new OrderedMap<number>();
    big.forEach((k, i) => m.set(k, i));
    assert.deepEqual([...m.entries()].map((e) => e.key), [...big].sort((a, b) => (a < b ? -1 : 1)));
    assert.equal(m.floor((1n << 127n) + 4n)?.key, 1n << 127n);
  });

  it('the same operations build the same structure (deterministic priorities)', () => {
    const a = mapOf([5, 1, 9, 3, 7]);
    const b = mapOf([5, 1, 9, 3, 7]);
    assert.deepEqual([...a.entries()], [...b.entries()]);
  });

  it('stays in step with a sorted-array model under random operations', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), key: fc.integer({ min: 0, max: 200 }) }),
      fc.record({ kind: fc.constant('delete' as const), key: fc.integer({ min: 0, max: 200 }) }),
    );
    fc.assert(fc.property(fc.array(op, { maxLength: 300 }), fc.integer({ min: -1, max: 201 }), (ops, probe) => {
      const m = new OrderedMap<number>();
      const model = new Map<number, number>();
      ops.forEach((o, i) => {
        if (o.kind === 'set') {
          m.set(BigInt(o.key), i);
          model.set(o.key, i);
        } else {
          assert.equal(m.delete(BigInt(o.key)), model.delete(o.key));
        }
      });
      const keys = [...model.keys()].sort((x, y) => x - y);
      assert.equal(m.size, keys.length);
      assert.deepEqual([...m.entries()].map((e) => [Number(e.key), e.value]), keys.map((k) => [k, model.get(k)]));
      const floor = keys.filter((k) => k <= probe).at(-1);
      const ceiling = keys.find((k) => k >= probe);
      assert.equal(m.floor(BigInt(probe))?.key, floor === undefined ? undefined : BigInt(floor));
      assert.equal(m.ceiling(BigInt(probe))?.key, ceiling === undefined ? undefined : BigInt(ceiling));
    }), { seed: 7, numRuns: 200 });
  });
});
