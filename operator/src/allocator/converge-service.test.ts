import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Pool } from '../config/types.ts';
import { Allocator } from './allocator.ts';
import { convergeService, releaseService, type ConvergeOptions } from './converge-service.ts';
import { keyOf, parseService } from '../service/parse-service.ts';
import { testPool } from '../testing/test-pools.ts';
import { testService, written, type TestServiceSpec } from '../testing/test-services.ts';

const V4 = testPool('a-v4', ['10.0.0.0/30']);
const OTHER = testPool('b-other', ['10.0.9.0/30'], { autoAssign: false });
const DUAL = testPool('c-dual', ['10.1.0.0/30', '2001:db8::/126']);
const V6 = testPool('d-v6', ['2001:db8:6::/126']);

interface Want {
  readonly ingress?: readonly string[];
  readonly pool?: string | null;
  readonly reasons?: readonly string[];
  readonly changed?: boolean;
  readonly outcome?: string;
  readonly action?: 'ignore';
}

interface Case {
  readonly desc: string;
  readonly input: {
    readonly pools: readonly Pool[];
    /** Services converged (and written) first, in order. */
    readonly before?: readonly TestServiceSpec[];
    readonly svc: TestServiceSpec;
    readonly opts?: ConvergeOptions;
  };
  readonly want: Want;
}

/** Converges `before` (writing their results), then `svc`; returns the decision for `svc`. */
function decide(input: Case['input']) {
  const alloc = new Allocator();
  alloc.setPools(input.pools);
  for (const spec of input.before ?? []) convergeService(parseService(testService(spec)), alloc, input.opts);
  return convergeService(parseService(testService(input.svc)), alloc, input.opts);
}

function project(d: ReturnType<typeof convergeService>, want: Want): Want {
  if (d.action === 'ignore') return { action: 'ignore' };
  const all: Want = { ingress: d.ingress, pool: d.pool, reasons: d.events.map((e) => e.reason), changed: d.changed, outcome: d.outcome };
  return Object.fromEntries(Object.keys(want).map((k) => [k, all[k as keyof Want]])) as Want;
}

const run = (cases: readonly Case[]): void => {
  for (const { desc, input, want } of cases) it(desc, () => assert.deepEqual(project(decide(input), want), want));
};

const SHARED = { 'metallb.io/allow-shared-ip': 'k' };

describe('convergeService: gates', () => {
  run([
    { desc: 'not a LoadBalancer, nothing held: no write', input: { pools: [V4], svc: { type: 'ClusterIP' } }, want: { ingress: [], pool: null, changed: false, outcome: 'success' } },
    {
      desc: 'no longer a LoadBalancer: cleared, others reprocessed',
      input: { pools: [V4], before: [{}], svc: { type: 'ClusterIP', ingress: ['10.0.0.0'], annotations: { 'metallb.io/ip-allocated-from-pool': 'a-v4' } } },
      want: { ingress: [], pool: null, changed: true, outcome: 'reprocessAll' },
    },
    { desc: 'lb-class unset: services with a class are ignored', input: { pools: [V4], svc: { lbClass: 'other' } }, want: { action: 'ignore' } },
    { desc: 'lb-class set: services without a class are ignored', input: { pools: [V4], svc: {}, opts: { lbClass: 'mine' } }, want: { action: 'ignore' } },
    { desc: 'lb-class set: services of another class are ignored', input: { pools: [V4], svc: { lbClass: 'other' }, opts: { lbClass: 'mine' } }, want: { action: 'ignore' } },
    { desc: 'lb-class set: our class is handled', input: { pools: [V4], svc: { lbClass: 'mine' }, opts: { lbClass: 'mine' } }, want: { ingress: ['10.0.0.0'] } },
    { desc: 'no pools: cleared, no retry', input: { pools: [], svc: { ingress: ['10.0.0.1'] } }, want: { ingress: [], changed: true, outcome: 'noRetry' } },
    { desc: 'no clusterIP: cleared', input: { pools: [V4], svc: { clusterIPs: [] } }, want: { ingress: [], reasons: [], outcome: 'noRetry' } },
    {
      desc: 'RequireDualStack with one clusterIP',
      input: { pools: [DUAL], svc: { policy: 'RequireDualStack' } },
      want: { ingress: [], reasons: ['not enough clusterips'], outcome: 'noRetry' },
    },
  ]);
});

describe('convergeService: allocation', () => {
  run([
    {
      desc: 'fresh allocation writes ingress and pool',
      input: { pools: [V4], svc: {} },
      want: { ingress: ['10.0.0.0'], pool: 'a-v4', reasons: ['IPAllocated'], changed: true, outcome: 'success' },
    },
    { desc: 'IPv6 clusterIP gets an IPv6 address', input: { pools: [V4, V6], svc: { clusterIPs: ['fd00::10'] } }, want: { ingress: ['2001:db8:6::'] } },
    {
      desc: 'dual clusterIPs, RequireDualStack: both families from one pool',
      input: { pools: [V4, V6, DUAL], svc: { clusterIPs: ['10.96.0.1', 'fd00::1'], policy: 'RequireDualStack' } },
      want: { ingress: ['10.1.0.0', '2001:db8::'], pool: 'c-dual' },
    },
    {
      desc: 'PreferDualStack, ipFamilies IPv6 first, no dual pool: the v6 pool',
      input: { pools: [V4, V6], svc: { clusterIPs: ['fd00::1', '10.96.0.1'], policy: 'PreferDualStack', families: ['IPv6', 'IPv4'] } },
      want: { ingress: ['2001:db8:6::'] },
    },
    {
      desc: 'pool exhausted: AllocationFailed',
      input: { pools: [testPool('one', ['10.0.0.0/32'])], before: [{ name: 'first' }], svc: {} },
      want: { ingress: [], reasons: ['AllocationFailed'], changed: false, outcome: 'noRetry' },
    },
    {
      desc: 'address-pool annotation: bypasses autoAssign=false',
      input: { pools: [V4, OTHER], svc: { annotations: { 'metallb.io/address-pool': 'b-other' } } },
      want: { ingress: ['10.0.9.0'], pool: 'b-other' },
    },
    {
      desc: 'old-prefix address-pool works, deprecatedAnnotation emitted on write',
      input: { pools: [V4, OTHER], svc: { annotations: { 'metallb.universe.tf/address-pool': 'b-other' } } },
      want: { ingress: ['10.0.9.0'], reasons: ['IPAllocated', 'deprecatedAnnotation'] },
    },
    { desc: 'unknown pool annotation', input: { pools: [V4], svc: { annotations: { 'metallb.io/address-pool': 'nope' } } }, want: { reasons: ['AllocationFailed'] } },
    { desc: 'spec.loadBalancerIP honoured', input: { pools: [V4], svc: { lbIP: '10.0.0.2' } }, want: { ingress: ['10.0.0.2'] } },
    {
      desc: 'loadBalancerIPs annotation, dual, whitespace trimmed',
      input: { pools: [DUAL], svc: { clusterIPs: ['10.96.0.1', 'fd00::1'], policy: 'RequireDualStack', annotations: { 'metallb.io/loadBalancerIPs': '10.1.0.3 , 2001:db8::2' } } },
      want: { ingress: ['10.1.0.3', '2001:db8::2'] },
    },
    {
      desc: 'new-prefix loadBalancerIPs wins over the old one',
      input: { pools: [V4], svc: { annotations: { 'metallb.io/loadBalancerIPs': '10.0.0.3', 'metallb.universe.tf/loadBalancerIPs': '10.0.0.1' } } },
      want: { ingress: ['10.0.0.3'], reasons: ['IPAllocated', 'deprecatedAnnotation'] },
    },
    {
      desc: 'both annotation and spec.loadBalancerIP on a new service: AllocationFailed',
      input: { pools: [V4], svc: { lbIP: '10.0.0.1', annotations: { 'metallb.io/loadBalancerIPs': '10.0.0.2' } } },
      want: { ingress: [], reasons: ['AllocationFailed'] },
    },
    {
      desc: 'both set on a service holding an address: LoadBalancerFailed, nothing written',
      input: { pools: [V4], svc: { ingress: ['10.0.0.1'], lbIP: '10.0.0.1', annotations: { 'metallb.io/loadBalancerIPs': '10.0.0.2' } } },
      want: { reasons: ['LoadBalancerFailed'], changed: false, outcome: 'noRetry' },
    },
    { desc: 'requested IP of the wrong family', input: { pools: [V4, V6], svc: { lbIP: '2001:db8:6::1' } }, want: { reasons: ['AllocationFailed'] } },
    {
      desc: 'requested IP outside the requested pool',
      input: { pools: [V4, OTHER], svc: { lbIP: '10.0.0.1', annotations: { 'metallb.io/address-pool': 'b-other' } } },
      want: { ingress: [], reasons: ['AllocationFailed'] },
    },
    {
      desc: 'sharing: same allow-shared-ip, disjoint ports → same address',
      input: { pools: [V4], before: [{ name: 'a', annotations: SHARED }], svc: { name: 'b', annotations: SHARED, ports: [{ port: 443 }] } },
      want: { ingress: ['10.0.0.0'] },
    },
    {
      desc: 'sharing: ETP=Local with different selectors → different addresses',
      input: {
        pools: [V4],
        before: [{ name: 'a', annotations: SHARED, etp: 'Local', selector: { app: 'x' } }],
        svc: { name: 'b', annotations: SHARED, etp: 'Local', selector: { app: 'y' }, ports: [{ port: 443 }] },
      },
      want: { ingress: ['10.0.0.1'] },
    },
    {
      desc: 'sharing: same port and protocol clash; UDP vs default TCP does not',
      input: { pools: [V4], before: [{ name: 'a', annotations: SHARED, ports: [{ port: 53, protocol: 'UDP' }] }], svc: { name: 'b', annotations: SHARED, ports: [{ port: 53 }] } },
      want: { ingress: ['10.0.0.0'] },
    },
  ]);
});

describe('convergeService: existing addresses', () => {
  run([
    {
      desc: 'sticky: an existing ingress address is re-adopted, not the lowest free',
      input: { pools: [V4], svc: { ingress: ['10.0.0.2'], annotations: { 'metallb.io/ip-allocated-from-pool': 'a-v4' } } },
      want: { ingress: ['10.0.0.2'], reasons: [], changed: false, outcome: 'success' },
    },
    {
      desc: 'existing address no longer allowed: ClearAssignment, then a new one',
      input: { pools: [V4], svc: { ingress: ['192.168.1.1'] } },
      want: { ingress: ['10.0.0.0'], reasons: ['ClearAssignment', 'IPAllocated'], changed: true },
    },
    {
      desc: 'address-pool annotation now names another pool: reallocated there',
      input: { pools: [V4, OTHER], svc: { ingress: ['10.0.0.2'], annotations: { 'metallb.io/address-pool': 'b-other' } } },
      want: { ingress: ['10.0.9.0'], pool: 'b-other', reasons: ['IPAllocated'] },
    },
    {
      desc: 'requested IP changed: reallocated to it',
      input: { pools: [V4], svc: { ingress: ['10.0.0.2'], lbIP: '10.0.0.3' } },
      want: { ingress: ['10.0.0.3'], reasons: ['IPAllocated'] },
    },
    {
      desc: 'unparseable ingress: nolbIPsIPFamily, then reallocated',
      input: { pools: [V4], svc: { ingress: ['not-an-ip'] } },
      want: { ingress: ['10.0.0.0'], reasons: ['nolbIPsIPFamily', 'IPAllocated'] },
    },
    {
      desc: 'ingress family no longer matches clusterIPs: reallocated',
      input: { pools: [V4, V6], svc: { ingress: ['10.0.0.1'], clusterIPs: ['fd00::1'] } },
      want: { ingress: ['2001:db8:6::'], reasons: ['IPAllocated'] },
    },
    {
      desc: 'PreferDualStack holding one address adds the other family from the same pool',
      input: { pools: [DUAL], svc: { ingress: ['10.1.0.1'], clusterIPs: ['10.96.0.1', 'fd00::1'], policy: 'PreferDualStack' } },
      want: { ingress: ['10.1.0.1', '2001:db8::'], reasons: ['IPAllocated'], pool: 'c-dual' },
    },
    {
      desc: 'PreferDualStack: the pool lacks the other family → AdditionalAssignFailed, address kept',
      input: { pools: [V4, V6], svc: { ingress: ['10.0.0.1'], clusterIPs: ['10.96.0.1', 'fd00::1'], policy: 'PreferDualStack' } },
      want: { ingress: ['10.0.0.1'], reasons: ['AdditionalAssignFailed'], pool: 'a-v4' },
    },
    {
      desc: 'the address of a service not yet re-adopted is not handed out',
      input: { pools: [V4], before: [{ name: 'old', ingress: ['10.0.0.0'] }], svc: { name: 'new' } },
      want: { ingress: ['10.0.0.1'] },
    },
    {
      desc: 'holdsOwn, no ingress (write failed / status cleared): the held address is written again, no IPAllocated',
      input: { pools: [V4], before: [{ lbIP: '10.0.0.2' }], svc: {}, opts: { holdsOwn: true } },
      want: { ingress: ['10.0.0.2'], pool: 'a-v4', reasons: [], changed: true, outcome: 'success' },
    },
    {
      desc: 'no ingress and not known as own: start over as MetalLB does (lowest free)',
      input: { pools: [V4], before: [{ lbIP: '10.0.0.2' }], svc: {} },
      want: { ingress: ['10.0.0.0'], reasons: ['IPAllocated'], changed: true },
    },
    {
      desc: 'holdsOwn never overrides a request: the requested address replaces the held one',
      input: { pools: [V4], before: [{ lbIP: '10.0.0.2' }], svc: { lbIP: '10.0.0.3' }, opts: { holdsOwn: true } },
      want: { ingress: ['10.0.0.3'], reasons: ['IPAllocated'], changed: true },
    },
  ]);
});

describe('convergeService: messages and lifecycle', () => {
  it('uses MetalLB wording', () => {
    const alloc = new Allocator();
    alloc.setPools([V4]);
    const first = convergeService(parseService(testService({ name: 'a' })), alloc);
    assert.deepEqual(first.action === 'set' && first.events, [{ type: 'Normal', reason: 'IPAllocated', message: 'Assigned IP ["10.0.0.0"]' }]);
    const bad = convergeService(parseService(testService({ name: 'b', annotations: { 'metallb.io/address-pool': 'nope' } })), alloc);
    assert.equal(bad.action === 'set' && bad.events[0]?.message, 'Failed to allocate IP for "default/b": unknown pool "nope"');
  });

  it('converging the written result again changes nothing', () => {
    const alloc = new Allocator();
    alloc.setPools([DUAL]);
    const svc = testService({ clusterIPs: ['10.96.0.1', 'fd00::1'], policy: 'RequireDualStack' });
    const d = convergeService(parseService(svc), alloc);
    assert.ok(d.action === 'set');
    const again = convergeService(parseService(written(svc, d.ingress, d.pool)), alloc);
    assert.deepEqual(again, { action: 'set', ingress: d.ingress, pool: 'c-dual', events: [], changed: false, outcome: 'success' });
  });

  it('pool removal: released, then reallocated from the remaining pool', () => {
    const alloc = new Allocator();
    alloc.setPools([V4, testPool('z', ['10.0.5.0/30'])]);
    const svc = testService({ lbIP: '' , annotations: {} });
    const d = convergeService(parseService(svc), alloc);
    assert.ok(d.action === 'set' && d.ingress[0] === '10.0.0.0');
    assert.deepEqual(alloc.setPools([testPool('z', ['10.0.5.0/30'])]).released, ['default/svc']);
    const again = convergeService(parseService(written(svc, d.ingress, d.pool)), alloc);
    assert.deepEqual(again.action === 'set' && [again.ingress, again.pool, again.events.map((e) => e.reason)], [['10.0.5.0'], 'z', ['ClearAssignment', 'IPAllocated']]);
  });

  it('releaseService frees the address and asks for a resync only when one was held', () => {
    const alloc = new Allocator();
    alloc.setPools([V4]);
    const svc = testService();
    convergeService(parseService(svc), alloc);
    assert.deepEqual([releaseService(keyOf(svc), alloc), releaseService(keyOf(svc), alloc)], ['reprocessAll', 'success']);
    assert.equal(alloc.counters('a-v4')?.assignedIPv4, 0n);
  });
});
