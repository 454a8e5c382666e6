import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { captureLogger, FakeGauge } from '@metallb-ts/lib/testing/capture-logger.ts';
import type { ClusterResources } from '../config/resources.ts';
import type { Config } from '../config/types.ts';
import { bfd, community, peer, pool, resources } from '../testing/config-test-kit.ts';
import { FakeVerdictSink } from '../testing/controller-fakes.ts';
import { ConfigReconciler, type ConfigConsumer } from './config-reconciler.ts';

/** A consumer that records each call with the part it was given. */
function recording(name: string, partOf: (c: Config) => unknown): ConfigConsumer & { calls: Array<{ first: boolean; part: unknown }> } {
  const calls: Array<{ first: boolean; part: unknown }> = [];
  return { name, partOf, calls, apply: (c, { first }) => calls.push({ first, part: partOf(c) }) };
}

function harness(onRejectedChanged?: () => void) {
  let input: ClusterResources = resources({ pools: [pool('a', ['192.0.2.0/28'])] });
  const pools = recording('pools', (c) => c.pools);
  const peers = recording('peers', (c) => c.peers);
  const verdicts = new FakeVerdictSink();
  const metrics = { configLoaded: new FakeGauge(), configStale: new FakeGauge() };
  const log = captureLogger();
  const reconciler = new ConfigReconciler({ resources: () => input, consumers: [pools, peers], metrics, verdicts, logger: log.logger, ...(onRejectedChanged === undefined ? {} : { onRejectedChanged }) });
  const set = (r: Partial<ClusterResources>): void => {
    input = resources(r);
  };
  return { reconciler, pools, peers, verdicts, metrics, log, set };
}

const base = { pools: [pool('a', ['192.0.2.0/28'])] };

describe('ConfigReconciler: consumers run only when their part changed', () => {
  const cases = [
    { desc: 'the same config again: nobody runs', next: base, pools: 0, peers: 0 },
    { desc: 'a peer added: the peers consumer runs, the pools one does not', next: { ...base, peers: [peer('r')] }, pools: 0, peers: 1 },
    { desc: 'a community added: unrelated to both', next: { ...base, communities: [community('c', [{ name: 'x', value: '64500:1' }])] }, pools: 0, peers: 0 },
    { desc: 'a pool widened: the pools consumer runs', next: { pools: [pool('a', ['192.0.2.0/27'])] }, pools: 1, peers: 0 },
    { desc: 'a pool option changed: the pools consumer runs', next: { pools: [pool('a', ['192.0.2.0/28'], { autoAssign: false })] }, pools: 1, peers: 0 },
    { desc: 'a pool label changed: the pools consumer runs', next: { pools: [pool('a', ['192.0.2.0/28'], {}, { tier: 'x' })] }, pools: 1, peers: 0 },
  ];
  for (const c of cases) {
    it(c.desc, async () => {
      const h = harness();
      h.set(base);
      assert.equal(await h.reconciler.reconcile(), 'success');
      assert.deepEqual([h.pools.calls.map((x) => x.first), h.peers.calls.map((x) => x.first)], [[true], [true]]);
      h.set(c.next);
      assert.equal(await h.reconciler.reconcile(), 'success');
      assert.equal(h.pools.calls.length - 1, c.pools);
      assert.equal(h.peers.calls.length - 1, c.peers);
      for (const call of [...h.pools.calls.slice(1), ...h.peers.calls.slice(1)]) assert.equal(call.first, false);
    });
  }
});

describe('ConfigReconciler: verdicts and the last good config', () => {
  const invalid = { pools: [pool('a', ['nope'])] };
  const transient = { ...base, peers: [peer('r', { bfdProfile: 'missing' })] };
  const cases = [
    { desc: 'valid', input: base, sink: 'written' as const, want: 'success', verdict: 'valid', stale: 0, loaded: true },
    { desc: 'valid but the ConfigurationState write failed', input: base, sink: 'failed' as const, want: 'retry', verdict: 'valid', stale: 0, loaded: true },
    { desc: 'invalid: no retry, nothing loaded', input: invalid, sink: 'written' as const, want: 'noRetry', verdict: 'invalid', stale: 1, loaded: false },
    { desc: 'transient: retry, nothing loaded', input: transient, sink: 'written' as const, want: 'retry', verdict: 'transient', stale: 1, loaded: false },
  ];
  for (const c of cases) {
    it(c.desc, async () => {
      const h = harness();
      h.set(c.input);
      h.verdicts.answer = c.sink;
      assert.equal(await h.reconciler.reconcile(), c.want);
      assert.deepEqual(h.verdicts.verdicts.map((v) => v.kind), [c.verdict]);
      assert.equal(h.metrics.configStale.value, c.stale);
      assert.equal(h.reconciler.loaded, c.loaded);
      assert.equal(h.pools.calls.length, c.loaded ? 1 : 0);
    });
  }

  it('an invalid config after a valid one keeps the last good config, marks it stale and logs why', async () => {
    const h = harness();
    h.set({ ...base, bfdProfiles: [bfd('f')] });
    await h.reconciler.reconcile();
    const good = h.reconciler.config;
    h.set(invalid);
    assert.equal(await h.reconciler.reconcile(), 'noRetry');
    assert.equal(h.reconciler.config, good);
    assert.deepEqual(h.reconciler.config?.bfdProfiles.map((b) => b.name), ['f']);
    assert.deepEqual([h.metrics.configLoaded.value, h.metrics.configStale.value], [1, 1]);
    assert.equal(h.pools.calls.length, 1);
    const entry = (await h.log.entries()).find((e) => e.message === 'configuration invalid; keeping the last good one');
    assert.match(String(entry?.reason), /IPAddressPool\/a/);
    h.set(base);
    assert.equal(await h.reconciler.reconcile(), 'success');
    assert.equal(h.metrics.configStale.value, 0);
  });

  it('names the rejected configuration while it is in force, and says so once per change', async () => {
    let told = 0;
    const h = harness(() => told++);
    h.set(base);
    await h.reconciler.reconcile();
    assert.deepEqual([h.reconciler.rejected, told], [undefined, 0]);
    h.set(invalid);
    await h.reconciler.reconcile();
    await h.reconciler.reconcile();
    assert.match(h.reconciler.rejected ?? '', /^IPAddressPool\/a spec\.addresses/);
    assert.equal(told, 1, 'the same errors again: not told again');
    h.set(base);
    await h.reconciler.reconcile();
    assert.deepEqual([h.reconciler.rejected, told], [undefined, 2]);
  });
});
