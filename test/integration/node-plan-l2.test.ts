/**
 * NodePlan `spec.l2` on a real apiserver: duties built by the operator's l2DutiesFor are stored
 * unpruned (the schema knows every field), malformed ones are refused with the field named, and
 * the largest plan of 10,000 Services over 100 nodes is accepted.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NODEPLAN, type NodePlanSpecL2 } from '@metallb-ts/lib/api/types.generated.ts';
import { nodeName, serviceKey } from '@metallb-ts/lib/ids/ids.ts';
import { compileSelector } from '@metallb-ts/lib/selector/label-selector.ts';
import { l2DutiesFor, type L2Service } from '../../operator/src/layer2/l2-duties.ts';
import { nodePlanFor } from '../../operator/src/plan/node-plan.ts';
import { useCrdCluster } from '../harness/crd-cluster.ts';
import { tryCreate } from '../harness/crds.ts';

const NS = 'metallb-system';
const everyone = compileSelector({});
assert.ok(everyone.ok);
const ad = { name: 'l2', pools: ['p'], nodeSelectors: [], serviceSelectors: [], interfaces: ['eth0'], preferredNodes: [{ weight: 10, selector: everyone.value }] };

function dutiesFor(nodes: number, services: number): Map<string, NodePlanSpecL2> {
  const svcs: L2Service[] = Array.from({ length: services }, (_, i) => ({
    key: serviceKey('default', `service-${i}`), labels: {}, pool: 'p', externalTrafficPolicy: 'Cluster', servingNodes: new Set(['n-0']), sharingKey: false,
    ips: i === 0 ? ['192.0.2.10', '2001:db8::10'] : [`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`],
  }));
  const ns = Array.from({ length: nodes }, (_, i) => ({ name: nodeName(`n-${i}`), labels: {}, networkUnavailable: false }));
  return l2DutiesFor({ l2Advertisements: [ad], nodes: ns, services: svcs });
}

const planWith = (node: string, l2: unknown): Record<string, unknown> => {
  const p = nodePlanFor({ namespace: NS, nodeName: node, frrConf: 'frr defaults datacenter\n', passwords: [] }) as unknown as { spec: Record<string, unknown> };
  p.spec['l2'] = l2;
  return p as unknown as Record<string, unknown>;
};

describe('NodePlan spec.l2 on a real apiserver', () => {
  const cluster = useCrdCluster(NS);

  it('stores the operator duties as built', async () => {
    const l2 = dutiesFor(3, 3).get('n-1')!;
    assert.ok(l2.vips.some((v) => v.ip === '2001:db8::10' && v.electionKey === '192.0.2.10'), JSON.stringify(l2.vips));
    const got = await tryCreate(cluster().kubeConfig, NODEPLAN, NS, planWith('n-1', l2));
    assert.ok(got.ok, got.ok ? '' : got.message);
    assert.deepEqual((got.object['spec'] as Record<string, unknown>)['l2'], l2);
  });

  const refused: Array<{ desc: string; l2: unknown; field: string }> = [
    { desc: 'a negative set index', l2: { candidateSets: [{ nodes: [{ name: 'a' }] }], vips: [{ ip: '192.0.2.1', set: -1, services: ['a/b'] }] }, field: 'spec.l2.vips[0].set' },
    { desc: 'a VIP without services', l2: { candidateSets: [], vips: [{ ip: '192.0.2.1', set: 0, services: [] }] }, field: 'spec.l2.vips[0].services' },
    { desc: 'a negative weight', l2: { candidateSets: [{ nodes: [{ name: 'a', weight: -1 }] }], vips: [] }, field: 'spec.l2.candidateSets[0].nodes[0].weight' },
    { desc: 'duties without vips', l2: { candidateSets: [] }, field: 'spec.l2.vips' },
  ];
  for (const c of refused) {
    it(`refuses ${c.desc}`, async () => {
      const got = await tryCreate(cluster().kubeConfig, NODEPLAN, NS, planWith('n-2', c.l2));
      assert.equal(got.ok, false, `${c.desc}: stored`);
      if (!got.ok) assert.ok(got.message.includes(c.field), `${c.field} not named: ${got.message}`);
    });
  }

  it('accepts the largest plan of 10,000 Services over 100 nodes', async () => {
    const l2 = dutiesFor(100, 10_000).get('n-0')!;
    assert.equal(l2.vips.length, 10_001);
    const got = await tryCreate(cluster().kubeConfig, NODEPLAN, NS, planWith('n-0', l2));
    assert.ok(got.ok, got.ok ? '' : got.message.slice(0, 500));
  });
});
