import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { captureLogger, FakeCounter } from '@metallb-ts/lib/testing/capture-logger.ts';
import { flushPromises } from '@metallb-ts/lib/testing/fake-clock.ts';
import { Leadership, type FatalReason, type LeaderWork } from './leadership.ts';

/** The controller as a fake: `start` fails when told to; calls are recorded with the release. */
class FakeWork implements LeaderWork {
  readonly calls: string[];
  readonly failStart: boolean;
  constructor(calls: string[], failStart: boolean) {
    this.calls = calls;
    this.failStart = failStart;
  }
  async start(): Promise<void> {
    this.calls.push('start');
    if (this.failStart) throw new Error('informers never synced');
  }
  async stop(): Promise<void> {
    this.calls.push('stop');
  }
}

function harness(failStart: boolean) {
  const calls: string[] = [];
  const fatal: FatalReason[] = [];
  const startFailures = new FakeCounter();
  const log = captureLogger();
  const leadership = new Leadership({
    work: new FakeWork(calls, failStart),
    release: async () => {
      calls.push('release');
      leadership.stopped(); // the elector reports losing leadership when it releases
    },
    onFatal: (r) => fatal.push(r), startFailures, logger: log.logger,
  });
  return { calls, fatal, startFailures, log, leadership };
}

describe('Leadership', () => {
  it('a failed start stops the controller, releases the Lease, then reports start-failed once', async () => {
    const h = harness(true);
    h.leadership.started();
    await flushPromises();
    assert.deepEqual(h.calls, ['start', 'stop', 'release']);
    assert.deepEqual(h.fatal, ['start-failed']);
    assert.equal(h.startFailures.value, 1);
    const entry = (await h.log.entries()).find((e) => e.level === 'error');
    assert.match(String(entry?.reason), /informers never synced/);
  });

  const cases = [
    { desc: 'losing the Lease while leading is fatal', shutdownFirst: false, want: ['lost-leadership'] },
    { desc: 'losing it after a deliberate shutdown is not', shutdownFirst: true, want: [] },
  ];
  for (const c of cases) {
    it(c.desc, async () => {
      const h = harness(false);
      h.leadership.started();
      if (c.shutdownFirst) await h.leadership.shutdown();
      h.leadership.stopped();
      assert.deepEqual(h.fatal, c.want);
      assert.equal(h.startFailures.value, 0);
      assert.deepEqual(h.calls, ['start']);
    });
  }
});
