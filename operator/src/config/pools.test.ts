import { describe } from 'node:test';
import { namespace, pool, runCases, type Case } from '../testing/config-test-kit.ts';

const P = (name: string) => `IPAddressPool/${name}`;

const cases: Case[] = [
  { desc: 'valid: CIDRs and a range in two pools', input: { pools: [pool('a', ['192.0.2.0/25', '2001:db8::/120']), pool('b', ['192.0.2.128 - 192.0.2.200'])] }, want: [] },
  { desc: 'P1: pool without a name', input: { pools: [pool('', ['192.0.2.0/24'])] }, want: [{ rule: 'P1', object: P(''), field: 'metadata.name', message: /missing pool name/ }] },
  { desc: 'P2: no addresses', input: { pools: [pool('a', [])] }, want: [{ rule: 'P2', object: P('a'), field: 'spec.addresses', message: /pool has no prefixes defined/ }] },
  {
    desc: 'P3: malformed CIDR and reversed range',
    input: { pools: [pool('a', ['192.0.2.0/24', '10.0.0.0/33', '10.1.0.9-10.1.0.1'])] },
    want: [
      { rule: 'P3', object: P('a'), field: 'spec.addresses[1]', message: /^invalid CIDR "10.0.0.0\/33" in pool "a"/ },
      { rule: 'P3', object: P('a'), field: 'spec.addresses[2]', message: /start IP "10.1.0.9" is after the end IP "10.1.0.1"/ },
    ],
  },
  { desc: 'P3: range with a missing end', input: { pools: [pool('a', ['10.0.0.1-'])] }, want: [{ rule: 'P3', object: P('a'), field: 'spec.addresses[0]', message: /invalid end IP ""/ }] },
  {
    desc: 'P4: duplicate pool name (the later one is reported, not overlap-checked)',
    input: { pools: [pool('a', ['192.0.2.0/24']), pool('a', ['192.0.2.0/24'])] },
    want: [{ rule: 'P4', object: P('a'), field: 'metadata.name', message: /duplicate definition of pool "a"/ }],
  },
  {
    desc: 'P5: a range overlapping a CIDR of an earlier pool',
    input: { pools: [pool('b', ['192.0.2.250-192.0.3.5']), pool('a', ['192.0.2.0/24'])] },
    want: [{ rule: 'P5', object: P('b'), field: 'spec.addresses[0]', message: /CIDR "192.0.2.250\/31" in pool "b" overlaps with already defined CIDR "192.0.2.0\/24"/ }],
  },
  {
    desc: 'P5: an IPv4-mapped IPv6 CIDR overlaps the same IPv4 block (Go treats it as IPv4)',
    input: { pools: [pool('a', ['203.0.113.176/29']), pool('b', ['::ffff:203.0.113.176/125'])] },
    want: [{ rule: 'P5', object: P('b'), field: 'spec.addresses[0]', message: /CIDR "203.0.113.176\/29" in pool "b" overlaps with already defined CIDR "203.0.113.176\/29"/ }],
  },
  {
    desc: 'P5: an IPv4-mapped range overlaps an IPv4 CIDR',
    input: { pools: [pool('a', ['203.0.113.0/28']), pool('b', ['::ffff:203.0.113.8-::ffff:203.0.113.20'])] },
    want: [{ rule: 'P5', object: P('b'), field: 'spec.addresses[0]', message: /CIDR "203.0.113.8\/29" in pool "b"/ }],
  },
  { desc: 'valid: prefix length with leading zeros, as Go parses it', input: { pools: [pool('a', ['2001:db8::/0120', '192.0.2.0/024'])] }, want: [] },
  {
    desc: 'P3: a range mixing families (MetalLB: accepted with no addresses; docs/differences.md)',
    input: { pools: [pool('a', ['192.0.2.1-2001:db8::1'])] },
    want: [{ rule: 'P3', object: P('a'), field: 'spec.addresses[0]', message: /are of different families/ }],
  },
  {
    desc: 'P5: overlap inside one pool',
    input: { pools: [pool('a', ['2001:db8::/64', '2001:db8::1-2001:db8::2'])] },
    want: [{ rule: 'P5', object: P('a'), field: 'spec.addresses[1]' }],
  },
  {
    desc: 'valid: serviceAllocation with namespaces and selectors',
    input: {
      pools: [pool('a', ['192.0.2.0/24'], { serviceAllocation: { priority: 1, namespaces: ['x'], namespaceSelectors: [{ matchLabels: { team: 'a' } }], serviceSelectors: [{ matchExpressions: [{ key: 'app', operator: 'In', values: ['web'] }] }] } })],
      namespaces: [namespace('y', { team: 'a' })],
    },
    want: [],
  },
  {
    desc: 'P6: duplicate namespace, duplicate selector, duplicate expression value, invalid selector',
    input: {
      pools: [pool('a', ['192.0.2.0/24'], {
        serviceAllocation: {
          namespaces: ['x', 'x'],
          namespaceSelectors: [{ matchLabels: { team: 'a' } }, { matchLabels: { team: 'a' } }],
          serviceSelectors: [{ matchExpressions: [{ key: 'app', operator: 'In', values: ['w', 'w'] }] }, { matchExpressions: [{ key: 'app', operator: 'Gt', values: ['1'] }] }],
        },
      })],
    },
    want: [
      { rule: 'P6', object: P('a'), field: 'spec.serviceAllocation.namespaceSelectors[1]', message: /duplicate definition of namespaceSelectors "team=a"/ },
      { rule: 'P6', object: P('a'), field: 'spec.serviceAllocation.namespaces[1]', message: /duplicate definition of namespaces "x"/ },
      { rule: 'P6', object: P('a'), field: 'spec.serviceAllocation.serviceSelectors[0].matchExpressions[0].values[1]', message: /duplicate definition of match expression value/ },
      { rule: 'P6', object: P('a'), field: 'spec.serviceAllocation.serviceSelectors[1]', message: /invalid service label selector in ip pool a: "Gt" is not a valid label selector operator/ },
    ],
  },
  {
    desc: 'P6: duplicate match expressions (value order does not matter)',
    input: { pools: [pool('a', ['192.0.2.0/24'], { serviceAllocation: { serviceSelectors: [{ matchExpressions: [{ key: 'k', operator: 'In', values: ['a', 'b'] }, { key: 'k', operator: 'In', values: ['b', 'a'] }] }] } })] },
    want: [{ rule: 'P6', object: P('a'), field: 'spec.serviceAllocation.serviceSelectors[0].matchExpressions[1]', message: /duplicate definition of match expressions/ }],
  },
];

describe('pools (P1–P6)', () => runCases(cases));
