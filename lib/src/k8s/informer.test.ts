import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubernetesObject } from '@kubernetes/client-node';
import { backoffMs } from '../time/backoff.ts';
import { FakeClock, flushPromises } from '../testing/fake-clock.ts';
import { dropManagedFields, InformerStoppedError, listAllPages, objectKey, RawListWatch, SupervisedInformer, type InnerHandlers, type InnerInformer, type ListPageQuery } from './informer.ts';
import { KubeApiError, type KubeClient, type KubeRequest, type WatchEvent, type WatchRequest } from './kube-client.ts';

const obj = (name: string, rv: string, namespace = 'ns'): KubernetesObject => ({ metadata: { name, namespace, resourceVersion: rv } });

/** One scripted run: either the list fails, or it yields `items`. `start` may also throw. */
interface RunScript {
  readonly fail?: Error;
  readonly throws?: Error;
  readonly items?: KubernetesObject[];
}

/** A fake inner-informer factory playing `scripts` in order; the last one repeats. */
function fakeFactory(scripts: RunScript[]) {
  const runs: Array<{ handlers: InnerHandlers<KubernetesObject>; stopped: boolean }> = [];
  const factory = (handlers: InnerHandlers<KubernetesObject>): InnerInformer<KubernetesObject> => {
    const script = scripts[Math.min(runs.length, scripts.length - 1)] ?? {};
    const run = { handlers, stopped: false };
    runs.push(run);
    return {
      start: async () => {
        if (script.throws) throw script.throws;
        if (script.fail) return handlers.error(script.fail);
        for (const o of script.items ?? []) handlers.add(o);
      },
      stop: async () => { run.stopped = true; },
      list: () => (script.fail ? [] : script.items ?? []),
    };
  };
  return { factory, runs };
}

/** An informer on a fake clock, recording every event as text. */
function harness(scripts: RunScript[]) {
  const clock = new FakeClock();
  const f = fakeFactory(scripts);
  const inf = new SupervisedInformer({ factory: f.factory, clock, rng: () => 0 });
  const events: string[] = [];
  const delays: number[] = [];
  for (const ev of ['add', 'update', 'delete'] as const) inf.on(ev, (o) => events.push(`${ev} ${objectKey(o)}@${o.metadata?.resourceVersion}`));
  inf.on('resync', () => events.push('resync'));
  inf.on('error', (_e, ms) => delays.push(ms));
  return { clock, inf, events, delays, ...f };
}

describe('backoffMs', () => {
  const cases = [
    { desc: 'first attempt, low jitter', attempt: 0, rng: 0, want: 100 },
    { desc: 'first attempt, high jitter', attempt: 0, rng: 0.999999, want: 200 },
    { desc: 'doubles', attempt: 3, rng: 0, want: 800 },
    { desc: 'capped', attempt: 12, rng: 0, want: 5000 },
    { desc: 'huge attempt stays capped', attempt: 5000, rng: 0.5, want: 7500 },
  ];
  for (const c of cases) it(c.desc, () => assert.equal(backoffMs(c.attempt, { baseMs: 200, maxMs: 10_000, rng: () => c.rng }), c.want));
});

describe('SupervisedInformer', () => {
  it('start resolves at the first sync, with adds and no resync', async () => {
    const h = harness([{ items: [obj('b', '2'), obj('a', '1'), obj('n1', '3', '')] }]);
    assert.equal(h.inf.hasSynced(), false);
    await h.inf.start();
    assert.equal(h.inf.hasSynced(), true);
    assert.deepEqual(h.events, ['add ns/b@2', 'add ns/a@1', 'add n1@3']);
    assert.deepEqual(h.inf.list('ns').map(objectKey), ['ns/a', 'ns/b']);
    assert.equal(h.inf.get('a', 'ns')?.metadata?.resourceVersion, '1');
    assert.equal(h.inf.get('n1')?.metadata?.resourceVersion, '3');
    assert.equal(h.inf.get('zz', 'ns'), undefined);
  });

  it('retries a failing initial list with doubling backoff, then syncs without resync', async () => {
    const h = harness([{ fail: new Error('ECONNREFUSED') }, { throws: new Error('no cluster') }, { items: [obj('a', '1')] }]);
    let synced = false;
    void h.inf.start().then(() => { synced = true; });
    await flushPromises();
    assert.equal(synced, false);
    await h.clock.advance(100);
    assert.equal(synced, false);
    await h.clock.advance(200);
    assert.equal(synced, true);
    assert.deepEqual(h.delays, [100, 200]);
    assert.deepEqual(h.events, ['add ns/a@1']);
    assert.ok(h.runs.slice(0, 2).every((r) => r.stopped), 'failed runs are stopped');
  });

  it('after the watch dies: relists, emits only the differences, then resync', async () => {
    const h = harness([
      { items: [obj('keep', '1'), obj('change', '1'), obj('gone', '1')] },
      { items: [obj('keep', '1'), obj('change', '2'), obj('new', '5')] },
    ]);
    await h.inf.start();
    h.events.length = 0;
    h.runs[0]?.handlers.error(new Error('watch stream reset'));
    await h.clock.advance(100);
    assert.deepEqual(h.events, ['update ns/change@2', 'add ns/new@5', 'delete ns/gone@1', 'resync']);
    assert.deepEqual(h.inf.list().map(objectKey), ['ns/change', 'ns/keep', 'ns/new']);
  });

  it('ignores events and errors from a superseded run', async () => {
    const h = harness([{ items: [obj('a', '1')] }]);
    await h.inf.start();
    const first = h.runs[0]?.handlers;
    first?.error(new Error('died'));
    first?.error(new Error('died again'));
    first?.add(obj('ghost', '9'));
    await h.clock.advance(100);
    assert.equal(h.runs.length, 2);
    assert.deepEqual(h.delays, [100]);
    assert.equal(h.inf.get('ghost', 'ns'), undefined);
  });

  it('watch events update the cache and skip same-version updates', async () => {
    const h = harness([{ items: [obj('a', '1')] }]);
    await h.inf.start();
    const live = h.runs[0]?.handlers;
    live?.update(obj('a', '1'));
    live?.update(obj('a', '2'));
    live?.delete(obj('a', '2'));
    live?.delete(obj('a', '2'));
    assert.deepEqual(h.events, ['add ns/a@1', 'update ns/a@2', 'delete ns/a@2']);
  });

  it('stop before the first sync rejects start and schedules nothing more', async () => {
    const h = harness([{ fail: new Error('down') }]);
    const started = h.inf.start();
    await flushPromises();
    await h.inf.stop();
    await assert.rejects(started, InformerStoppedError);
    await h.clock.advance(60_000);
    assert.equal(h.runs.length, 1);
    assert.equal(h.clock.pending(), 0);
  });
});

describe('informer edge: projection and paginated lists', () => {
  const managed = (name: string): KubernetesObject => ({
    metadata: { name, namespace: 'ns', resourceVersion: '7', labels: { a: 'b' }, managedFields: [{ manager: 'kubectl', operation: 'Apply', fieldsV1: { 'f:spec': {} } }] },
  });

  it('dropManagedFields removes managedFields and keeps everything else', () => {
    const out = dropManagedFields(managed('x'));
    assert.equal(out.metadata?.managedFields, undefined);
    assert.deepEqual(out.metadata, { name: 'x', namespace: 'ns', resourceVersion: '7', labels: { a: 'b' } });
    const plain = obj('y', '1');
    assert.equal(dropManagedFields(plain), plain, 'nothing to drop: the same object');
  });

  it('listAllPages follows continue tokens, projects every page and keeps the list resourceVersion', async () => {
    const all = Array.from({ length: 5 }, (_, i) => managed(`o${String(i)}`));
    const calls: ListPageQuery[] = [];
    const list = async (q: ListPageQuery) => {
      calls.push(q);
      const from = q.continue === undefined ? 0 : Number(q.continue);
      const to = from + (q.limit ?? all.length);
      return { items: all.slice(from, to), metadata: { resourceVersion: '42', ...(to < all.length ? { continue: String(to) } : {}) } };
    };
    const res = await listAllPages(list, { labelSelector: 'a=b' }, dropManagedFields, 2);
    assert.deepEqual(res.items.map(objectKey), ['ns/o0', 'ns/o1', 'ns/o2', 'ns/o3', 'ns/o4']);
    assert.ok(res.items.every((o) => o.metadata?.managedFields === undefined));
    assert.equal(res.resourceVersion, '42');
    assert.deepEqual(calls, [
      { labelSelector: 'a=b', limit: 2 }, { labelSelector: 'a=b', limit: 2, continue: '2' }, { labelSelector: 'a=b', limit: 2, continue: '4' },
    ]);
  });
});

/** One watch call the fake client is serving: the test emits events and ends or fails it. */
interface OpenWatch {
  readonly req: WatchRequest;
  emit(type: string, object: unknown): void;
  end(): void;
  fail(e: unknown): void;
}

/** A hand-written {@link KubeClient}: list pages from `pages(query)`, watches handed to the test. */
class FakeKube implements KubeClient {
  readonly requests: KubeRequest[] = [];
  readonly watches: OpenWatch[] = [];
  pages: (req: KubeRequest) => unknown = () => ({ items: [], metadata: { resourceVersion: '1' } });

  async request<T>(req: KubeRequest): Promise<T> {
    this.requests.push(req);
    return this.pages(req) as T;
  }

  watch(req: WatchRequest): Promise<void> {
    return new Promise((resolve, reject) => {
      const w: OpenWatch = {
        req, end: resolve, fail: reject,
        emit: (type, object) => {
          try {
            req.onEvent({ type, object } as WatchEvent);
          } catch (e) {
            reject(e);
          }
        },
      };
      req.signal.addEventListener('abort', () => reject(req.signal.reason));
      this.watches.push(w);
    });
  }

  async close(): Promise<void> {}
}

const svc = (name: string, rv: string, extra: Record<string, unknown> = {}): KubernetesObject =>
  ({ metadata: { name, namespace: 'ns', resourceVersion: rv, managedFields: [{ manager: 'm' }] }, ...extra });

/** A RawListWatch on a FakeKube, recording handler calls as text. */
function rawHarness(pageSize = 2) {
  const kube = new FakeKube();
  const clock = new FakeClock();
  const calls: string[] = [];
  const handlers: InnerHandlers<KubernetesObject> = {
    add: (o) => calls.push(`add ${objectKey(o)}@${o.metadata?.resourceVersion}${o.metadata?.managedFields === undefined ? '' : ' MANAGED'}`),
    update: (o) => calls.push(`update ${objectKey(o)}@${o.metadata?.resourceVersion}`),
    delete: (o) => calls.push(`delete ${objectKey(o)}`),
    error: (e) => calls.push(`error ${String(e)}`),
  };
  const lw = new RawListWatch({ client: kube, source: { path: '/api/v1/services', labelSelector: 'a=b', pageSize }, handlers, clock, rng: () => 0 });
  return { kube, clock, calls, lw };
}

/** Pages of `items`, `size` per page, at list resourceVersion `rv`. */
const paged = (items: KubernetesObject[], rv: string) => (req: KubeRequest) => {
  const q = req.query ?? {};
  const from = q['continue'] === undefined ? 0 : Number(q['continue']);
  const to = from + Number(q['limit']);
  return { items: items.slice(from, to), metadata: { resourceVersion: rv, ...(to < items.length ? { continue: String(to) } : {}) } };
};

describe('RawListWatch (list + watch on the raw client, against a fake of our KubeClient)', () => {
  it('lists page by page, projects, then watches from the list resourceVersion with the same selector', async () => {
    const h = rawHarness();
    h.kube.pages = paged([svc('a', '5'), svc('b', '6'), svc('c', '7')], '10');
    await h.lw.start();
    await flushPromises();
    assert.deepEqual(h.kube.requests.map((r) => [r.method, r.path, r.query]), [
      ['GET', '/api/v1/services', { labelSelector: 'a=b', limit: 2 }],
      ['GET', '/api/v1/services', { labelSelector: 'a=b', limit: 2, continue: '2' }],
    ]);
    assert.deepEqual(h.calls, ['add ns/a@5', 'add ns/b@6', 'add ns/c@7'], 'managedFields dropped by the default projection');
    const q = h.kube.watches[0]?.req.query;
    assert.equal(q?.['resourceVersion'], '10');
    assert.equal(q?.['labelSelector'], 'a=b');
    assert.equal(q?.['allowWatchBookmarks'], true);
    assert.equal(q?.['timeoutSeconds'], 300);
    assert.deepEqual(h.lw.list().map(objectKey), ['ns/a', 'ns/b', 'ns/c']);
  });

  it('watch events reach the handlers projected; a normal end re-watches from the last resourceVersion (bookmarks included)', async () => {
    const h = rawHarness();
    await h.lw.start();
    await flushPromises();
    const w = h.kube.watches[0];
    w?.emit('ADDED', svc('x', '11'));
    w?.emit('MODIFIED', svc('x', '12'));
    w?.emit('DELETED', svc('x', '13'));
    w?.emit('BOOKMARK', { metadata: { resourceVersion: '20' } });
    w?.end();
    await flushPromises();
    assert.deepEqual(h.calls, ['add ns/x@11', 'update ns/x@12', 'delete ns/x']);
    assert.equal(h.kube.watches.length, 2, 'a watch that delivered events is re-opened at once');
    assert.equal(h.kube.watches[1]?.req.query['resourceVersion'], '20');
    assert.deepEqual(h.lw.list(), []);
  });

  it('a watch that ends without events is re-opened after 1 s, then 2 s', async () => {
    const h = rawHarness();
    await h.lw.start();
    await flushPromises();
    h.kube.watches[0]?.end();
    await h.clock.advance(999);
    assert.equal(h.kube.watches.length, 1);
    await h.clock.advance(1);
    assert.equal(h.kube.watches.length, 2);
    h.kube.watches[1]?.end();
    await h.clock.advance(1999);
    assert.equal(h.kube.watches.length, 2);
    await h.clock.advance(1);
    assert.equal(h.kube.watches.length, 3);
  });

  for (const how of ['ERROR event', 'HTTP status'] as const) {
    it(`410 Gone (${how}) relists in place: vanished objects deleted, changed ones updated, watch from the new list`, async () => {
      const h = rawHarness(10);
      h.kube.pages = paged([svc('keep', '1'), svc('gone', '2'), svc('change', '3')], '5');
      await h.lw.start();
      await flushPromises();
      h.calls.length = 0;
      h.kube.pages = paged([svc('keep', '1'), svc('change', '8'), svc('new', '9')], '30');
      if (how === 'ERROR event') h.kube.watches[0]?.emit('ERROR', { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version' });
      else h.kube.watches[0]?.fail(new KubeApiError('GET', '/api/v1/services', 410, '{"kind":"Status","code":410}'));
      await flushPromises();
      assert.deepEqual(h.calls, ['add ns/keep@1', 'add ns/change@8', 'add ns/new@9', 'delete ns/gone']);
      assert.equal(h.kube.watches.at(-1)?.req.query['resourceVersion'], '30');
      assert.deepEqual(h.lw.list().map(objectKey).sort(), ['ns/change', 'ns/keep', 'ns/new']);
    });
  }

  it('any other failure is reported once and ends the run (the supervisor relists)', async () => {
    const h = rawHarness();
    await h.lw.start();
    await flushPromises();
    h.kube.watches[0]?.emit('ERROR', { kind: 'Status', code: 500, message: 'etcd down' });
    await h.clock.advance(60_000);
    assert.deepEqual(h.calls, ['error WatchErrorEvent: watch ERROR event 500: etcd down']);
    assert.equal(h.kube.watches.length, 1);
  });

  it('a failing list rejects start; stop aborts the watch and reports nothing', async () => {
    const h = rawHarness();
    h.kube.pages = () => {
      throw new KubeApiError('GET', '/api/v1/services', 403, '{"kind":"Status","message":"forbidden"}');
    };
    await assert.rejects(h.lw.start(), /403 forbidden/);
    const ok = rawHarness();
    await ok.lw.start();
    await flushPromises();
    await ok.lw.stop();
    await flushPromises();
    assert.equal(ok.kube.watches[0]?.req.signal.aborted, true);
    assert.deepEqual(ok.calls, []);
    assert.equal(ok.kube.watches.length, 1);
  });
});
