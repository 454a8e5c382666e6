import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../testing/fake-clock.ts';
import { pollUntil } from './poll.ts';

describe('pollUntil', () => {
  const cases = [
    { desc: 'returns the first defined value', readyAt: 3, timeoutMs: 1_000, want: { ok: true, value: 'ready@3' } },
    { desc: 'times out, counting checks', readyAt: 99, timeoutMs: 200, want: { ok: false, error: { kind: 'timeout', checks: 5 } } },
  ];
  for (const c of cases) {
    it(c.desc, async () => {
      const clock = new FakeClock();
      let n = 0;
      const done = pollUntil(() => (++n >= c.readyAt ? `ready@${n}` : undefined), { clock, timeoutMs: c.timeoutMs, intervalMs: 50 });
      await clock.advance(5_000);
      assert.deepEqual(await done, c.want);
    });
  }
});
