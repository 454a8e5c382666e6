import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseIp } from '@metallb-ts/lib/ip/ip.ts';
import { l2FactsKeyOf, l2NodeOf, l2ServiceOf } from './l2-inputs.ts';

describe('l2NodeOf', () => {
  const cases = [
    { desc: 'no conditions', conditions: undefined, want: false },
    { desc: 'NetworkUnavailable=True', conditions: [{ type: 'NetworkUnavailable', status: 'True' }], want: true },
    { desc: 'NetworkUnavailable=False', conditions: [{ type: 'NetworkUnavailable', status: 'False' }], want: false },
    { desc: 'another condition True', conditions: [{ type: 'Ready', status: 'True' }], want: false },
  ];
  for (const c of cases) {
    it(c.desc, () => {
      const n = l2NodeOf({ metadata: { name: 'a', labels: { x: 'y' } }, ...(c.conditions === undefined ? {} : { status: { conditions: c.conditions } }) });
      assert.deepEqual(n, { name: 'a', labels: { x: 'y' }, networkUnavailable: c.want });
    });
  }
});

describe('l2ServiceOf', () => {
  it('carries key, IP texts in order, pool, ETP, serving nodes and the sharing flag', () => {
    const ips = ['2001:db8::5', '198.51.100.5'].map((t) => parseIp(t)!);
    const got = l2ServiceOf({ key: 'ns/web', ips, pool: 'p', labels: { a: 'b' }, trafficPolicyLocal: true, servingNodes: new Set(['n1']), sharingKey: true });
    assert.deepEqual({ ...got, servingNodes: [...got.servingNodes] }, {
      key: 'ns/web', labels: { a: 'b' }, ips: ['2001:db8::5', '198.51.100.5'], pool: 'p', externalTrafficPolicy: 'Local', servingNodes: ['n1'], sharingKey: true,
    });
  });
});

describe('l2FactsKeyOf', () => {
  it('changes with labels and NetworkUnavailable, not with label order or other conditions', () => {
    const k = (labels: Record<string, string>, conditions: Array<{ type: string; status: string }> = []) => l2FactsKeyOf({ metadata: { name: 'a', labels }, status: { conditions } });
    assert.equal(k({ x: '1', y: '2' }), k({ y: '2', x: '1' }, [{ type: 'Ready', status: 'False' }]));
    assert.notEqual(k({ x: '1' }), k({ x: '2' }));
    assert.notEqual(k({ x: '1' }), k({ x: '1' }, [{ type: 'NetworkUnavailable', status: 'True' }]));
  });
});
