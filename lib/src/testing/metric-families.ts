/** Test kit: table-driven checks that metric families are registered with MetalLB's name, type and labels. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Registry } from 'prom-client';

/** One expected metric family. */
export interface FamilyCase {
  readonly desc: string;
  readonly name: string;
  readonly type: string;
  readonly labels: readonly string[];
}

/** Declares one test per case checking that `registry` holds the family as described. */
export function itRegistersFamilies(registry: Registry, cases: readonly FamilyCase[]): void {
  for (const c of cases) {
    it(c.desc, () => {
      const m = registry.getSingleMetric(c.name);
      assert.ok(m, `${c.name} registered`);
      const obj = registry.getMetricsAsArray().find((x) => x.name === c.name);
      assert.equal(obj?.type, c.type);
      assert.deepEqual((m as unknown as { labelNames: string[] }).labelNames, c.labels);
    });
  }
}
