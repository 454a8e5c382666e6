import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configFor } from './config-for.ts';
import { l2, pool, resources, runCases, type Case } from '../testing/config-test-kit.ts';

const L = (name: string) => `L2Advertisement/${name}`;
const pools = [pool('a', ['192.0.2.0/24'], {}, { tier: 'gold' }), pool('b', ['198.51.100.0/24'])];

const cases: Case[] = [
  { desc: 'valid: pools, selectors and interfaces', input: { pools, l2Advertisements: [l2('x', { ipAddressPools: ['a'], ipAddressPoolSelectors: [{ matchLabels: { tier: 'gold' } }], nodeSelectors: [{ matchLabels: { rack: '1' } }], serviceSelectors: [{ matchLabels: { app: 'web' } }], interfaces: ['eth0'], preferredNodeSelectors: [{ weight: 10, preference: {} }] })] }, want: [] },
  {
    desc: 'L1: duplicates in every list',
    input: { pools, l2Advertisements: [l2('x', {
      ipAddressPools: ['a', 'a'],
      ipAddressPoolSelectors: [{ matchLabels: { t: '1' } }, { matchLabels: { t: '1' } }],
      nodeSelectors: [{}, {}],
      serviceSelectors: [{ matchLabels: { app: 'x' } }, { matchLabels: { app: 'x' } }],
    })] },
    want: [
      { rule: 'L1', object: L('x'), field: 'spec.ipAddressPoolSelectors[1]', message: /duplicate definition of ipAddressPoolSelectors "t=1"/ },
      { rule: 'L1', object: L('x'), field: 'spec.ipAddressPools[1]', message: /duplicate definition of ipAddressPools "a"/ },
      { rule: 'L1', object: L('x'), field: 'spec.nodeSelectors[1]' },
      { rule: 'L1', object: L('x'), field: 'spec.serviceSelectors[1]' },
    ],
  },
  {
    desc: 'L1: invalid node, service and preferred-node selectors',
    input: { pools, l2Advertisements: [l2('x', {
      nodeSelectors: [{ matchExpressions: [{ key: 'k', operator: 'In' }] }],
      serviceSelectors: [{ matchLabels: { k: 'not valid' } }],
      preferredNodeSelectors: [{ weight: 1, preference: { matchExpressions: [{ key: 'k', operator: 'Exists', values: ['v'] }] } }],
    })] },
    want: [
      { rule: 'L1', object: L('x'), field: 'spec.nodeSelectors[0]', message: /failed to parse node selector for x: for 'in', 'notin' operators, values set can't be empty/ },
      { rule: 'L1', object: L('x'), field: 'spec.preferredNodeSelectors[0].preference', message: /values set must be empty/ },
      { rule: 'L1', object: L('x'), field: 'spec.serviceSelectors[0]', message: /invalid label value "not valid"/ },
    ],
  },
];

describe('L2 advertisements (L1)', () => runCases(cases));

describe('L2 advertisements: resolved pools', () => {
  const cases: { desc: string; input: Parameters<typeof l2>[1]; want: string[] }[] = [
    { desc: 'both pool fields empty: all pools', input: {}, want: ['a', 'b'] },
    { desc: 'by name; unknown names ignored', input: { ipAddressPools: ['b', 'nope'] }, want: ['b'] },
    { desc: 'by label', input: { ipAddressPoolSelectors: [{ matchLabels: { tier: 'gold' } }] }, want: ['a'] },
    { desc: 'name and label union, deduplicated', input: { ipAddressPools: ['a', 'b'], ipAddressPoolSelectors: [{ matchLabels: { tier: 'gold' } }] }, want: ['a', 'b'] },
  ];
  for (const c of cases) {
    it(c.desc, () => {
      const r = configFor(resources({ pools, l2Advertisements: [l2('x', c.input)] }));
      assert.ok(r.ok);
      assert.deepEqual(r.value.l2Advertisements[0]?.pools, c.want);
    });
  }
});
