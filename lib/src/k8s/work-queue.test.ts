import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock, flushPromises } from '../testing/fake-clock.ts';
import { WorkQueue, type ReconcileOutcome, type WorkQueueOptions } from './work-queue.ts';

/** A reconcile fake: records calls; each call waits until released, then returns the scripted outcome. */
function scripted(outcomes: Record<string, ReconcileOutcome[]> = {}) {
  const calls: string[] = [];
  const gates: Array<() => void> = [];
  let running = 0;
  let maxRunning = 0;
  const reconcile = async (key: string): Promise<ReconcileOutcome> => {
    calls.push(key);
    running++;
    maxRunning = Math.max(maxRunning, running);
    await new Promise<void>((r) => gates.push(r));
    running--;
    return outcomes[key]?.shift() ?? 'success';
  };
  const releaseAll = async (): Promise<void> => {
    for (let i = 0; i < 50 && gates.length > 0; i++) {
      for (const g of gates.splice(0)) g();
      await flushPromises();
    }
  };
  return { calls, reconcile, releaseAll, maxRunning: () => maxRunning, waiting: () => gates.length };
}

function queue(r: ReturnType<typeof scripted>, extra: Partial<WorkQueueOptions> = {}) {
  const clock = new FakeClock();
  const q = new WorkQueue({ reconcile: r.reconcile, listKeys: () => ['a', 'b', 'c'], clock, ...extra });
  return { q, clock };
}

describe('WorkQueue coalescing', () => {
  const cases = [
    { desc: 'distinct keys run once each, in order', adds: ['a', 'b', 'c'], want: ['a', 'b', 'c'] },
    { desc: 'queued duplicates coalesce', adds: ['a', 'b', 'b', 'a', 'b'], want: ['a', 'b'] },
  ];
  for (const c of cases) {
    it(c.desc, async () => {
      const r = scripted();
      const { q } = queue(r);
      q.add('x');
      for (const k of c.adds) q.add(k);
      await r.releaseAll();
      await q.idle();
      assert.deepEqual(r.calls, ['x', ...c.want]);
    });
  }

  it('a key re-added while processing runs once more afterwards, never concurrently', async () => {
    const r = scripted();
    const { q } = queue(r, { workers: 4 });
    q.add('a');
    await flushPromises();
    q.add('a');
    q.add('a');
    await flushPromises();
    assert.equal(r.waiting(), 1, 'second run waits for the first');
    await r.releaseAll();
    await q.idle();
    assert.deepEqual(r.calls, ['a', 'a']);
    assert.equal(r.maxRunning(), 1);
  });

  it('runs at most `workers` keys concurrently', async () => {
    const r = scripted();
    const { q } = queue(r, { workers: 2 });
    for (const k of ['a', 'b', 'c', 'd', 'e']) q.add(k);
    await flushPromises();
    assert.equal(r.waiting(), 2);
    await r.releaseAll();
    await q.idle();
    assert.equal(r.maxRunning(), 2);
    assert.equal(r.calls.length, 5);
  });
});

describe('WorkQueue outcomes', () => {
  it('retries with per-key exponential backoff and resets after success', async () => {
    const r = scripted({ a: ['retry', 'retry', 'retry', 'success'] });
    const { q, clock } = queue(r, { baseDelayMs: 100 });
    q.add('a');
    const seen: number[] = [];
    for (const step of [99, 1, 199, 1, 399, 1]) {
      await r.releaseAll();
      await clock.advance(step);
      seen.push(r.calls.length);
    }
    await r.releaseAll();
    assert.deepEqual(seen, [1, 2, 2, 3, 3, 4]);
    assert.equal(q.failures('a'), 0);
    assert.equal(clock.pending(), 0);
  });

  it('caps the backoff at maxDelayMs', async () => {
    const r = scripted({ a: ['retry', 'retry', 'retry'] });
    const { q, clock } = queue(r, { baseDelayMs: 100, maxDelayMs: 150 });
    q.add('a');
    for (let i = 0; i < 2; i++) {
      await r.releaseAll();
      await clock.advance(150);
    }
    await r.releaseAll();
    assert.equal(r.calls.length, 3);
    assert.equal(q.failures('a'), 3);
  });

  it('a thrown error counts as retry and is reported', async () => {
    const errors: string[] = [];
    const clock = new FakeClock();
    let n = 0;
    const q = new WorkQueue({
      clock, listKeys: () => [], baseDelayMs: 10,
      reconcile: async () => { if (n++ === 0) throw new Error('boom'); return 'success'; },
      onError: (key, e) => errors.push(`${key}: ${(e as Error).message}`),
    });
    q.add('k');
    await flushPromises();
    await clock.advance(10);
    await q.idle();
    assert.deepEqual(errors, ['k: boom']);
    assert.equal(n, 2);
  });

  it('an explicit add during the backoff runs at once and cancels the timer', async () => {
    const r = scripted({ a: ['retry'] });
    const { q, clock } = queue(r, { baseDelayMs: 1000 });
    q.add('a');
    await r.releaseAll();
    assert.equal(clock.pending(), 1);
    q.add('a');
    await r.releaseAll();
    assert.equal(clock.pending(), 0);
    assert.deepEqual(r.calls, ['a', 'a']);
  });

  const terminal = [
    { desc: 'noRetry does not requeue', outcome: 'noRetry' as const, want: ['a'] },
    { desc: 'reprocessAll requeues every known key', outcome: 'reprocessAll' as const, want: ['a', 'a', 'b', 'c'] },
  ];
  for (const c of terminal) {
    it(c.desc, async () => {
      const r = scripted({ a: [c.outcome] });
      const { q, clock } = queue(r);
      q.add('a');
      await r.releaseAll();
      await clock.advance(120_000);
      await q.idle();
      assert.deepEqual(r.calls, c.want);
    });
  }

  it('shutdown cancels retries and ignores new adds', async () => {
    const r = scripted({ a: ['retry'] });
    const { q, clock } = queue(r);
    q.add('a');
    await r.releaseAll();
    await q.shutdown();
    q.add('b');
    await clock.advance(120_000);
    assert.deepEqual(r.calls, ['a']);
    assert.equal(q.len(), 0);
  });
});
