/**
 * The differ against the real FRR 8.4: a seeded sequence of generated configs (routers with
 * neighbors, networks, VRF instance, prefix lists, route-maps, BFD profiles) is applied one after
 * the other by the applier; every step must land through the diff batch alone (no frr-reload.py
 * fallback), i.e. FRR's running config equals the wanted one after ONE `vtysh -f` of the diff.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { configTextArb } from '../../speaker/src/frr/testing/config-arb.ts';
import type { FrrInstance } from '../harness/frr.ts';
import { Lab } from '../harness/lab.ts';
import { labApplier } from '../harness/speaker-frr.ts';

const STEPS = 16;

let lab: Lab;
let node: FrrInstance;

before(async () => {
  lab = await Lab.create({ nodes: 1 });
  node = await lab.startFrr('node-0', 'frr defaults traditional\n');
});

after(async () => {
  await lab?.destroy();
});

test(`${STEPS} generated config changes each land in real FRR through the diff batch alone`, async () => {
  // MetalLB always renders `no bgp default ipv4-unicast`; with it on, FRR prints implied activations differently.
  const configs = fc.sample(configTextArb, { numRuns: STEPS, seed: 4242 })
    .map((t) => t.replace(/^(router bgp .*)$/gm, '$1\n no bgp default ipv4-unicast'));
  const sp = labApplier(node);
  for (const [i, conf] of configs.entries()) {
    const r = await sp.applier.apply(conf);
    assert.ok(['applied', 'unchanged'].includes(r.result) && r.method !== 'full-reload',
      `step ${i}: ${r.result}/${r.method}: ${r.message}\nconfig:\n${conf}`);
  }
  assert.ok(sp.results.filter((r) => r.result === 'applied').length >= STEPS / 2, 'most steps changed something');
});
