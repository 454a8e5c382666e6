import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatIp, type IpAddress } from '@metallb-ts/lib/ip/ip.ts';
import { Allocator } from './allocator.ts';
import { LinearScanAllocator } from '../testing/linear-scan-model.ts';
import { claim, FAMILIES, ip, testPool } from '../testing/test-pools.ts';
import type { ServiceClaim } from './types.ts';

const POOLS = [
  testPool('a', ['10.0.0.252-10.0.1.3'], { avoidBuggyIPs: true }),
  testPool('b', ['10.0.2.0/30', '2001:db8::/126']),
  testPool('c', ['2001:db8:1::/127']),
  testPool('d', ['10.0.3.0/31'], { serviceAllocation: { priority: 1, namespaces: ['ns1'] } }),
  testPool('e', ['10.0.4.0/31'], { serviceAllocation: { serviceSelectors: [{ matchLabels: { tier: 'gold' } }] } }),
  testPool('f', ['10.0.5.0/31'], { autoAssign: false }),
];

const ASSIGNABLE = [
  ['10.0.0.252'], ['10.0.0.255'], ['10.0.1.1'], ['10.0.2.1'], ['2001:db8::1'], ['2001:db8:1::1'],
  ['10.0.3.1'], ['10.0.4.0'], ['10.0.5.1'], ['192.168.0.1'], ['10.0.2.1', '2001:db8::2'],
].map((list) => list.map(ip));

const claimArb = fc.record({
  svc: fc.integer({ min: 0, max: 7 }),
  ns: fc.constantFrom('ns1', 'ns2'),
  gold: fc.boolean(),
  sharingKey: fc.constantFrom('', 'k', 'j'),
  backendKey: fc.constantFrom('', 'app=x'),
  ports: fc.subarray([80, 443, 53]),
});

type ClaimSpec = typeof claimArb extends fc.Arbitrary<infer T> ? T : never;

const toClaim = (c: ClaimSpec): ServiceClaim =>
  claim(`${c.ns}/s${c.svc}`, {
    labels: c.gold ? { tier: 'gold' } : {},
    sharingKey: c.sharingKey,
    backendKey: c.backendKey,
    ports: c.ports.map((port) => ({ protocol: 'TCP', port })),
  });

const opArb = fc.oneof(
  fc.record({ op: fc.constant('allocate' as const), c: claimArb, fam: fc.constantFrom(...(Object.keys(FAMILIES) as (keyof typeof FAMILIES)[])) }),
  fc.record({ op: fc.constant('assign' as const), c: claimArb, ips: fc.integer({ min: 0, max: ASSIGNABLE.length - 1 }) }),
  fc.record({ op: fc.constant('unassign' as const), c: claimArb }),
  fc.record({ op: fc.constant('setPools' as const), keep: fc.subarray(POOLS, { minLength: 1 }) }),
);

const show = (ips: readonly IpAddress[] | undefined): string => (ips ?? []).map((x) => formatIp(x.family, x.value)).join(',');

describe('Allocator vs linear-scan model', () => {
  it('chooses the same addresses for random operation sequences', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => {
        const real = new Allocator();
        const model = new LinearScanAllocator();
        real.setPools(POOLS);
        model.setPools(POOLS);
        const services = new Set<ServiceClaim['service']>();
        for (const o of ops) {
          if (o.op === 'setPools') {
            assert.deepEqual(real.setPools(o.keep).released, model.setPools(o.keep));
            continue;
          }
          const c = toClaim(o.c);
          services.add(c.service);
          if (o.op === 'allocate') {
            const r = real.allocate(c, FAMILIES[o.fam]);
            assert.equal(r.ok ? show(r.value) : 'fail', show(model.allocate(c, FAMILIES[o.fam])) || 'fail');
          } else if (o.op === 'assign') {
            const ips = ASSIGNABLE[o.ips] ?? [];
            assert.equal(real.assign(c, ips).ok, model.assign(c, ips));
          } else {
            real.unassign(c.service);
            model.unassign(c.service);
          }
          for (const s of services) assert.equal(show(real.ipsOf(s)), show(model.ipsOf(s)), `ips of ${s}`);
        }
      }),
      { numRuns: 300 },
    );
  });
});
