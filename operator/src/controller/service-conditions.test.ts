/**
 * The conditions ride in the allocation's one write: a new Service gets ingress, pool annotation
 * and both conditions in one write; a changed announcement stage costs one more; an unchanged one
 * none; a failed allocation names its reason.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import type { V1Service } from '@kubernetes/client-node';
import { StatusWriter } from '@metallb-ts/lib/k8s/status-writer.ts';
import { createLogger } from '@metallb-ts/lib/log.ts';
import { FakeClock } from '@metallb-ts/lib/testing/fake-clock.ts';
import { Allocator } from '../allocator/allocator.ts';
import { ANNOUNCED, ALLOCATED, REACHABLE, type StageCondition } from '../conditions/conditions.ts';
import type { AnnounceReport } from '../conditions/announce-stage.ts';
import type { StaleConfig } from '../conditions/allocation-stage.ts';
import { testPool } from '../testing/test-pools.ts';
import { testService } from '../testing/test-services.ts';
import { ServiceReconciler } from './service-reconciler.ts';
import { FakeEvents, FakeServiceApi } from './testing/fake-service-api.ts';

const quiet = createLogger({ level: 'error', stream: new Writable({ write: (_c, _e, done) => done() }) });

function setup(addresses = ['192.0.2.0/31'], stale: () => StaleConfig | undefined = () => undefined) {
  const api = new FakeServiceApi();
  const allocator = new Allocator();
  allocator.setPools([testPool('p', addresses)]);
  let announced: StageCondition = { type: ANNOUNCED, status: 'False', reason: 'NoAdvertisement', message: 'no advertisement' };
  const reachable: StageCondition = { type: REACHABLE, status: 'False', reason: 'NotAnnounced', message: 'not announced' };
  const report = (): AnnounceReport => ({ bgpAdvertisements: [], l2Advertisements: [], nodes: [], l2Announcer: undefined, conflicts: [], condition: announced, reachable, reachableWaits: false });
  const r = new ServiceReconciler({
    service: (k) => api.cached(k), allocator, status: new StatusWriter({ port: api }), events: new FakeEvents(), onUsageChanged: () => undefined, logger: quiet,
    conditions: { clock: new FakeClock(Date.parse('2026-12-07T10:00:00Z')), announce: () => report(), stale },
  });
  const add = (name: string): string => {
    api.create(testService({ name }));
    api.sync(`default/${name}`);
    return `default/${name}`;
  };
  return { api, r, add, announce: (c: StageCondition) => (announced = c) };
}

const conditionsOf = (svc: V1Service | undefined): string[] =>
  ((svc?.status?.conditions ?? []) as unknown as { type: string; status: string; reason: string }[]).map((c) => `${c.type}=${c.status}/${c.reason}`);

describe('ServiceReconciler: conditions', () => {
  it('a new Service: ingress, annotation and the three conditions in one write', async () => {
    const s = setup();
    const a = s.add('a');
    await s.r.reconcile(a);
    assert.equal(s.api.writes, 1);
    assert.deepEqual(conditionsOf(s.api.stored(a)), [`${ALLOCATED}=True/Allocated`, `${ANNOUNCED}=False/NoAdvertisement`, `${REACHABLE}=False/NotAnnounced`]);
  });

  it('an unchanged stage writes nothing; a changed one writes once', async () => {
    const s = setup();
    const a = s.add('a');
    await s.r.reconcile(a);
    s.api.sync(a);
    await s.r.reconcile(a);
    assert.equal(s.api.writes, 1, 'nothing changed');
    s.announce({ type: ANNOUNCED, status: 'True', reason: 'Announced', message: 'announced by node-0' });
    await s.r.reconcile(a);
    s.api.sync(a);
    await s.r.reconcile(a);
    assert.equal(s.api.writes, 2, 'one write for the change');
    assert.deepEqual(conditionsOf(s.api.stored(a)), [`${ALLOCATED}=True/Allocated`, `${ANNOUNCED}=True/Announced`, `${REACHABLE}=False/NotAnnounced`]);
  });

  it('a full pool: AddressAllocated=False/PoolExhausted naming the pool', async () => {
    const s = setup(['192.0.2.0/32']);
    const [a, b] = [s.add('a'), s.add('b')];
    await s.r.reconcile(a);
    await s.r.reconcile(b);
    const c = ((s.api.stored(b)?.status?.conditions ?? []) as unknown as StageCondition[]).find((x) => x.type === ALLOCATED);
    assert.equal(c?.reason, 'PoolExhausted');
    assert.match(c?.message ?? '', /^no available IPs; IPAddressPool p has no free address/);
  });

  it('a rejected configuration: a Service without an address is ConfigInvalid naming the objects; an allocated one stays Allocated', async () => {
    let rejected: StaleConfig | undefined;
    const s = setup(['192.0.2.0/32'], () => rejected);
    const [a, b] = [s.add('a'), s.add('b')];
    await s.r.reconcile(a);
    await s.r.reconcile(b);
    s.api.sync(a);
    s.api.sync(b);
    const allocated = (k: string): StageCondition | undefined => ((s.api.stored(k)?.status?.conditions ?? []) as unknown as StageCondition[]).find((x) => x.type === ALLOCATED);
    assert.equal(allocated(b)?.reason, 'PoolExhausted');
    const before = s.api.writes;
    rejected = { errors: 'IPAddressPool/more spec.addresses[0]: invalid CIDR "x"', state: 'metallb-system/controller' };
    await s.r.reconcile(a);
    await s.r.reconcile(b);
    assert.equal(s.api.writes, before + 1, 'only the Service without an address is rewritten');
    assert.equal(allocated(a)?.reason, 'Allocated');
    assert.equal(allocated(b)?.reason, 'ConfigInvalid');
    assert.match(allocated(b)?.message ?? '', /^no available IPs; the configuration is invalid, so the last valid one is in force: fix IPAddressPool\/more spec\.addresses\[0\]: invalid CIDR "x" \(ConfigurationState metallb-system\/controller\)$/);
    s.api.sync(b);
    rejected = undefined;
    await s.r.reconcile(b);
    assert.equal(allocated(b)?.reason, 'PoolExhausted', 'back to the allocation failure once the configuration is current');
  });

  it('a Service that is not a LoadBalancer gets no condition', async () => {
    const s = setup();
    s.api.create(testService({ name: 'c', type: 'ClusterIP' }));
    s.api.sync('default/c');
    await s.r.reconcile('default/c');
    assert.equal(s.api.writes, 0);
  });
});
