import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NodePlan } from '@metallb-ts/lib/api/types.generated.ts';
import { packPlanSpec } from '@metallb-ts/lib/plan/plan-sections-codec.ts';
import { parsePlan } from './core/plan-model.ts';
import { unpackPlan } from './plan-unpack.ts';

const frr = { encoding: 'plain' as const, config: 'x', sha256: 'c'.repeat(64), size: 1 };

test('unpackPlan: a packed plan (large bgpServices and l2) reads like the plain one; a corrupt one is refused', () => {
  const plain: NodePlan = { metadata: { name: 'node-a', uid: 'u', generation: 2 }, spec: {
    nodeName: 'node-a', frr,
    bgpServices: [{ peers: ['r'], services: ['ns/a', 'ns/b'] }],
    l2: { candidateSets: [{ nodes: [{ name: 'node-a' }] }], vips: [{ ip: '192.0.2.5', set: 0, services: ['ns/a'] }] },
  } };
  const packed: NodePlan = { ...plain, spec: packPlanSpec(plain.spec!, 0) };
  assert.equal(packed.spec?.bgpServices, undefined, 'packed: the plain fields are absent');
  assert.equal(packed.spec?.l2, undefined);
  const r = unpackPlan(packed);
  assert.ok(r.ok);
  assert.deepEqual(r.value.spec, plain.spec);
  const parsed = parsePlan(r.value, 'node-a');
  assert.deepEqual(parsed.ok ? [...(parsed.value.services ?? [])] : undefined, [['ns/a', ['r']], ['ns/b', ['r']]]);
  const same = unpackPlan(plain);
  assert.ok(same.ok && same.value === plain, 'an unpacked plan is passed through');
  const corrupt = unpackPlan({ ...packed, spec: { ...packed.spec!, packed: { ...packed.spec!.packed!, data: 'bm90IGd6aXA=' } } });
  assert.equal(corrupt.ok, false);
});
