import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCommunity } from './communities.ts';
import { community, runCases, type Case } from '../testing/config-test-kit.ts';

const C = (name: string) => `Community/${name}`;

describe('parseCommunity', () => {
  const cases: { desc: string; input: string; want: string }[] = [
    { desc: 'legacy', input: '65000:100', want: 'ok 65000:100' },
    { desc: 'legacy bounds', input: '0:65535', want: 'ok 0:65535' },
    { desc: 'legacy leading zeros are normalised', input: '007:1', want: 'ok 7:1' },
    { desc: 'large', input: 'large:4294967295:0:1', want: 'ok large:4294967295:0:1' },
    { desc: 'legacy section out of range', input: '65536:1', want: 'value invalid community value: invalid section "65536" of community "65536:1": value out of range' },
    { desc: 'legacy signed section', input: '-1:1', want: 'value invalid community value: invalid section "-1" of community "-1:1": invalid syntax' },
    { desc: 'large with wrong marker', input: 'big:1:2:3', want: 'value invalid community value: invalid marker for large community, expected community to be of format large:<uint32>:<uint32>:<uint32> but got "big:1:2:3" instead' },
    { desc: 'large section out of range', input: 'large:1:2:4294967296', want: 'value invalid community value: invalid section "4294967296" of community "large:1:2:4294967296": value out of range' },
    { desc: 'alias-like name', input: 'no-export', want: 'format invalid community format: no-export' },
    { desc: 'three fields', input: '1:2:3', want: 'format invalid community format: 1:2:3' },
  ];
  for (const c of cases) {
    it(c.desc, () => {
      const r = parseCommunity(c.input);
      assert.equal(r.ok ? `ok ${r.value.text}` : `${r.error.kind} ${r.error.message}`, c.want);
    });
  }
});

const cases: Case[] = [
  { desc: 'valid: legacy and large aliases in two CRs', input: { communities: [community('a', [{ name: 'no-advertise', value: '65535:65282' }]), community('b', [{ name: 'big', value: 'large:1:2:3' }])] }, want: [] },
  {
    desc: 'C1: unparsable values',
    input: { communities: [community('a', [{ name: 'x', value: '1:99999' }, { name: 'y', value: 'nope' }])] },
    want: [
      { rule: 'C1', object: C('a'), field: 'spec.communities[0].value', message: /parsing community "x": invalid community value/ },
      { rule: 'C1', object: C('a'), field: 'spec.communities[1].value', message: /invalid community format/ },
    ],
  },
  {
    desc: 'C2: duplicate alias across CRs',
    input: { communities: [community('b', [{ name: 'x', value: '1:2' }]), community('a', [{ name: 'x', value: '1:1' }])] },
    want: [{ rule: 'C2', object: C('b'), field: 'spec.communities[0].name', message: /duplicate definition of community "x"/ }],
  },
];

describe('communities (C1–C2)', () => runCases(cases));
