import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1EndpointSlice } from '@kubernetes/client-node';
import { l2NodeOf, servingNodesOf } from './l2-inputs.ts';

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

describe('servingNodesOf', () => {
  it('ready unset or true, or serving true, counts; nodeless endpoints do not', () => {
    const slice: V1EndpointSlice = {
      addressType: 'IPv4',
      endpoints: [
        { addresses: ['10.0.0.1'], nodeName: 'ready-unset' },
        { addresses: ['10.0.0.2'], nodeName: 'ready', conditions: { ready: true } },
        { addresses: ['10.0.0.3'], nodeName: 'terminating-serving', conditions: { ready: false, serving: true } },
        { addresses: ['10.0.0.4'], nodeName: 'not-ready', conditions: { ready: false } },
        { addresses: ['10.0.0.5'], conditions: { ready: true } },
      ],
    };
    assert.deepEqual([...servingNodesOf([slice, { addressType: 'IPv4' }])].sort(), ['ready', 'ready-unset', 'terminating-serving']);
  });
});
