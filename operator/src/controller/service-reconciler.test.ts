import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import type { V1Service } from '@kubernetes/client-node';
import { StatusWriter } from '@metallb-ts/lib/k8s/status-writer.ts';
import { createLogger } from '@metallb-ts/lib/log.ts';
import { createRegistry, k8sClientMetrics } from '@metallb-ts/lib/metrics.ts';
import { captureLogger } from '@metallb-ts/lib/testing/capture-logger.ts';
import { Allocator } from '../allocator/allocator.ts';
import { POOL_ANNOTATION } from '../service/annotations.ts';
import { testPool } from '../testing/test-pools.ts';
import { testService, type TestServiceSpec } from '../testing/test-services.ts';
import { ServiceReconciler } from './service-reconciler.ts';
import { FakeEvents, FakeServiceApi, FakeStatusPort } from './testing/fake-service-api.ts';

const POOL = testPool('p', ['192.0.2.0/30']);
const quiet = createLogger({ level: 'error', stream: new Writable({ write: (_c, _e, done) => done() }) });

/** A reconciler over a fake apiserver whose cache moves only on `sync`. */
function setup() {
  const api = new FakeServiceApi();
  const allocator = new Allocator();
  allocator.setPools([POOL]);
  const events = new FakeEvents();
  const r = new ServiceReconciler({
    service: (k) => api.cached(k), allocator, status: new StatusWriter({ port: api }), events, onUsageChanged: () => undefined, logger: quiet,
  });
  /** Creates a Service on the server and in the cache; returns its key. */
  const add = (name: string, spec: TestServiceSpec = {}): string => {
    api.create(testService({ name, ...spec }));
    api.sync(`default/${name}`);
    return `default/${name}`;
  };
  /** Deletes on the server, syncs the cache and reconciles (the delete event). */
  const remove = async (key: string): Promise<void> => {
    api.delete(key);
    api.sync(key);
    assert.equal(await r.reconcile(key), 'reprocessAll');
  };
  return { api, allocator, events, r, add, remove };
}

const ips = (svc: V1Service | undefined): string[] => (svc?.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? '');

describe('ServiceReconciler: one write and one event per allocation', () => {
  it('a new Service gets ingress and pool annotation in one write, and one IPAllocated', async () => {
    const s = setup();
    const a = s.add('a');
    assert.equal(await s.r.reconcile(a), 'success');
    assert.equal(s.api.writes, 1);
    assert.deepEqual(ips(s.api.stored(a)), ['192.0.2.0']);
    assert.equal(s.api.stored(a)?.metadata?.annotations?.[POOL_ANNOTATION], 'p');
    assert.deepEqual(s.events.of('IPAllocated'), ['IPAllocated uid-1 Assigned IP ["192.0.2.0"]']);
  });

  it('nothing changed: no write, no event', async () => {
    const s = setup();
    const a = s.add('a');
    await s.r.reconcile(a);
    s.api.sync(a);
    assert.equal(await s.r.reconcile(a), 'success');
    assert.equal(s.api.writes, 1);
    assert.equal(s.events.of('IPAllocated').length, 1);
  });
});

describe('ServiceReconciler: the own allocation wins over a cache that has not caught up', () => {
  it('a reconcile on a cache older than its own write keeps the IP, writes nothing, records nothing', async () => {
    const s = setup();
    const [x, a] = [s.add('x'), s.add('a')];
    await s.r.reconcile(x);
    await s.r.reconcile(a);
    await s.remove(x); // frees 192.0.2.0, lower than a's address; the cache of a is still pre-write
    const reads = s.api.reads;
    assert.equal(await s.r.reconcile(a), 'success');
    assert.equal(s.api.reads, reads, 'not even a read: the own write is known');
    assert.deepEqual(ips(s.api.stored(a)), ['192.0.2.1']);
    assert.deepEqual(s.allocator.ipsOf(a as never)?.length, 1);
    assert.equal(s.api.writes, 2);
    assert.equal(s.events.of('IPAllocated').length, 2);
  });

  it('a failed write keeps the allocation; the retry writes the same IP without a second event', async () => {
    const s = setup();
    const [x, a] = [s.add('x'), s.add('a')];
    await s.r.reconcile(x);
    s.api.failWrites = 1;
    assert.equal(await s.r.reconcile(a), 'retry');
    assert.deepEqual(ips(s.api.stored(a)), []);
    await s.remove(x);
    assert.equal(await s.r.reconcile(a), 'success');
    assert.deepEqual(ips(s.api.stored(a)), ['192.0.2.1']);
    assert.deepEqual(s.events.of('IPAllocated').map((e) => e.split(' ')[1]), ['uid-1', 'uid-2']);
  });

  it('a status cleared by someone else is written again with the same IP, without an event', async () => {
    const s = setup();
    const [x, a] = [s.add('x'), s.add('a')];
    await s.r.reconcile(x);
    await s.r.reconcile(a);
    await s.remove(x);
    s.api.update(a, (svc) => ({ ...svc, status: {} }));
    s.api.sync(a);
    assert.equal(await s.r.reconcile(a), 'success');
    assert.deepEqual(ips(s.api.stored(a)), ['192.0.2.1']);
    assert.equal(s.events.of('IPAllocated').length, 2);
  });

  it('a requested IP change is honoured: new IP written once, with its own IPAllocated', async () => {
    const s = setup();
    const a = s.add('a');
    await s.r.reconcile(a);
    s.api.update(a, (svc) => ({ ...svc, metadata: { ...svc.metadata, annotations: { ...svc.metadata?.annotations, 'metallb.io/loadBalancerIPs': '192.0.2.3' } } }));
    s.api.sync(a);
    assert.equal(await s.r.reconcile(a), 'success');
    assert.equal(await s.r.reconcile(a), 'success', 'again, on the cache that shows the old ingress');
    assert.deepEqual(ips(s.api.stored(a)), ['192.0.2.3']);
    assert.deepEqual(s.events.of('IPAllocated').map((e) => e.split(' ').slice(2).join(' ')), ['Assigned IP ["192.0.2.0"]', 'Assigned IP ["192.0.2.3"]']);
    assert.equal(s.api.writes, 2);
  });
});

describe('ServiceReconciler: deleted and re-created Services', () => {
  it('a Service re-created under the same name does not inherit the old one\'s address', async () => {
    const s = setup();
    const [x, a] = [s.add('x'), s.add('a')];
    await s.r.reconcile(x);
    await s.r.reconcile(a);
    await s.remove(x);
    // a is deleted and created again before the operator saw the delete: one reconcile, new UID.
    s.api.delete(a);
    s.api.create(testService({ name: 'a' }));
    s.api.sync(a);
    assert.equal(await s.r.reconcile(a), 'reprocessAll', 'the old Service\'s address was freed');
    assert.deepEqual(ips(s.api.stored(a)), ['192.0.2.0'], 'allocated anew: the lowest free address');
    assert.deepEqual(s.events.of('IPAllocated').map((e) => e.split(' ')[1]), ['uid-1', 'uid-2', 'uid-3']);
  });

  it('a Service deleted while its write is in flight: nothing written, nothing retried, released on delete', async () => {
    const s = setup();
    const a = s.add('a');
    s.api.delete(a); // the cache still has it
    assert.equal(await s.r.reconcile(a), 'success');
    assert.equal(s.api.writes, 0);
    s.api.sync(a);
    assert.equal(await s.r.reconcile(a), 'reprocessAll');
    assert.equal(s.allocator.ipsOf(a as never), undefined);
  });

  it('a write decided for the old Service never lands on its re-created namesake', async () => {
    const s = setup();
    const a = s.add('a');
    s.api.delete(a);
    s.api.create(testService({ name: 'a' })); // the cache still has the first one
    assert.equal(await s.r.reconcile(a), 'success');
    assert.equal(s.api.writes, 0);
    assert.deepEqual(ips(s.api.stored(a)), []);
    s.api.sync(a);
    assert.equal(await s.r.reconcile(a), 'reprocessAll');
    assert.deepEqual(ips(s.api.stored(a)), ['192.0.2.0']);
    assert.equal(s.api.writes, 1);
  });
});

describe('ServiceReconciler: failures are logged and counted once, by the port that saw them', () => {
  it('a failed status write: counted in update_errors and logged with a reason by the StatusWriter, retried, then written', async () => {
    const api = new FakeServiceApi();
    const allocator = new Allocator();
    allocator.setPools([POOL]);
    const registry = createRegistry();
    /** [metallb_k8s_client_updates_total, metallb_k8s_client_update_errors_total]. */
    const counts = async (): Promise<number[]> =>
      Promise.all(['metallb_k8s_client_updates_total', 'metallb_k8s_client_update_errors_total'].map(async (n) => (await registry.getSingleMetric(n)?.get())?.values[0]?.value ?? -1));
    const [statusLog, serviceLog] = [captureLogger(), captureLogger()];
    const status = new StatusWriter({ port: api, metrics: k8sClientMetrics(registry), logger: statusLog.logger });
    const r = new ServiceReconciler({ service: (k) => api.cached(k), allocator, status, events: new FakeEvents(), onUsageChanged: () => undefined, logger: serviceLog.logger });
    api.create(testService({ name: 'a' }));
    api.sync('default/a');
    api.failWrites = 1;
    assert.equal(await r.reconcile('default/a'), 'retry');
    assert.deepEqual(await counts(), [0, 1]);
    const failed = (await statusLog.entries()).filter((e) => e.message === 'status write failed');
    assert.deepEqual(failed.map((e) => [e.object, String(e.reason).includes('injected write failure')]), [['default/a', true]]);
    assert.deepEqual((await serviceLog.entries()).filter((e) => e.level !== 'info'), [], 'the reconciler logs no failure of its own');
    assert.equal(await r.reconcile('default/a'), 'success');
    assert.deepEqual(await counts(), [1, 1]);
    assert.deepEqual(ips(api.stored('default/a')), ['192.0.2.0']);
  });

  it('hand-written ports: a failed write is retried with the same IP, one IPAllocated, one successful write', async () => {
    const allocator = new Allocator();
    allocator.setPools([POOL]);
    const cached = { ...testService({ name: 'a' }), metadata: { ...testService({ name: 'a' }).metadata, uid: 'u-a', resourceVersion: '7' } };
    const status = new FakeStatusPort(cached);
    const events = new FakeEvents();
    const r = new ServiceReconciler({ service: () => cached, allocator, status, events, onUsageChanged: () => undefined, logger: quiet });
    status.failNext = 1;
    assert.equal(await r.reconcile('default/a'), 'retry');
    assert.equal(await r.reconcile('default/a'), 'success');
    assert.deepEqual(status.writes.map((w) => [w.key, w.result === 'unchanged' || w.result === 'gone' ? w.result : [ips(w.result), w.result.metadata?.annotations?.[POOL_ANNOTATION]]]), [
      ['default/a', [['192.0.2.0'], 'p']],
    ]);
    assert.deepEqual(events.recorded, ['IPAllocated u-a Assigned IP ["192.0.2.0"]']);
  });
});
