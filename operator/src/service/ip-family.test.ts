import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { familyOfAddresses, parseServiceIp } from './ip-family.ts';

describe('familyOfAddresses (MetalLB ipfamily.ForAddresses)', () => {
  const cases = [
    { desc: 'v4', input: ['10.0.0.1'], want: 'ipv4' },
    { desc: 'v6', input: ['fd00::1'], want: 'ipv6' },
    { desc: 'dual', input: ['fd00::1', '10.0.0.1'], want: 'dual' },
    { desc: 'mapped v4 counts as v4', input: ['::ffff:10.0.0.1'], want: 'ipv4' },
    { desc: 'same family twice', input: ['10.0.0.1', '10.0.0.2'], want: 'IPFamilyForAddresses: same address family ["10.0.0.1" "10.0.0.2"]' },
    { desc: 'three', input: ['10.0.0.1', 'fd00::1', '10.0.0.2'], want: 'IPFamilyForAddresses: invalid ips length 3 ["10.0.0.1" "fd00::1" "10.0.0.2"]' },
    { desc: 'garbage', input: ['x'], want: 'IPFamilyForAddresses: Invalid address ["x"]' },
    { desc: 'empty clusterIP', input: [''], want: 'IPFamilyForAddresses: Invalid address [""]' },
  ];
  for (const { desc, input, want } of cases) {
    it(desc, () => {
      const r = familyOfAddresses(input);
      assert.equal(r.ok ? r.value : r.error, want);
    });
  }
});

describe('parseServiceIp', () => {
  it('rejects garbage', () => assert.equal(parseServiceIp('10.0.0.256'), undefined));
  it('reads IPv4-mapped IPv6 as IPv4', () => assert.deepEqual(parseServiceIp('::ffff:10.0.0.1'), { family: 'ipv4', value: 0x0a000001n }));
});
