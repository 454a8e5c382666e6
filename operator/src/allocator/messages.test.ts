/**
 * Every event message the allocation path emits, against MetalLB's format string (v0.16.1,
 * `controller/service.go`, `controller/main.go`, `internal/allocator/*.go`,
 * `internal/ipfamily/ipfamily.go`). Users grep events for these texts: each `want` is the exact
 * string MetalLB produces for the scenario, except the rows marked `differs`, which are the
 * deliberate differences listed in docs/allocation.md.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Pool } from '../config/types.ts';
import { Allocator } from './allocator.ts';
import { convergeService, type ServiceEvent } from './converge-service.ts';
import { parseService } from '../service/parse-service.ts';
import { testPool } from '../testing/test-pools.ts';
import { testService, type TestServiceSpec } from '../testing/test-services.ts';

const V4 = testPool('a-v4', ['10.0.0.0/30']);
const ONE = testPool('p30', ['10.0.3.0/32']);
const DUAL = testPool('c-dual', ['10.1.0.0/30', '2001:db8::/126']);
const TEAM = testPool('team', ['10.0.5.0/30'], { serviceAllocation: { namespaces: ['team'] } });
/** A Service asking for 10.0.0.1 under sharing key `key` on TCP `port`. */
const shared = (name: string, key: string, port: number): TestServiceSpec =>
  ({ name, annotations: { 'metallb.io/allow-shared-ip': key, 'metallb.io/loadBalancerIPs': '10.0.0.1' }, ports: [{ port }] });

interface Row {
  /** MetalLB's event reason. */
  readonly reason: string;
  /** MetalLB's format string (outer event text + inner error), for the reader. */
  readonly metallb: string;
  readonly pools: readonly Pool[];
  readonly before?: readonly TestServiceSpec[];
  readonly svc: TestServiceSpec;
  /** The exact message. */
  readonly want: string;
  /** Expected structured detail, when the row checks it. */
  readonly detail?: Readonly<Record<string, string>>;
  /** Why this row deliberately differs from MetalLB's text (docs/allocation.md). */
  readonly differs?: string;
}

const ROWS: readonly Row[] = [
  { reason: 'IPAllocated', metallb: 'Assigned IP %q', pools: [V4], svc: {}, want: 'Assigned IP ["10.0.0.0"]' },
  {
    reason: 'IPAllocated', metallb: 'Assigned additional IP %q', pools: [DUAL],
    svc: { clusterIPs: ['10.96.0.10', 'fd00::10'], policy: 'PreferDualStack', ingress: ['10.1.0.0'] }, want: 'Assigned additional IP "2001:db8::"',
  },
  {
    reason: 'AllocationFailed', metallb: 'Failed to allocate IP for %q: %s ← no available IPs in pool %s', pools: [ONE],
    before: [{ name: 'first' }], svc: { annotations: { 'metallb.io/address-pool': 'p30' } },
    want: 'Failed to allocate IP for "default/svc": no available IPs in pool p30', detail: { pool: 'p30', family: 'ipv4' },
  },
  { reason: 'AllocationFailed', metallb: '… ← no available IPs', pools: [ONE], before: [{ name: 'first' }], svc: {}, want: 'Failed to allocate IP for "default/svc": no available IPs' },
  {
    reason: 'AllocationFailed', metallb: '… ← no available IPs in pool %s for %s IPFamily', pools: [V4],
    svc: { clusterIPs: ['10.96.0.10', 'fd00::10'], policy: 'RequireDualStack', annotations: { 'metallb.io/address-pool': 'a-v4' } },
    want: 'Failed to allocate IP for "default/svc": no available IPs in pool a-v4 for dual IPFamily',
  },
  {
    reason: 'AllocationFailed', metallb: '… ← %q is not allowed in config (nil address)', pools: [testPool('v6', ['2001:db8:6::/126'])],
    svc: { annotations: { 'metallb.io/address-pool': 'v6' } }, want: 'Failed to allocate IP for "default/svc": no available IPs in pool v6',
    detail: { pool: 'v6', family: 'ipv4' }, differs: 'MetalLB assigns a nil address: ["<nil>"] is not allowed in config',
  },
  { reason: 'AllocationFailed', metallb: '… ← unknown pool %q', pools: [V4], svc: { annotations: { 'metallb.io/address-pool': 'nope' } }, want: 'Failed to allocate IP for "default/svc": unknown pool "nope"' },
  { reason: 'AllocationFailed', metallb: '… ← pool %s not compatible for ip assignment', pools: [TEAM], svc: { lbIP: '10.0.5.1' }, want: 'Failed to allocate IP for "default/svc": pool team not compatible for ip assignment' },
  { reason: 'AllocationFailed', metallb: '… ← %q is not allowed in config', pools: [V4], svc: { lbIP: '192.0.2.200' }, want: 'Failed to allocate IP for "default/svc": ["192.0.2.200"] is not allowed in config' },
  {
    reason: 'AllocationFailed', metallb: '… ← requested loadBalancer IP(s) %q does not match the ipFamily of the service', pools: [DUAL],
    svc: { lbIP: '2001:db8::1' }, want: 'Failed to allocate IP for "default/svc": requested loadBalancer IP(s) ["2001:db8::1"] does not match the ipFamily of the service',
  },
  {
    reason: 'AllocationFailed', metallb: '… ← requested loadBalancer IP(s) %q is not compatible with requested address pool %s', pools: [V4, DUAL],
    svc: { lbIP: '10.0.0.1', annotations: { 'metallb.io/address-pool': 'c-dual' } },
    want: 'Failed to allocate IP for "default/svc": requested loadBalancer IP(s) ["10.0.0.1"] is not compatible with requested address pool c-dual',
  },
  {
    reason: 'AllocationFailed', metallb: '… ← port %s is already in use on %q', pools: [V4], before: [shared('a', 'k', 80)],
    svc: shared('b', 'k', 80), want: 'Failed to allocate IP for "default/b": port TCP/80 is already in use on "10.0.0.1"',
  },
  {
    reason: 'AllocationFailed', metallb: '… ← can\'t change sharing key for %q, address also in use by %s', pools: [V4],
    before: [shared('a', 'k', 80)], svc: shared('b', 'x', 443),
    want: 'Failed to allocate IP for "default/b": can\'t change sharing key for "default/b", address also in use by default/a',
    detail: { sharingReason: 'sharing key "x" does not match existing sharing key "k"' },
  },
  {
    reason: 'AllocationFailed', metallb: '… ← IPFamilyForAddresses: same address family %q', pools: [V4],
    svc: { annotations: { 'metallb.io/loadBalancerIPs': '10.0.0.1,10.0.0.2' } },
    want: 'Failed to allocate IP for "default/svc": IPFamilyForAddresses: same address family ["10.0.0.1" "10.0.0.2"]',
  },
  {
    reason: 'AllocationFailed', metallb: '… ← invalid %s: %q', pools: [V4], svc: { annotations: { 'metallb.io/loadBalancerIPs': 'bogus' } },
    want: 'Failed to allocate IP for "default/svc": invalid metallb.io/loadBalancerIPs: "bogus"',
  },
  {
    reason: 'LoadBalancerFailed', metallb: 'invalid requested loadbalancer IPs: %s', pools: [V4],
    svc: { ingress: ['10.0.0.0'], lbIP: '10.0.0.1', annotations: { 'metallb.io/loadBalancerIPs': '10.0.0.2' } },
    want: 'invalid requested loadbalancer IPs: service can not have both metallb.io/loadBalancerIPs and svc.Spec.LoadBalancerIP',
  },
  {
    reason: 'ClearAssignment', metallb: 'current IP for %q not allowed by config, will attempt for new IP assignment: %s', pools: [V4],
    svc: { ingress: ['192.0.2.9'] }, want: 'current IP for "default/svc" not allowed by config, will attempt for new IP assignment: ["192.0.2.9"] is not allowed in config',
  },
  {
    reason: 'AdditionalAssignFailed', metallb: 'cannot assign additional IP in PreferDualStack: %s', pools: [ONE],
    svc: { clusterIPs: ['10.96.0.10', 'fd00::10'], policy: 'PreferDualStack', ingress: ['10.0.3.0'] },
    want: 'cannot assign additional IP in PreferDualStack: no available IPs in pool p30',
  },
  {
    reason: 'not enough clusterips', metallb: 'Service requires dual stack but not enough clusterips %v', pools: [DUAL],
    svc: { policy: 'RequireDualStack' }, want: 'Service requires dual stack but not enough clusterips [10.96.0.10]',
  },
  {
    reason: 'nolbIPsIPFamily', metallb: 'Failed to retrieve LBIPs IPFamily for %q: %s', pools: [V4], svc: { ingress: ['bogus'] },
    want: 'Failed to retrieve LBIPs IPFamily for ["<nil>"]: IPFamilyForAddresses: Invalid address ["<nil>"]',
  },
  {
    reason: 'noclusterIPsIPFamily', metallb: 'Failed to retrieve ClusterIPs IPFamily for %q %s: %s', pools: [V4], svc: { ingress: ['10.0.0.0'], clusterIPs: ['bogus'] },
    want: 'Failed to retrieve ClusterIPs IPFamily for ["bogus"] bogus: IPFamilyForAddresses: Invalid address ["bogus"]',
  },
  {
    reason: 'deprecatedAnnotation', metallb: 'Service uses deprecated annotation %s', pools: [V4],
    svc: { annotations: { 'metallb.universe.tf/address-pool': 'a-v4' } }, want: 'Service uses deprecated annotation metallb.universe.tf/address-pool',
  },
];

/** Converges `before`, then `svc`; returns the events of `svc`. */
function eventsOf(row: Row): readonly ServiceEvent[] {
  const alloc = new Allocator();
  alloc.setPools(row.pools);
  for (const spec of row.before ?? []) convergeService(parseService(testService(spec)), alloc);
  const d = convergeService(parseService(testService(row.svc)), alloc);
  return d.action === 'set' ? d.events : [];
}

describe('event messages: MetalLB byte for byte', () => {
  for (const row of ROWS) {
    const title = `${row.reason}: ${row.metallb}${row.differs === undefined ? '' : ` (differs: ${row.differs})`}`;
    it(title, () => {
      const e = eventsOf(row).find((x) => x.reason === row.reason && x.message === row.want);
      assert.ok(e, `no ${row.reason} event "${row.want}" in ${JSON.stringify(eventsOf(row))}`);
      if (row.detail !== undefined) assert.deepEqual(e.detail, row.detail);
    });
  }
  it('no message carries the family suffix we used to append to MetalLB text', () => {
    for (const row of ROWS) for (const e of eventsOf(row)) assert.doesNotMatch(e.message, /no available IPs in pool \S+ for ipv[46] IPFamily/);
  });
});
