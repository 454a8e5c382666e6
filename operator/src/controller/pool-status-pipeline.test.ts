import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { captureLogger, FakeCounter } from '@metallb-ts/lib/testing/capture-logger.ts';
import { FakeClock, flushPromises } from '@metallb-ts/lib/testing/fake-clock.ts';
import { PoolStatusPipeline } from './pool-status-pipeline.ts';

/** Pool events the test fires by hand. */
class FakePools {
  readonly adds: Array<() => void> = [];
  on(event: string, cb: () => void): void {
    if (event === 'add') this.adds.push(cb);
  }
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
}

function pipeline() {
  const clock = new FakeClock();
  const pools = new FakePools();
  const runs: number[] = [];
  const gauges: number[] = [];
  const p = new PoolStatusPipeline({
    settings: { clock, logger: captureLogger().logger, updateErrors: new FakeCounter() },
    reconciler: { reconcile: async () => (runs.push(clock.now()), 'success'), updateMetrics: () => (gauges.push(clock.now()), []) },
    pools, minIntervalMs: 1000,
  });
  return { clock, pools, runs, gauges, p };
}

describe('PoolStatusPipeline', () => {
  it('a lone kick runs at once', async () => {
    const t = pipeline();
    t.p.kick();
    await t.p.idle();
    assert.equal(t.runs.length, 1);
  });

  it('a burst of kicks: one run now, one run for the rest a second later, none after', async () => {
    const t = pipeline();
    const t0 = t.clock.now();
    t.p.kick();
    await flushPromises();
    for (let i = 0; i < 500; i++) t.p.kick();
    await t.clock.advance(400);
    t.pools.adds.forEach((cb) => cb());
    await flushPromises();
    assert.deepEqual(t.runs, [t0]);
    assert.equal(t.gauges.length, 502, 'the gauges follow every kick');
    await t.clock.advance(600);
    await t.p.idle();
    assert.deepEqual(t.runs, [t0, t0 + 1000]);
    await t.clock.advance(5000);
    assert.equal(t.runs.length, 2);
  });

  it('idle() waits for a spaced run; shutdown drops it', async () => {
    const t = pipeline();
    t.p.kick();
    await flushPromises();
    t.p.kick();
    let idle = false;
    void t.p.idle().then(() => (idle = true));
    await flushPromises();
    assert.equal(idle, false);
    await t.clock.advance(1000);
    await flushPromises();
    assert.equal(idle, true);
    assert.equal(t.runs.length, 2);
    t.p.kick();
    await t.p.shutdown();
    await t.clock.advance(2000);
    assert.equal(t.runs.length, 2);
    assert.equal(t.clock.pending(), 0);
  });
});
