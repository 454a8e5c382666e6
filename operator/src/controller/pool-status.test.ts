import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IPAddressPool } from '@metallb-ts/lib/api/types.generated.ts';
import { captureLogger, FakeCounter } from '@metallb-ts/lib/testing/capture-logger.ts';
import { fakePoolGauges, FakePoolStatusPort, FakePoolUsage } from '../testing/controller-fakes.ts';
import { PoolStatusReconciler, type PoolCountersStatus } from './pool-status.ts';

const counters = (assignedIPv4: bigint, availableIPv4: bigint): PoolCountersStatus => ({ assignedIPv4, assignedIPv6: 0n, availableIPv4, availableIPv6: 0n });

/** A cached IPAddressPool with `status` as stored. */
const cached = (name: string, uid: string, status?: PoolCountersStatus): IPAddressPool => ({
  metadata: { name, namespace: 'metallb-system', uid }, spec: { addresses: [] },
  ...(status === undefined ? {} : { status: { assignedIPv4: Number(status.assignedIPv4), assignedIPv6: 0, availableIPv4: Number(status.availableIPv4), availableIPv6: 0 } }),
});

function harness(cache: Record<string, IPAddressPool>) {
  const usage = new FakePoolUsage();
  const port = new FakePoolStatusPort();
  const metrics = fakePoolGauges();
  const updateErrors = new FakeCounter();
  const log = captureLogger();
  const reconciler = new PoolStatusReconciler({ allocator: usage, pool: (n) => cache[n], port, metrics, updateErrors, logger: log.logger });
  return { usage, port, metrics, updateErrors, log, reconciler };
}

describe('PoolStatusReconciler', () => {
  const cases = [
    { desc: 'no status yet: written', stored: undefined, want: 1 },
    { desc: 'stored status differs: written', stored: counters(0n, 16n), want: 1 },
    { desc: 'stored status equal: nothing written', stored: counters(2n, 14n), want: 0 },
  ];
  for (const c of cases) {
    it(c.desc, async () => {
      const h = harness({ a: cached('a', 'u1', c.stored) });
      h.usage.counters.set('a', counters(2n, 14n));
      assert.equal(await h.reconciler.reconcile(), 'success');
      assert.equal(h.port.patches.length, c.want);
      assert.equal(h.metrics.inUse.values.get('a'), 2);
      assert.equal(h.metrics.total.values.get('a'), 16);
      assert.equal(h.metrics.ipv4Total.values.get('a'), 16);
    });
  }

  it('writes a value once, even while the cache still shows the old one', async () => {
    const h = harness({ a: cached('a', 'u1') });
    h.usage.counters.set('a', counters(1n, 15n));
    await h.reconciler.reconcile();
    await h.reconciler.reconcile();
    assert.deepEqual(h.port.patches, [{ pool: 'a', status: counters(1n, 15n) }]);
  });

  it('a pool recreated under a new uid is written again', async () => {
    const cache: Record<string, IPAddressPool> = { a: cached('a', 'u1') };
    const h = harness(cache);
    h.usage.counters.set('a', counters(1n, 15n));
    await h.reconciler.reconcile();
    cache.a = cached('a', 'u2');
    await h.reconciler.reconcile();
    assert.equal(h.port.patches.length, 2);
  });

  it('a pool not in the cache, or gone (404), is skipped without retry', async () => {
    const h = harness({ b: cached('b', 'u1') });
    h.usage.counters.set('a', counters(1n, 15n));
    h.usage.counters.set('b', counters(1n, 15n));
    h.port.missing.add('b');
    assert.equal(await h.reconciler.reconcile(), 'success');
    assert.deepEqual(h.port.patches, []);
  });

  it('a failed write retries, is logged with pool and reason, and counted', async () => {
    const h = harness({ a: cached('a', 'u1') });
    h.usage.counters.set('a', counters(1n, 15n));
    h.port.fail = true;
    assert.equal(await h.reconciler.reconcile(), 'retry');
    assert.equal(h.updateErrors.value, 1);
    const entry = (await h.log.entries()).find((e) => e.message === 'writing IPAddressPool status failed');
    assert.deepEqual([entry?.pool, entry?.reason], ['a', 'Error: apiserver down']);
    h.port.fail = false;
    assert.equal(await h.reconciler.reconcile(), 'success');
    assert.equal(h.port.patches.length, 1);
  });

  it('gauges of a pool that left the configuration are removed', async () => {
    const h = harness({});
    h.usage.counters.set('a', counters(1n, 15n));
    h.usage.counters.set('b', counters(0n, 4n));
    await h.reconciler.reconcile();
    h.usage.counters.delete('a');
    await h.reconciler.reconcile();
    assert.deepEqual([...h.metrics.inUse.values.keys()], ['b']);
    assert.deepEqual([...h.metrics.ipv6Total.values.keys()], ['b']);
  });
});
