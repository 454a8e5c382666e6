import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NodePlan } from '@metallb-ts/lib/api/types.generated.ts';
import { parsePlan } from './plan-model.ts';

const frr = { encoding: 'plain' as const, config: 'x', sha256: 'c'.repeat(64), size: 1 };
const plan = (spec: Partial<NonNullable<NodePlan['spec']>>, name = 'node-a'): NodePlan => ({ metadata: { name, uid: 'u', generation: 2 }, spec: { nodeName: name, frr, ...spec } });

test('parsePlan: table', () => {
  const cases: Array<{ desc: string; obj: NodePlan; want: unknown }> = [
    { desc: 'another node\'s plan is refused', obj: plan({}, 'node-b'), want: { ok: false } },
    { desc: 'no bgpServices: services undefined', obj: plan({}), want: { ok: true, services: undefined, peers: [] } },
    {
      desc: 'a Service in two groups gets the union of peers; default VRF normalised',
      obj: plan({ bgpPeers: [{ name: 'r', neighbor: '192.0.2.1', vrf: 'default' }], bgpServices: [{ peers: ['p2'], services: ['ns/a'] }, { peers: ['p1'], services: ['ns/a', 'ns/b'] }] }),
      want: { ok: true, services: [['ns/a', ['p1', 'p2']], ['ns/b', ['p1']]], peers: [{ name: 'r', neighbor: '192.0.2.1', vrf: '' }] },
    },
  ];
  for (const c of cases) {
    const r = parsePlan(c.obj, 'node-a');
    const got = r.ok ? { ok: true, services: r.value.services === undefined ? undefined : [...r.value.services], peers: r.value.peers } : { ok: false };
    assert.deepEqual(got, c.want, c.desc);
  }
});
