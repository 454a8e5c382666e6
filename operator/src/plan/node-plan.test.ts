/**
 * The NodePlan the operator writes: its spec carries the encoded config, its hash and password
 * references only; and at 10,000 Services × 100 nodes the worst-case node's plan stays far below
 * the 1 MiB we allow (etcd's hard limit is 1.5 MiB).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeFrrConfig } from '@metallb-ts/lib/plan/frr-config-codec.ts';
import { announcementsFor } from '../frr/announcements.ts';
import { nodeFrrFor } from '../frr/node-frr.ts';
import { createFrrRenderer } from '../frr/render.ts';
import { configOf, GOLDEN_CASES } from '../frr/testing/golden-cases.ts';
import { scaleScenario } from '../frr/testing/scale.ts';
import { loadFrrTemplates } from './frr-templates.ts';
import { nodePlanFor } from './node-plan.ts';

const render = createFrrRenderer(loadFrrTemplates());
/** Budget per plan; the measured worst case is printed by the test and the bgp-render bench. */
const MAX_PLAN_BYTES = 256 * 1024;

describe('nodePlanFor', () => {
  it('references passwords and never contains one', () => {
    const c = GOLDEN_CASES.find((g) => g.name === 'password') ?? assert.fail('password case missing');
    const frr = nodeFrrFor({ config: configOf(c), node: c.node, services: c.services, render });
    assert.ok(frr.ok);
    const plan = nodePlanFor({ namespace: 'metallb-system', nodeName: 'node-0', frrConf: frr.value.text, passwords: frr.value.passwords });
    const json = JSON.stringify(plan);
    for (const secret of ['inline-Secret#1', 's3cr3t!x']) assert.ok(!json.includes(secret), `${secret} in the plan`);
    assert.equal(plan.spec.passwordSecretName, 'frr-passwords-node-0');
    assert.deepEqual(plan.spec.passwords?.map((p) => p.key), ['from-secret', 'inline']);
    assert.equal(plan.metadata?.name, plan.spec.nodeName);
    assert.equal(plan.status, undefined);
    assert.deepEqual(decodeFrrConfig(plan.spec.frr), { ok: true, value: frr.value.text });
  });

  it('has no password fields when no session has a password', () => {
    const c = GOLDEN_CASES.find((g) => g.name === 'ebgp') ?? assert.fail('ebgp case missing');
    const frr = nodeFrrFor({ config: configOf(c), node: c.node, services: c.services, render });
    assert.ok(frr.ok);
    const plan = nodePlanFor({ namespace: 'ns', nodeName: 'node-0', frrConf: frr.value.text, passwords: [] });
    assert.equal(plan.spec.passwords, undefined);
    assert.equal(plan.spec.frr.encoding, 'plain');
  });

  it('10,000 Services and 100 nodes: the worst-case node plan stays well under 1 MiB', () => {
    const { scenario, nodes } = scaleScenario({ services: 10_000, nodes: 100 });
    const config = configOf(scenario);
    const counts = nodes.map((n) => ({ node: n, count: announcementsFor(config, n, scenario.services).announcements.length }));
    const worst = counts.reduce((a, b) => (b.count > a.count ? b : a));
    const frr = nodeFrrFor({ config, node: worst.node, services: scenario.services, render });
    assert.ok(frr.ok);
    const plan = nodePlanFor({ namespace: 'metallb-system', nodeName: worst.node.name, frrConf: frr.value.text, passwords: frr.value.passwords });
    const bytes = Buffer.byteLength(JSON.stringify(plan));
    console.log(`worst node ${worst.node.name}: ${worst.count} announcements, frr.conf ${frr.value.text.length} bytes, plan ${bytes} bytes (${plan.spec.frr.encoding})`);
    assert.equal(worst.count, 10_000, 'the worst node announces every Service');
    assert.equal(plan.spec.frr.encoding, 'gzip+base64');
    assert.ok(bytes < MAX_PLAN_BYTES, `plan is ${bytes} bytes, budget ${MAX_PLAN_BYTES}`);
  });
});
