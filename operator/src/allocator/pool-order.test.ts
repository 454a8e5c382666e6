import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Pool } from '../config/types.ts';
import { genericPools, isPoolCompatible, pinnedPools, type ServiceScope } from './pool-order.ts';
import { testPool, type TestPoolOptions } from '../testing/test-pools.ts';

type Allocation = NonNullable<TestPoolOptions['serviceAllocation']>;

let next = 0;
/** A one-address pool with the given serviceAllocation (addresses never matter here). */
const pool = (name: string, sa?: Allocation, autoAssign = true): Pool =>
  testPool(name, [`198.51.100.${next++ % 250}/32`], sa === undefined ? { autoAssign } : { autoAssign, serviceAllocation: sa });

const sel = (priority: number): Allocation => ({ priority, serviceSelectors: [{ matchLabels: { app: 'web' } }] });
const ns = (priority: number, namespaces = ['team']): Allocation => ({ priority, namespaces });
const svc: ServiceScope = { namespace: 'team', labels: { app: 'web' } };

describe('pinnedPools: MetalLB order', () => {
  // Expected orders were checked against Go's sort.Slice with MetalLB's comparator (Go 1.26).
  const cases: readonly { desc: string; input: readonly Pool[]; want: readonly string[] }[] = [
    {
      desc: 'priority 0 tie, namespace pool vs selector pool: the selector pool first (zeros come out reversed)',
      input: [pool('a-ns', ns(0)), pool('b-sel', sel(0))],
      want: ['b-sel', 'a-ns'],
    },
    {
      desc: 'equal positive priority: namespace pools before selector pools, whatever the names',
      input: [pool('z-ns', ns(1)), pool('a-sel', sel(1))],
      want: ['z-ns', 'a-sel'],
    },
    {
      desc: 'selector pools only: positives ascending and stable by name, zeros reversed (Go: d b e f c a)',
      input: [pool('a', sel(0)), pool('b', sel(2)), pool('c', sel(0)), pool('d', sel(1)), pool('e', sel(2)), pool('f', sel(0))],
      want: ['d', 'b', 'e', 'f', 'c', 'a'],
    },
    {
      desc: 'serviceAllocation with only a priority matches every Service and sorts as a selector pool',
      input: [pool('a-ns', ns(0)), pool('b-any', { priority: 0 }), pool('c-sel', sel(0))],
      want: ['c-sel', 'b-any', 'a-ns'],
    },
    {
      desc: 'a pool with namespaces and selectors is listed twice by MetalLB; its first position counts',
      input: [pool('a-both', { priority: 0, namespaces: ['team'], serviceSelectors: [{ matchLabels: { app: 'web' } }] }), pool('b-ns', ns(0))],
      want: ['a-both', 'b-ns'],
    },
    {
      desc: 'namespaceSelectors that match no namespace: not pinned to anyone',
      input: [pool('a-nsel', { priority: 1, namespaceSelectorsGiven: true }), pool('b-sel', sel(0))],
      want: ['b-sel'],
    },
    {
      desc: 'other namespaces, non-matching selectors and autoAssign=false are left out',
      input: [pool('a', ns(1, ['other'])), pool('b', { serviceSelectors: [{ matchLabels: { app: 'db' } }] }), pool('c', sel(1), false), pool('d', sel(3))],
      want: ['d'],
    },
  ];
  for (const { desc, input, want } of cases) {
    it(desc, () => assert.deepEqual(pinnedPools(input, svc).map((p) => p.name), want));
  }
});

describe('isPoolCompatible: when MetalLB checks the namespace', () => {
  const cases: readonly { desc: string; input: Allocation | undefined; want: boolean }[] = [
    { desc: 'no serviceAllocation', input: undefined, want: true },
    { desc: 'namespace in the set', input: ns(0, ['team']), want: true },
    { desc: 'namespace not in a non-empty set', input: ns(0, ['other']), want: false },
    { desc: 'namespaceSelectors matched nothing: the empty set restricts nothing', input: { namespaceSelectorsGiven: true }, want: true },
    { desc: 'empty namespace set + matching selector', input: { namespaceSelectorsGiven: true, serviceSelectors: [{ matchLabels: { app: 'web' } }] }, want: true },
    { desc: 'non-matching service selector is still refused', input: { serviceSelectors: [{ matchLabels: { app: 'db' } }] }, want: false },
  ];
  for (const { desc, input, want } of cases) it(desc, () => assert.equal(isPoolCompatible(pool('p', input), svc), want));
});

describe('genericPools', () => {
  it('autoAssign pools without serviceAllocation, by name', () => {
    const input = [pool('c'), pool('a'), pool('b', sel(0)), pool('d', undefined, false)];
    assert.deepEqual(genericPools(input).map((p) => p.name), ['a', 'c']);
  });
});
