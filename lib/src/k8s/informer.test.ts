import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubernetesObject } from '@kubernetes/client-node';
import { backoffMs } from '../time/backoff.ts';
import { FakeClock, flushPromises } from '../testing/fake-clock.ts';
import { dropManagedFields, InformerStoppedError, listAllPages, objectKey, SupervisedInformer, type InnerHandlers, type InnerInformer, type ListPageQuery } from './informer.ts';

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
      const from = q._continue === undefined ? 0 : Number(q._continue);
      const to = from + (q.limit ?? all.length);
      return { items: all.slice(from, to), metadata: { resourceVersion: '42', ...(to < all.length ? { _continue: String(to) } : {}) } };
    };
    const res = await listAllPages(list, { labelSelector: 'a=b' }, dropManagedFields, 2);
    assert.deepEqual(res.items.map(objectKey), ['ns/o0', 'ns/o1', 'ns/o2', 'ns/o3', 'ns/o4']);
    assert.ok(res.items.every((o) => o.metadata?.managedFields === undefined));
    assert.equal(res.metadata?.resourceVersion, '42');
    assert.deepEqual(calls, [
      { labelSelector: 'a=b', limit: 2 }, { labelSelector: 'a=b', limit: 2, _continue: '2' }, { labelSelector: 'a=b', limit: 2, _continue: '4' },
    ]);
  });
});
