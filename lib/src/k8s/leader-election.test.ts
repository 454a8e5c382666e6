import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { err, ok } from '../result.ts';
import { FakeClock, flushPromises } from '../testing/fake-clock.ts';
import { captureLogger, FakeCounter } from '../testing/capture-logger.ts';
import { LeaderElector } from './leader-election.ts';
import type { Lease, LeaseStore } from './lease.ts';

/** An in-memory lease with resourceVersion checks, like the apiserver; `down` makes calls fail. */
class FakeLeaseStore implements LeaseStore {
  lease: Lease | undefined;
  down = new Set<string>();
  #rv = 0;
  async get(): Promise<Lease | undefined> {
    return this.lease === undefined ? undefined : structuredClone(this.lease);
  }
  async create(l: Lease) {
    if (this.lease !== undefined) return err('conflict' as const);
    return ok(this.#store(l));
  }
  async update(l: Lease) {
    if (this.down.has(l.spec?.holderIdentity ?? '')) throw new Error('connection refused');
    if (l.metadata?.resourceVersion !== this.lease?.metadata?.resourceVersion) return err('conflict' as const);
    return ok(this.#store(l));
  }
  #store(l: Lease): Lease {
    this.lease = JSON.parse(JSON.stringify({ ...l, metadata: { ...l.metadata, resourceVersion: String(++this.#rv) } })) as Lease;
    return structuredClone(this.lease);
  }
}

const ref = { namespace: 'ns', name: 'lease' };

function candidates(names: string[]) {
  const clock = new FakeClock();
  const store = new FakeLeaseStore();
  const log: string[] = [];
  const electors = names.map((identity) => new LeaderElector({
    store, ref, identity, clock, leaseDurationMs: 2000, renewDeadlineMs: 1000, retryPeriodMs: 200,
    onStartedLeading: () => log.push(`${identity} leads`), onStoppedLeading: () => log.push(`${identity} stops`),
  }));
  const leaders = (): string[] => names.filter((_, i) => electors[i]?.isLeader());
  return { clock, store, log, electors, leaders };
}

describe('LeaderElector', () => {
  it('of two candidates exactly one leads, and keeps renewing', async () => {
    const c = candidates(['a', 'b']);
    for (const e of c.electors) e.start();
    await c.clock.advance(5_000);
    assert.deepEqual(c.leaders(), ['a']);
    assert.deepEqual(c.log, ['a leads']);
    assert.equal(c.store.lease?.spec?.leaseTransitions, 0);
    assert.equal(c.electors[1]?.leader(), 'a');
  });

  it('stop releases the lease and the other candidate takes over within one retry period', async () => {
    const c = candidates(['a', 'b']);
    for (const e of c.electors) e.start();
    await c.clock.advance(1_000);
    await c.electors[0]?.stop();
    assert.equal(c.store.lease?.spec?.holderIdentity, '');
    await c.clock.advance(200);
    assert.deepEqual(c.leaders(), ['b']);
    assert.deepEqual(c.log, ['a leads', 'a stops', 'b leads']);
    assert.equal(c.store.lease?.spec?.leaseTransitions, 1);
  });

  it('a crashed leader is replaced only after the lease duration', async () => {
    const c = candidates(['a', 'b']);
    c.electors[0]?.start();
    await flushPromises();
    c.electors[1]?.start();
    await c.clock.advance(400);
    c.store.down.add('a'); // a can no longer renew: as if it crashed
    await c.clock.advance(1_800);
    assert.equal(c.electors[1]?.isLeader(), false, 'b waits for the lease to expire');
    await c.clock.advance(400);
    assert.equal(c.electors[1]?.isLeader(), true);
    assert.equal(c.store.lease?.spec?.leaseTransitions, 1);
  });

  it('a leader that cannot renew for the renew deadline steps down', async () => {
    const c = candidates(['a']);
    c.electors[0]?.start();
    await c.clock.advance(200);
    c.store.down.add('a');
    await c.clock.advance(800);
    assert.equal(c.electors[0]?.isLeader(), true, 'still within the renew deadline');
    await c.clock.advance(400);
    assert.deepEqual(c.log, ['a leads', 'a stops']);
  });

  it('a leader that sees another holder steps down at once', async () => {
    const c = candidates(['a']);
    c.electors[0]?.start();
    await flushPromises();
    const spec = { ...c.store.lease?.spec, holderIdentity: 'intruder', renewTime: new Date(c.clock.now()).toISOString() as never };
    c.store.lease = { ...c.store.lease, spec };
    await c.clock.advance(200);
    assert.deepEqual(c.log, ['a leads', 'a stops']);
    assert.equal(c.electors[0]?.leader(), 'intruder');
  });
});

describe('LeaderElector failures', () => {
  const cases = [
    { desc: 'an API error while renewing', leadFirst: true, setup: (s: FakeLeaseStore) => s.down.add('a'), message: 'lease request failed', reason: /connection refused/ },
    {
      desc: 'losing the create race', leadFirst: false, message: 'lease write lost a race', reason: /create: conflict/,
      setup: (s: FakeLeaseStore) => {
        const real = s.get.bind(s);
        s.get = async () => {
          s.get = real;
          await s.create({ metadata: { ...ref }, spec: { holderIdentity: 'other', leaseDurationSeconds: 60 } });
          return undefined;
        };
      },
    },
  ];
  for (const c of cases) {
    it(`${c.desc} is logged with its reason and counted`, async () => {
      const clock = new FakeClock();
      const store = new FakeLeaseStore();
      const log = captureLogger();
      const errors = new FakeCounter();
      const e = new LeaderElector({ store, ref, identity: 'a', clock, leaseDurationMs: 2000, renewDeadlineMs: 1000, retryPeriodMs: 200, logger: log.logger, errors });
      if (c.leadFirst) {
        e.start();
        await flushPromises();
        assert.equal(e.isLeader(), true);
      }
      c.setup(store);
      if (!c.leadFirst) e.start();
      await clock.advance(200);
      await e.stop();
      assert.ok(errors.value >= 1, `counted (${String(errors.value)})`);
      const entry = (await log.entries()).find((x) => x.message === c.message);
      assert.match(String(entry?.reason), c.reason);
      assert.equal(entry?.lease, 'lease');
    });
  }
});
