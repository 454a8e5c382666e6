/**
 * The NodePlan CRD (speaker.metallb-ts.io/v1alpha1) on a real apiserver: a plan built by the
 * operator's nodePlanFor is stored as is, the speaker's status goes through the status
 * subresource, the worst-case plan at 10,000 Services (packed) fits, and malformed plans and
 * statuses are refused with the field named.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NODEPLAN, type NodePlanSpec } from '@metallb-ts/lib/api/types.generated.ts';
import { decodeFrrConfig } from '@metallb-ts/lib/plan/frr-config-codec.ts';
import { packPlanSpec, unpackPlanSpec } from '@metallb-ts/lib/plan/plan-sections-codec.ts';
import { nodeFrrFor } from '../../operator/src/frr/node-frr.ts';
import { createFrrRenderer } from '../../operator/src/frr/render.ts';
import { configOf, GOLDEN_CASES } from '../../operator/src/frr/testing/golden-cases.ts';
import { loadFrrTemplates } from '../../operator/src/plan/frr-templates.ts';
import { nodePlanFor } from '../../operator/src/plan/node-plan.ts';
import { worstPlanFor, worstStatusFor } from '../../operator/src/plan/testing/plan-scale.ts';
import { useCrdCluster } from '../harness/crd-cluster.ts';
import { tryCreate, tryReplace } from '../harness/crds.ts';

const NS = 'metallb-system';
const render = createFrrRenderer(loadFrrTemplates());

/** A valid plan for `node`, from the password golden (so it carries password references). */
function planFor(node: string): Record<string, unknown> {
  const c = GOLDEN_CASES.find((g) => g.name === 'password') ?? assert.fail('password case missing');
  const frr = nodeFrrFor({ config: configOf(c), node: { ...c.node, name: node }, services: c.services, render });
  assert.ok(frr.ok);
  return nodePlanFor({ namespace: NS, nodeName: node, frrConf: frr.value.text, passwords: frr.value.passwords }) as unknown as Record<string, unknown>;
}

const specOf = (o: Record<string, unknown>): Record<string, unknown> => o['spec'] as Record<string, unknown>;

describe('NodePlan CRD on a real apiserver', () => {
  const cluster = useCrdCluster(NS);

  it('stores the operator plan and the speaker status', async () => {
    const plan = planFor('node-a');
    const created = await tryCreate(cluster().kubeConfig, NODEPLAN, NS, plan);
    assert.ok(created.ok, created.ok ? '' : created.message);
    const frr = specOf(created.object)['frr'] as Parameters<typeof decodeFrrConfig>[0];
    assert.ok(decodeFrrConfig(frr).ok, 'stored config no longer matches its hash');
    const status = {
      observedGeneration: 1, appliedSha256: frr.sha256, result: 'Applied', message: 'reloaded', sessions: '1/2',
      peers: [{ name: 'from-secret', neighbor: '192.0.2.2', bgpState: 'Established', bfdState: 'up', prefixesSent: 2 }, { name: 'inline', neighbor: '192.0.2.1', bgpState: 'Active' }],
      conditions: [{ type: 'Applied', status: 'True', reason: 'Reloaded', message: '', lastTransitionTime: '2026-11-29T14:00:00Z' }],
    };
    const updated = await tryReplace(cluster().kubeConfig, NODEPLAN, NS, 'node-a', { ...created.object, status }, 'status');
    assert.ok(updated.ok, updated.ok ? '' : updated.message);
    assert.deepEqual((updated.object['status'] as Record<string, unknown>)['sessions'], '1/2');
  });

  it('stores the worst-case plan (10,000 dual-stack Services on every node, packed) with the largest status', async () => {
    const worst = worstPlanFor({ services: 10_000, nodes: 100 }, NS);
    const plan = worst.plan as unknown as Record<string, unknown>;
    const created = await tryCreate(cluster().kubeConfig, NODEPLAN, NS, plan);
    assert.ok(created.ok, created.ok ? '' : created.message.slice(0, 2000));
    const stored = unpackPlanSpec(specOf(created.object) as unknown as NodePlanSpec);
    assert.ok(stored.ok, JSON.stringify(!stored.ok && stored.error));
    assert.deepEqual(stored.value.l2, worst.l2);
    const status = worstStatusFor(worst.bgpServices[0]?.peers ?? []);
    const updated = await tryReplace(cluster().kubeConfig, NODEPLAN, NS, worst.plan.metadata!.name!, { ...created.object, status }, 'status');
    assert.ok(updated.ok, updated.ok ? '' : updated.message.slice(0, 2000));
    console.log(`stored worst-case plan: ${Buffer.byteLength(JSON.stringify(updated.object))} bytes as the apiserver returns it`);
  });

  const refused: { desc: string; edit: (p: Record<string, unknown>) => void; wantField: string }[] = [
    { desc: 'a name that is not its node', edit: (p) => Object.assign(specOf(p), { nodeName: 'node-x' }), wantField: 'spec.nodeName: Invalid value: a NodePlan is named after its node' },
    { desc: 'a hash that is not sha256 hex', edit: (p) => Object.assign(specOf(p)['frr'] as object, { sha256: 'abc' }), wantField: 'spec.frr.sha256' },
    { desc: 'an unknown encoding', edit: (p) => Object.assign(specOf(p)['frr'] as object, { encoding: 'zstd' }), wantField: 'spec.frr.encoding' },
    { desc: 'a config without its hash', edit: (p) => delete (specOf(p)['frr'] as Record<string, unknown>)['sha256'], wantField: 'spec.frr.sha256' },
    { desc: 'a placeholder that is not one', edit: (p) => Object.assign(specOf(p), { passwords: [{ key: 'k', placeholder: 'plain-password' }] }), wantField: 'spec.passwords[0].placeholder' },
    { desc: 'a Secret key with a slash', edit: (p) => Object.assign(specOf(p), { passwords: [{ key: 'a/b', placeholder: '@@password:a@@' }] }), wantField: 'spec.passwords[0].key' },
    { desc: 'packed sections beside plain ones', edit: (p) => Object.assign(specOf(p), { l2: { candidateSets: [], vips: [] }, packed: packPlanSpec({ nodeName: 'x', frr: specOf(p)['frr'] as NodePlanSpec['frr'], bgpServices: [{ peers: ['a'], services: ['a/b'] }] }, 0).packed }), wantField: 'spec.packed: Invalid value: spec.packed replaces spec.bgpServices and spec.l2' },
    { desc: 'a packed encoding that is not gzip+base64', edit: (p) => Object.assign(specOf(p), { packed: { encoding: 'zstd', data: '', sha256: 'f'.repeat(64), size: 0 } }), wantField: 'spec.packed.encoding' },
    { desc: 'a node name with a space', edit: (p) => { Object.assign(specOf(p), { nodeName: 'node a' }); }, wantField: 'spec.nodeName' },
  ];
  for (const c of refused) {
    it(`refuses ${c.desc}`, async () => {
      const plan = planFor('node-b');
      c.edit(plan);
      const got = await tryCreate(cluster().kubeConfig, NODEPLAN, NS, plan);
      assert.equal(got.ok, false, `${c.desc}: the apiserver stored it`);
      if (!got.ok) assert.ok(got.message.includes(c.wantField), `message does not name ${c.wantField}: ${got.message}`);
    });
  }

  it('refuses a status with an unknown BGP state', async () => {
    const created = await tryCreate(cluster().kubeConfig, NODEPLAN, NS, planFor('node-c'));
    assert.ok(created.ok, created.ok ? '' : created.message);
    const status = { sessions: '0/1', peers: [{ name: 'inline', bgpState: 'Flapping' }] };
    const got = await tryReplace(cluster().kubeConfig, NODEPLAN, NS, 'node-c', { ...created.object, status }, 'status');
    assert.equal(got.ok, false, 'an unknown bgpState was stored');
    if (!got.ok) assert.ok(got.message.includes('status.peers[0].bgpState'), got.message);
  });
});
