/**
 * The whole NodePlan object at 10,000 Services × 100 nodes in the worst case (every Service
 * dual-stack, with names near the limits, advertised over BGP and in layer 2 by every node;
 * the largest status the CRD allows; server-set metadata) stays well under 1 MiB (etcd refuses
 * objects over 1.5 MiB). node-plan.test.ts and l2-duties.test.ts measure the parts alone.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NodePlan } from '@metallb-ts/lib/api/types.generated.ts';
import { unpackPlanSpec } from '@metallb-ts/lib/plan/plan-sections-codec.ts';
import { worstPlanFor, worstStatusFor } from './testing/plan-scale.ts';

/** "Well under 1 MiB". */
const BUDGET_BYTES = 900 * 1024;
const bytes = (x: unknown): number => Buffer.byteLength(JSON.stringify(x));

describe('NodePlan size, whole object', () => {
  it('10,000 dual-stack Services, BGP and layer 2 on all 100 nodes, long names: under 900 KiB', () => {
    const worst = worstPlanFor({ services: 10_000, nodes: 100 });
    const spec = worst.plan.spec;
    const plan: NodePlan = {
      ...worst.plan,
      // What the apiserver adds; managedFields stay small because every list in the spec is atomic.
      metadata: {
        ...worst.plan.metadata, uid: '01234567-89ab-cdef-0123-456789abcdef', resourceVersion: '18446744073709551615', generation: 2 ** 31,
        creationTimestamp: new Date('2026-12-07T18:00:00Z'),
        managedFields: ['metallb-ts-operator', 'metallb-ts-speaker'].map((manager) => ({
          manager, operation: 'Update', apiVersion: 'speaker.metallb-ts.io/v1alpha1', time: new Date('2026-12-07T18:00:00Z'), fieldsType: 'FieldsV1',
          fieldsV1: { 'f:spec': Object.fromEntries(Object.keys(spec).map((k) => [`f:${k}`, {}])), 'f:status': { '.': {}, 'f:conditions': {}, 'f:peers': {} } },
        })),
      },
      status: worstStatusFor(spec.bgpPeers?.map((p) => p.name) ?? []),
    };
    const unpacked = unpackPlanSpec(spec);
    assert.ok(unpacked.ok, JSON.stringify(!unpacked.ok && unpacked.error));
    const total = bytes(plan);
    const parts = { frr: bytes(spec.frr), packed: bytes(spec.packed), bgpPeers: bytes(spec.bgpPeers), status: bytes(plan.status), metadata: bytes(plan.metadata) };
    const plain = { bgpServices: bytes(unpacked.value.bgpServices), l2: bytes(unpacked.value.l2) };
    console.log(`worst plan: ${worst.prefixes} prefixes, ${worst.l2.vips.length} VIPs; whole object ${total} bytes (${(total / 1024).toFixed(0)} KiB); ` +
      `parts ${JSON.stringify(parts)}; frr.conf ${spec.frr.size} bytes as ${spec.frr.encoding}; unpacked ${JSON.stringify(plain)}`);
    assert.equal(worst.prefixes, 20_000, 'the node announces every address');
    assert.equal(worst.l2.vips.length, 20_000, 'the node is eligible for every address');
    assert.ok(plain.bgpServices + plain.l2 > 1024 * 1024, 'unpacked, the sections alone would not fit: the case is the one packing exists for');
    assert.ok(total < BUDGET_BYTES, `whole plan is ${total} bytes, budget ${BUDGET_BYTES}`);
    // Packing changes the form only: unpacked, the plan holds exactly what was computed.
    assert.deepEqual(unpacked.value.l2, worst.l2);
    assert.deepEqual(unpacked.value.bgpServices, worst.bgpServices);
  });
});
