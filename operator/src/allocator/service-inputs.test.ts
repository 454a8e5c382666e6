import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { annotation, backendKeyOf, desiredIpsOf, familyOfAddresses, familyRequestOf, parseServiceIp, portsOf } from './service-inputs.ts';
import { testService } from '../testing/test-services.ts';
import { formatIp } from '@metallb-ts/lib/ip/ip.ts';

describe('service inputs', () => {
  it('annotation: the new key wins, even when empty; old key as fallback', () => {
    const cases = [
      { desc: 'new only', input: { 'metallb.io/allow-shared-ip': 'a' }, want: 'a' },
      { desc: 'old only', input: { 'metallb.universe.tf/allow-shared-ip': 'b' }, want: 'b' },
      { desc: 'both', input: { 'metallb.io/allow-shared-ip': 'a', 'metallb.universe.tf/allow-shared-ip': 'b' }, want: 'a' },
      { desc: 'new empty', input: { 'metallb.io/allow-shared-ip': '', 'metallb.universe.tf/allow-shared-ip': 'b' }, want: '' },
      { desc: 'none', input: {}, want: '' },
    ];
    for (const { desc, input, want } of cases) assert.equal(annotation(testService({ annotations: input }), 'allow-shared-ip'), want, desc);
  });

  it('backend key: ETP Local → sorted selector string; Cluster → empty', () => {
    const cases = [
      { desc: 'local', input: { etp: 'Local' as const, selector: { b: '2', a: '1' } }, want: 'a=1,b=2' },
      { desc: 'cluster', input: { etp: 'Cluster' as const, selector: { a: '1' } }, want: '' },
      { desc: 'local, empty selector', input: { etp: 'Local' as const, selector: {} }, want: '' },
    ];
    for (const { desc, input, want } of cases) assert.equal(backendKeyOf(testService(input)), want, desc);
  });

  it('ports: protocol defaults to TCP', () => {
    assert.deepEqual(portsOf(testService({ ports: [{ port: 80 }, { port: 53, protocol: 'UDP' }] })), [
      { protocol: 'TCP', port: 80 },
      { protocol: 'UDP', port: 53 },
    ]);
  });

  it('families of address lists (MetalLB ipfamily.ForAddresses)', () => {
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
      const r = familyOfAddresses(input);
      assert.equal(r.ok ? r.value : r.error, want, desc);
    }
  });

  it('requested addresses (MetalLB getDesiredLbIPs)', () => {
    const show = (r: ReturnType<typeof desiredIpsOf>): string =>
      !r.ok ? r.error : r.value === undefined ? 'none' : `${r.value.family}:${r.value.ips.map((x) => formatIp(x.family, x.value)).join(',')}`;
    const cases = [
      { desc: 'nothing', input: {}, want: 'none' },
      { desc: 'spec', input: { lbIP: '10.0.0.1' }, want: 'ipv4:10.0.0.1' },
      { desc: 'old annotation', input: { annotations: { 'metallb.universe.tf/loadBalancerIPs': 'fd00::1' } }, want: 'ipv6:fd00::1' },
      { desc: 'bad annotation', input: { annotations: { 'metallb.io/loadBalancerIPs': '10.0.0.1,nope' } }, want: 'invalid metallb.io/loadBalancerIPs: "10.0.0.1,nope"' },
      { desc: 'bad spec', input: { lbIP: 'nope' }, want: 'invalid spec.loadBalancerIP "nope"' },
      {
        desc: 'both',
        input: { lbIP: '10.0.0.1', annotations: { 'metallb.io/loadBalancerIPs': '10.0.0.2' } },
        want: 'service can not have both metallb.io/loadBalancerIPs and svc.Spec.LoadBalancerIP',
      },
    ];
    for (const { desc, input, want } of cases) assert.equal(show(desiredIpsOf(testService(input))), want, desc);
  });

  it('family request: ipFamilies[0] decides the primary family; policy defaults to SingleStack', () => {
    assert.deepEqual(familyRequestOf(testService({ families: ['IPv6', 'IPv4'], policy: 'PreferDualStack' }), 'dual'), { family: 'dual', policy: 'PreferDualStack', primary: 'ipv6' });
    assert.deepEqual(familyRequestOf(testService(), 'ipv4'), { family: 'ipv4', policy: 'SingleStack', primary: 'ipv4' });
  });

  it('parseServiceIp rejects garbage', () => {
    assert.equal(parseServiceIp('10.0.0.256'), undefined);
  });
});
