import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runScenario, type Step } from '../testing/scenario.ts';
import { claim, FAMILIES, ip, testPool } from '../testing/test-pools.ts';
import { Allocator } from './allocator.ts';
import { MAX_INT64 } from './pool-counters.ts';
import type { Pool } from '../config/types.ts';

interface Case {
  readonly desc: string;
  readonly input: { readonly pools: readonly Pool[]; readonly steps: readonly Step[] };
  readonly want: readonly string[];
}

const run = (cases: readonly Case[]): void => {
  for (const { desc, input, want } of cases) {
    it(desc, () => assert.deepEqual(runScenario(input.pools, input.steps).outputs, want));
  }
};

const shared = (key: string, ports: number[], backendKey = '') => ({
  sharingKey: key,
  backendKey,
  ports: ports.map((port) => ({ protocol: 'TCP', port })),
});

describe('address selection', () => {
  run([
    {
      desc: 'lowest free address, CIDRs in spec order',
      input: { pools: [testPool('p', ['10.0.1.0/31', '10.0.0.0/31'])], steps: [{ allocate: 'a' }, { allocate: 'b' }, { allocate: 'c' }] },
      want: ['10.0.1.0', '10.0.1.1', '10.0.0.0'],
    },
    {
      desc: 'a released address is reused first',
      input: { pools: [testPool('p', ['10.0.0.0/30'])], steps: [{ allocate: 'a' }, { allocate: 'b' }, { unassign: 'a' }, { allocate: 'c' }] },
      want: ['10.0.0.0', '10.0.0.1', 'true', '10.0.0.0'],
    },
    {
      desc: 'avoidBuggyIPs skips .255 and .0 across a /24 boundary',
      input: { pools: [testPool('p', ['10.0.0.254-10.0.1.1'], { avoidBuggyIPs: true })], steps: [{ allocate: 'a' }, { allocate: 'b' }, { allocate: 'c' }] },
      want: ['10.0.0.254', '10.0.1.1', 'err:noAvailableIps'],
    },
    {
      desc: 'buggy addresses are usable when avoidBuggyIPs is off',
      input: { pools: [testPool('p', ['10.0.0.255/32'])], steps: [{ allocate: 'a' }] },
      want: ['10.0.0.255'],
    },
    {
      desc: 'requesting a buggy address of an avoidBuggyIPs pool: not in config',
      input: { pools: [testPool('p', ['10.0.0.0/24'], { avoidBuggyIPs: true })], steps: [{ assign: 'a', ips: ['10.0.0.0'] }, { assign: 'a', ips: ['10.0.0.7'] }] },
      want: ['err:notInConfig', 'ok'],
    },
    {
      desc: 'IPv6 /64 hands out its lowest addresses',
      input: { pools: [testPool('p', ['2001:db8::/64'])], steps: [{ allocate: 'a', fam: 'v6' }, { allocate: 'b', fam: 'v6' }] },
      want: ['2001:db8::', '2001:db8::1'],
    },
  ]);
});

describe('sharing', () => {
  const p = [testPool('p', ['10.0.0.0/30'])];
  run([
    {
      desc: 'same key, disjoint ports: the shared address is lower than the free one and wins',
      input: { pools: p, steps: [{ allocate: 'a', with: shared('k', [80]) }, { allocate: 'b', with: shared('k', [443]) }] },
      want: ['10.0.0.0', '10.0.0.0'],
    },
    {
      desc: 'same key, clashing port: next free address',
      input: { pools: p, steps: [{ allocate: 'a', with: shared('k', [80]) }, { allocate: 'b', with: shared('k', [80]) }] },
      want: ['10.0.0.0', '10.0.0.1'],
    },
    {
      desc: 'a shared address above the lowest free one is not preferred',
      input: {
        pools: p,
        steps: [{ allocate: 'a' }, { allocate: 'b', with: shared('k', [80]) }, { unassign: 'a' }, { allocate: 'c', with: shared('k', [443]) }],
      },
      want: ['10.0.0.0', '10.0.0.1', 'true', '10.0.0.0'],
    },
    {
      desc: 'different backend keys never share',
      input: { pools: p, steps: [{ allocate: 'a', with: shared('k', [80], 'app=x') }, { allocate: 'b', with: shared('k', [443], 'app=y') }] },
      want: ['10.0.0.0', '10.0.0.1'],
    },
    {
      desc: 'explicit assign errors: existing no sharing, new no sharing, key mismatch, backend mismatch, port in use',
      input: {
        pools: p,
        steps: [
          { assign: 'a', ips: ['10.0.0.0'], with: shared('', [80]) },
          { assign: 'b', ips: ['10.0.0.0'], with: shared('k', [443]) },
          { assign: 'c', ips: ['10.0.0.1'], with: shared('k', [80]) },
          { assign: 'd', ips: ['10.0.0.1'], with: shared('', [443]) },
          { assign: 'e', ips: ['10.0.0.1'], with: shared('other', [443]) },
          { assign: 'f', ips: ['10.0.0.1'], with: shared('k', [443], 'app=x') },
          { assign: 'g', ips: ['10.0.0.1'], with: shared('k', [80]) },
          { assign: 'h', ips: ['10.0.0.1'], with: shared('k', [443]) },
        ],
      },
      want: ['ok', 'err:sharing', 'ok', 'err:sharing', 'err:sharing', 'err:sharing', 'err:portInUse', 'ok'],
    },
    {
      desc: 'a sole user may change its key; not when others share the address',
      input: {
        pools: p,
        steps: [
          { assign: 'a', ips: ['10.0.0.0'], with: shared('k', [80]) },
          { assign: 'a', ips: ['10.0.0.0'], with: shared('new', [80]) },
          { assign: 'b', ips: ['10.0.0.0'], with: shared('new', [443]) },
          { assign: 'a', ips: ['10.0.0.0'], with: shared('third', [80]) },
        ],
      },
      want: ['ok', 'ok', 'ok', 'err:sharing'],
    },
    {
      desc: 'a shared address is released only when its last user goes',
      input: {
        pools: [testPool('p', ['10.0.0.0/32'])],
        steps: [
          { allocate: 'a', with: shared('k', [80]) },
          { allocate: 'b', with: shared('k', [443]) },
          { unassign: 'a' },
          { allocate: 'c' },
          { unassign: 'b' },
          { allocate: 'c' },
        ],
      },
      want: ['10.0.0.0', '10.0.0.0', 'true', 'err:noAvailableIps', 'true', '10.0.0.0'],
    },
  ]);

  it('error messages follow MetalLB', () => {
    const a = new Allocator();
    a.setPools(p);
    a.assign(claim('ns/a', shared('k', [80])), [ip('10.0.0.0')]);
    const msg = (r: ReturnType<Allocator['assign']>): string => (r.ok ? 'ok' : r.error.message);
    assert.equal(msg(a.assign(claim('ns/b', shared('k', [80])), [ip('10.0.0.0')])), 'port TCP/80 is already in use on "10.0.0.0"');
    const clash = a.assign(claim('ns/b', shared('x', [443])), [ip('10.0.0.0')]);
    assert.equal(msg(clash), `can't change sharing key for "ns/b", address also in use by ns/a`);
    assert.deepEqual(clash.ok ? undefined : clash.error.detail, { sharingReason: 'sharing key "x" does not match existing sharing key "k"' });
    assert.equal(msg(a.assign(claim('ns/b'), [ip('192.168.0.1')])), '["192.168.0.1"] is not allowed in config');
  });
});

describe('dual-stack assign checks', () => {
  const dual = testPool('d', ['10.0.0.0/30', '2001:db8::/126']);
  run([
    { desc: 'one v4 + one v6 of one pool', input: { pools: [dual], steps: [{ assign: 'a', ips: ['10.0.0.1', '2001:db8::1'] }] }, want: ['ok'] },
    { desc: 'two of the same family', input: { pools: [dual], steps: [{ assign: 'a', ips: ['10.0.0.1', '10.0.0.2'] }] }, want: ['err:sameFamily'] },
    {
      desc: 'more than two addresses',
      input: { pools: [dual], steps: [{ assign: 'a', ips: ['10.0.0.1', '2001:db8::1', '10.0.0.2'] }] },
      want: ['err:tooManyAddresses'],
    },
    {
      desc: 'families from two different pools',
      input: { pools: [testPool('v4', ['10.0.0.0/30']), testPool('v6', ['2001:db8::/126'])], steps: [{ assign: 'a', ips: ['10.0.0.1', '2001:db8::1'] }] },
      want: ['err:notInConfig'],
    },
  ]);
});

describe('pool order', () => {
  const pin = (name: string, cidr: string, sa: NonNullable<Parameters<typeof testPool>[2]>['serviceAllocation'], autoAssign = true): Pool =>
    testPool(name, [cidr], sa === undefined ? { autoAssign } : { autoAssign, serviceAllocation: sa });
  run([
    {
      desc: 'pinned by priority ascending, 0 last, ties by name',
      input: {
        pools: [pin('z0', '10.0.9.0/32', {}), pin('b2', '10.0.2.0/32', { priority: 2 }), pin('a2', '10.0.3.0/32', { priority: 2 }), pin('c1', '10.0.1.0/32', { priority: 1 })],
        steps: [{ allocate: 'a' }, { allocate: 'b' }, { allocate: 'c' }, { allocate: 'd' }, { allocate: 'e' }],
      },
      want: ['10.0.1.0', '10.0.3.0', '10.0.2.0', '10.0.9.0', 'err:noAvailableIps'],
    },
    {
      desc: 'namespace pinning: only matching namespaces use the pool first',
      input: {
        pools: [pin('gen', '10.0.0.0/30', undefined), pin('team', '10.0.5.0/30', { namespaces: ['team'] })],
        steps: [{ allocate: 'team/a' }, { allocate: 'other/b' }],
      },
      want: ['10.0.5.0', '10.0.0.0'],
    },
    {
      desc: 'selector pinning by service labels',
      input: {
        pools: [pin('gen', '10.0.0.0/30', undefined), pin('gold', '10.0.7.0/30', { serviceSelectors: [{ matchLabels: { tier: 'gold' } }] })],
        steps: [{ allocate: 'a', with: { labels: { tier: 'gold' } } }, { allocate: 'b', with: { labels: { tier: 'silver' } } }],
      },
      want: ['10.0.7.0', '10.0.0.0'],
    },
    {
      desc: 'namespace AND selector must both match',
      input: {
        pools: [pin('gold', '10.0.7.0/30', { namespaces: ['team'], serviceSelectors: [{ matchLabels: { tier: 'gold' } }] })],
        steps: [{ allocate: 'other/a', with: { labels: { tier: 'gold' } } }, { allocate: 'team/b', with: { labels: { tier: 'gold' } } }],
      },
      want: ['err:noAvailableIps', '10.0.7.0'],
    },
    {
      desc: 'the generic fallback never uses serviceAllocation pools, even exhausted pinned ones',
      input: {
        pools: [pin('team', '10.0.5.0/32', { namespaces: ['team'] }), pin('gen', '10.0.0.0/32', undefined)],
        steps: [{ allocate: 'team/a' }, { allocate: 'team/b' }, { allocate: 'other/c' }],
      },
      want: ['10.0.5.0', '10.0.0.0', 'err:noAvailableIps'],
    },
    {
      desc: 'autoAssign=false: skipped by allocate, usable by name',
      input: {
        pools: [pin('manual', '10.0.4.0/30', undefined, false)],
        steps: [{ allocate: 'a' }, { fromPool: 'manual', svc: 'a' }, { assign: 'b', ips: ['10.0.4.3'] }],
      },
      want: ['err:noAvailableIps', '10.0.4.0', 'ok'],
    },
    {
      desc: 'autoAssign=false pinned pool is not pinned',
      input: { pools: [pin('team', '10.0.5.0/30', { namespaces: ['team'] }, false)], steps: [{ allocate: 'team/a' }] },
      want: ['err:noAvailableIps'],
    },
    {
      desc: 'namespaceSelectors matching no namespace: never auto-assigned, but requested by name or address from any namespace',
      input: {
        pools: [pin('nsel', '10.0.6.0/30', { priority: 1, namespaceSelectorsGiven: true })],
        steps: [{ allocate: 'team/a' }, { fromPool: 'nsel', svc: 'team/a' }, { assign: 'other/b', ips: ['10.0.6.2'] }],
      },
      want: ['err:noAvailableIps', '10.0.6.0', 'ok'],
    },
    {
      desc: 'priority 0 tie between a namespace pool and a selector pool: the selector pool wins (as MetalLB)',
      input: {
        pools: [pin('a-ns', '10.0.1.0/32', { namespaces: ['team'] }), pin('b-sel', '10.0.2.0/32', { serviceSelectors: [{ matchLabels: { app: 'web' } }] })],
        steps: [{ allocate: 'team/a', with: { labels: { app: 'web' } } }, { allocate: 'team/b', with: { labels: { app: 'web' } } }],
      },
      want: ['10.0.2.0', '10.0.1.0'],
    },
    {
      desc: 'allocateFromPool still enforces serviceAllocation; unknown pool',
      input: {
        pools: [pin('team', '10.0.5.0/30', { namespaces: ['team'] })],
        steps: [{ fromPool: 'team', svc: 'other/a' }, { fromPool: 'nope', svc: 'team/a' }, { assign: 'other/b', ips: ['10.0.5.1'] }],
      },
      want: ['err:poolIncompatible', 'err:unknownPool', 'err:poolIncompatible'],
    },
  ]);
});

describe('families', () => {
  const v4 = testPool('a-v4', ['10.0.0.0/30']);
  const v6 = testPool('b-v6', ['2001:db8::/126']);
  const both = testPool('c-dual', ['10.1.0.0/30', '2001:db8:1::/126']);
  run([
    { desc: 'PreferDualStack: a pool with both families wins', input: { pools: [v4, v6, both], steps: [{ allocate: 'a', fam: 'prefer' }] }, want: ['10.1.0.0,2001:db8:1::'] },
    { desc: 'PreferDualStack without a dual pool: first pool with the primary family', input: { pools: [v6, v4], steps: [{ allocate: 'a', fam: 'prefer' }, { allocate: 'b', fam: 'prefer6' }] }, want: ['10.0.0.0', '2001:db8::'] },
    { desc: 'PreferDualStack falls back to the secondary family', input: { pools: [v6], steps: [{ allocate: 'a', fam: 'prefer' }] }, want: ['2001:db8::'] },
    { desc: 'RequireDualStack needs both families from the same pool', input: { pools: [v4, v6], steps: [{ allocate: 'a', fam: 'require' }] }, want: ['err:noAvailableIps'] },
    { desc: 'RequireDualStack from a dual pool, v4 first', input: { pools: [v4, v6, both], steps: [{ allocate: 'a', fam: 'require' }] }, want: ['10.1.0.0,2001:db8:1::'] },
    { desc: 'single-stack v6 skips v4-only pools', input: { pools: [v4, v6], steps: [{ allocate: 'a', fam: 'v6' }] }, want: ['2001:db8::'] },
    {
      desc: 'additional family comes from the same pool, existing address kept',
      input: { pools: [v6, both], steps: [{ assign: 'a', ips: ['10.1.0.2'] }, { additional: 'a', existing: '10.1.0.2' }] },
      want: ['ok', '2001:db8:1::'],
    },
    {
      desc: 'additional family fails when the pool lacks it',
      input: { pools: [v4, v6], steps: [{ assign: 'a', ips: ['10.0.0.1'] }, { additional: 'a', existing: '10.0.0.1' }] },
      want: ['ok', 'err:noAvailableIps'],
    },
  ]);
});

describe('setPools', () => {
  const p = testPool('p', ['10.0.0.0/30']);
  run([
    {
      desc: 'removing a pool releases its services; survivors keep their addresses',
      input: {
        pools: [p, testPool('q', ['10.0.1.0/30'])],
        steps: [{ allocate: 'a' }, { assign: 'b', ips: ['10.0.1.1'] }, { setPools: [testPool('q', ['10.0.1.0/30'])] }, { allocate: 'c' }],
      },
      want: ['10.0.0.0', 'ok', 'released:default/a', '10.0.1.0'],
    },
    {
      desc: 'a renamed pool keeps the allocation, under the new name',
      input: { pools: [p], steps: [{ allocate: 'a' }, { setPools: [testPool('renamed', ['10.0.0.0/24'])] }, { allocate: 'b' }] },
      want: ['10.0.0.0', 'released:', '10.0.0.1'],
    },
    {
      desc: 'turning on avoidBuggyIPs releases a service on .0',
      input: { pools: [p], steps: [{ allocate: 'a' }, { setPools: [testPool('p', ['10.0.0.0/30'], { avoidBuggyIPs: true })] }, { allocate: 'b' }] },
      want: ['10.0.0.0', 'released:default/a', '10.0.0.1'],
    },
  ]);

  it('poolOf follows a rename', () => {
    const { allocator } = runScenario([p], [{ allocate: 'a' }, { setPools: [testPool('renamed', ['10.0.0.0/24'])] }]);
    assert.equal(allocator.poolOf(claim('a').service), 'renamed');
  });
});

describe('counters', () => {
  const cases: { desc: string; input: { pool: Pool; steps: readonly Step[] }; want: { exact: object; int64: object; total: bigint } }[] = [
    {
      desc: '/64 counted exactly; int64 view saturates as MetalLB',
      input: { pool: testPool('p', ['2001:db8::/64']), steps: [{ allocate: 'a', fam: 'v6' }] },
      want: {
        exact: { assignedIPv4: 0n, assignedIPv6: 1n, availableIPv4: 0n, availableIPv6: (1n << 64n) - 1n },
        int64: { assignedIPv4: 0n, assignedIPv6: 1n, availableIPv4: 0n, availableIPv6: MAX_INT64 - 1n },
        total: MAX_INT64,
      },
    },
    {
      desc: 'avoidBuggyIPs subtracts two per /24 and odd edges exactly',
      input: { pool: testPool('p', ['10.0.0.0/23', '10.0.2.0/32', '10.0.3.254/31'], { avoidBuggyIPs: true }), steps: [{ allocate: 'a' }, { allocate: 'b', with: { sharingKey: 'k' } }] },
      want: {
        exact: { assignedIPv4: 2n, assignedIPv6: 0n, availableIPv4: 508n + 0n + 1n - 2n, availableIPv6: 0n },
        int64: { assignedIPv4: 2n, assignedIPv6: 0n, availableIPv4: 507n, availableIPv6: 0n },
        total: 509n,
      },
    },
    {
      desc: 'shared address counted once',
      input: { pool: testPool('p', ['10.0.0.0/30']), steps: [{ allocate: 'a', with: shared('k', [80]) }, { allocate: 'b', with: shared('k', [443]) }] },
      want: {
        exact: { assignedIPv4: 1n, assignedIPv6: 0n, availableIPv4: 3n, availableIPv6: 0n },
        int64: { assignedIPv4: 1n, assignedIPv6: 0n, availableIPv4: 3n, availableIPv6: 0n },
        total: 4n,
      },
    },
  ];
  for (const { desc, input, want } of cases) {
    it(desc, () => {
      const { allocator } = runScenario([input.pool], input.steps);
      const name = input.pool.name;
      assert.deepEqual({ exact: allocator.counters(name), int64: allocator.int64Counters(name), total: allocator.addressesTotal(name) }, want);
    });
  }

  it('fills a whole /16 and then reports it full', () => {
    const a = new Allocator();
    a.setPools([testPool('p', ['10.0.0.0/16'])]);
    for (let i = 0; i < 65536; i++) assert.ok(a.allocate(claim(`s${i}`, { ports: [] }), FAMILIES.v4).ok);
    assert.equal(a.allocate(claim('extra'), FAMILIES.v4).ok, false);
    assert.equal(a.counters('p')?.availableIPv4, 0n);
  });
});
