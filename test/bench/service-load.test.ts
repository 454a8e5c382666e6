/** Pure helpers of the Service load generator: percentiles, latencies, the generated Service. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1Service } from '@kubernetes/client-node';
import { createToIngressMs, ingressOf, loadBalancerService, percentile } from './service-load.ts';

describe('percentile (nearest rank)', () => {
  const cases = [
    { desc: 'empty is NaN', input: { values: [], p: 50 }, want: Number.NaN },
    { desc: 'single value', input: { values: [7], p: 99 }, want: 7 },
    { desc: 'p50 of 1..10 is 5', input: { values: [10, 9, 8, 7, 6, 5, 4, 3, 2, 1], p: 50 }, want: 5 },
    { desc: 'p99 of 1..100 is 99', input: { values: Array.from({ length: 100 }, (_, i) => 100 - i), p: 99 }, want: 99 },
    { desc: 'p100 is the max', input: { values: [3, 1, 2], p: 100 }, want: 3 },
    { desc: 'p0 is the min', input: { values: [3, 1, 2], p: 0 }, want: 1 },
  ];
  for (const { desc, input, want } of cases) {
    it(desc, () => assert.equal(percentile(input.values, input.p), want));
  }
});

describe('createToIngressMs', () => {
  it('pairs request and first-ingress times by name and skips Services without ingress', () => {
    const req = new Map([['a', 100], ['b', 200], ['c', 300]]);
    const first = new Map([['a', 150], ['c', 390], ['z', 1]]);
    assert.deepEqual(createToIngressMs(req, first), [50, 90]);
  });
});

describe('loadBalancerService', () => {
  it('is IPv6 SingleStack without NodePorts, pool annotation only when asked', () => {
    const s = loadBalancerService({ namespace: 'ns', name: 's1', pool: 'p' });
    assert.deepEqual(s.spec?.ipFamilies, ['IPv6']);
    assert.equal(s.spec?.allocateLoadBalancerNodePorts, false);
    assert.equal(s.metadata?.annotations?.['metallb.io/address-pool'], 'p');
    assert.equal(loadBalancerService({ namespace: 'ns', name: 's2' }).metadata?.annotations, undefined);
  });
});

describe('ingressOf', () => {
  const svc = (ingress: Array<{ ip?: string; hostname?: string }> | undefined): V1Service => ({ status: { loadBalancer: { ...(ingress ? { ingress } : {}) } } });
  const cases = [
    { desc: 'none', input: svc(undefined), want: '' },
    { desc: 'one ip', input: svc([{ ip: '2001:db8::1' }]), want: '2001:db8::1' },
    { desc: 'sorted, order-insensitive', input: svc([{ ip: '10.0.0.2' }, { ip: '10.0.0.1' }]), want: '10.0.0.1,10.0.0.2' },
    { desc: 'hostname', input: svc([{ hostname: 'lb.example' }]), want: 'lb.example' },
  ];
  for (const { desc, input, want } of cases) it(desc, () => assert.equal(ingressOf(input), want));
});
