import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { err, ok } from '../result.ts';
import { createRegistry, k8sClientMetrics } from '../metrics.ts';
import { flushPromises } from '../testing/fake-clock.ts';
import { splitKey, StatusConflictError, StatusWriter, type StatusPort } from './status-writer.ts';

interface Obj {
  readonly rv: number;
  readonly status: string;
}

/** An in-memory store with resourceVersion checks; writes wait for `release()` when gated. */
class FakePort implements StatusPort<Obj> {
  objects = new Map<string, Obj>();
  writes: Array<{ key: string; status: string }> = [];
  conflictsLeft = 0;
  gated = false;
  inflight = 0;
  maxInflight = 0;
  fail = false;
  #gates: Array<() => void> = [];
  async get(key: string): Promise<Obj | undefined> {
    this.requests.push('get');
    return this.objects.get(key);
  }
  async updateStatus(key: string, obj: Obj) {
    this.requests.push('put');
    this.inflight++;
    this.maxInflight = Math.max(this.maxInflight, this.inflight);
    if (this.gated) await new Promise<void>((r) => this.#gates.push(r));
    this.inflight--;
    if (this.fail) throw new Error('apiserver down');
    const cur = this.objects.get(key);
    if (cur === undefined) return err('not-found' as const);
    if (this.conflictsLeft > 0) {
      this.conflictsLeft--;
      this.objects.set(key, { ...cur, rv: cur.rv + 1 }); // someone else wrote meanwhile
      return err('conflict' as const);
    }
    if (cur.rv !== obj.rv) return err('conflict' as const);
    const stored = { rv: cur.rv + 1, status: obj.status };
    this.objects.set(key, stored);
    this.writes.push({ key, status: obj.status });
    return ok(stored);
  }
  /** Requests by kind (`get`, `put`, `patch`), for the one-request path. */
  requests: string[] = [];
  async patchStatus(key: string, base: Obj, next: Obj) {
    this.requests.push('patch');
    const cur = this.objects.get(key);
    if (cur === undefined) return err('not-found' as const);
    if (cur.rv !== base.rv) return err('conflict' as const);
    const stored = { rv: cur.rv + 1, status: next.status };
    this.objects.set(key, stored);
    this.writes.push({ key, status: next.status });
    return ok(stored);
  }
  async release(): Promise<void> {
    this.gated = false;
    for (let i = 0; i < 20; i++) {
      for (const g of this.#gates.splice(0)) g();
      await flushPromises();
    }
  }
}

const setStatus = (status: string) => (o: Obj): Obj | undefined => (o.status === status ? undefined : { ...o, status });

function setup(keys: string[], concurrency = 4) {
  const port = new FakePort();
  for (const k of keys) port.objects.set(k, { rv: 1, status: '' });
  const registry = createRegistry();
  const metrics = k8sClientMetrics(registry);
  const writer = new StatusWriter({ port, concurrency, metrics });
  const count = async (name: string): Promise<number> => (await registry.getSingleMetric(name)?.get())?.values[0]?.value ?? 0;
  return { port, writer, count };
}

describe('StatusWriter', () => {
  it('coalesces many writes to one object: few requests, the last status wins', async () => {
    const s = setup(['ns/a']);
    s.port.gated = true;
    const results = Array.from({ length: 50 }, (_, i) => s.writer.write('ns/a', setStatus(`v${i}`)));
    await s.port.release();
    await s.writer.flush();
    assert.deepEqual(s.port.writes, [{ key: 'ns/a', status: 'v0' }, { key: 'ns/a', status: 'v49' }]);
    assert.equal(s.port.objects.get('ns/a')?.status, 'v49');
    for (const r of await Promise.all(results)) assert.deepEqual(r, ok('written'));
    assert.equal(await s.count('metallb_k8s_client_updates_total'), 2);
  });

  it('bounds concurrent requests', async () => {
    const keys = ['a', 'b', 'c', 'd', 'e', 'f'].map((k) => `ns/${k}`);
    const s = setup(keys, 2);
    s.port.gated = true;
    for (const k of keys) void s.writer.write(k, setStatus('x'));
    await flushPromises();
    assert.equal(s.port.inflight, 2);
    await s.port.release();
    await s.writer.flush();
    assert.equal(s.port.maxInflight, 2);
    assert.equal(s.port.writes.length, 6);
  });

  const outcomes = [
    { desc: 'conflicts are retried on a fresh read', conflicts: 2, exists: true, fail: false, want: ok('written'), writes: 1, errors: 0 },
    { desc: 'persistent conflicts fail after maxAttempts', conflicts: 99, exists: true, fail: false, want: 'conflict', writes: 0, errors: 1 },
    { desc: 'a missing object is gone, not an error', conflicts: 0, exists: false, fail: false, want: ok('gone'), writes: 0, errors: 0 },
    { desc: 'API failures are counted and returned', conflicts: 0, exists: true, fail: true, want: 'error', writes: 0, errors: 1 },
  ];
  for (const c of outcomes) {
    it(c.desc, async () => {
      const s = setup(c.exists ? ['ns/a'] : []);
      s.port.conflictsLeft = c.conflicts;
      s.port.fail = c.fail;
      const r = await s.writer.write('ns/a', setStatus('x'));
      if (c.want === 'conflict') assert.ok(!r.ok && r.error instanceof StatusConflictError);
      else if (c.want === 'error') assert.ok(!r.ok && (r.error as Error).message === 'apiserver down');
      else assert.deepEqual(r, c.want);
      assert.equal(s.port.writes.length, c.writes);
      assert.equal(await s.count('metallb_k8s_client_update_errors_total'), c.errors);
    });
  }

  it('skips the request when the mutation changes nothing', async () => {
    const s = setup(['ns/a']);
    await s.writer.write('ns/a', setStatus('x'));
    assert.deepEqual(await s.writer.write('ns/a', setStatus('x')), ok('unchanged'));
    assert.equal(s.port.writes.length, 1);
  });

  it('writeObject returns the stored object, or the fresh one when nothing changed', async () => {
    const s = setup(['ns/a']);
    assert.deepEqual(await s.writer.writeObject('ns/a', setStatus('x')), ok({ outcome: 'written', object: { rv: 2, status: 'x' } }));
    assert.deepEqual(await s.writer.writeObject('ns/a', setStatus('x')), ok({ outcome: 'unchanged', object: { rv: 2, status: 'x' } }));
  });

  it("a mutation answering 'gone' (another object under the key) writes nothing", async () => {
    const s = setup(['ns/a']);
    assert.deepEqual(await s.writer.write('ns/a', () => 'gone'), ok('gone'));
    assert.equal(s.port.writes.length, 0);
  });
});

describe('splitKey', () => {
  const cases = [
    { input: 'ns/name', want: { namespace: 'ns', name: 'name' } },
    { input: 'cluster-scoped', want: { namespace: '', name: 'cluster-scoped' } },
  ];
  for (const c of cases) it(c.input, () => assert.deepEqual(splitKey(c.input), c.want));
});

describe('StatusWriter with a cache (one request per write)', () => {
  function cachedSetup(cached: Obj | undefined) {
    const port = new FakePort();
    port.objects.set('ns/a', { rv: 5, status: 'old' });
    const writer = new StatusWriter({ port, cached: () => cached });
    return { port, writer };
  }
  const cases: ReadonlyArray<{ name: string; cached: Obj | undefined; status: string; want: unknown; requests: string[]; stored: string }> = [
    { name: 'a current cache: one guarded patch, no read', cached: { rv: 5, status: 'old' }, status: 'x', want: ok({ outcome: 'written', object: { rv: 6, status: 'x' } }), requests: ['patch'], stored: 'x' },
    { name: 'a stale cache: the patch is refused, then read and write', cached: { rv: 4, status: 'older' }, status: 'x', want: ok({ outcome: 'written', object: { rv: 6, status: 'x' } }), requests: ['patch', 'get', 'put'], stored: 'x' },
    { name: 'a stale cache that looks done never skips the write', cached: { rv: 4, status: 'x' }, status: 'x', want: ok({ outcome: 'written', object: { rv: 6, status: 'x' } }), requests: ['get', 'put'], stored: 'x' },
    { name: 'nothing cached: read and write', cached: undefined, status: 'x', want: ok({ outcome: 'written', object: { rv: 6, status: 'x' } }), requests: ['get', 'put'], stored: 'x' },
    { name: 'already right: read, nothing written', cached: { rv: 5, status: 'old' }, status: 'old', want: ok({ outcome: 'unchanged', object: { rv: 5, status: 'old' } }), requests: ['get'], stored: 'old' },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const s = cachedSetup(c.cached);
      assert.deepEqual(await s.writer.writeObject('ns/a', setStatus(c.status)), c.want);
      assert.deepEqual(s.port.requests, c.requests);
      assert.equal(s.port.objects.get('ns/a')?.status, c.stored);
      assert.ok(s.port.writes.length <= 1);
    });
  }

  it('an object deleted since it was cached is gone', async () => {
    const s = cachedSetup({ rv: 5, status: 'old' });
    s.port.objects.delete('ns/a');
    assert.deepEqual(await s.writer.write('ns/a', setStatus('x')), ok('gone'));
    assert.deepEqual(s.port.requests, ['patch']);
  });
});
