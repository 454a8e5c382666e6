import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Suspicion } from './suspicion.ts';

const bounds = { minMs: 1000, maxMs: 6000, k: 2 };

describe('Suspicion', () => {
  it('rearm starts over at max without confirmations', () => {
    const s = new Suspicion({ origin: 'o', startedAt: 0, bounds, nextBuddyAt: 0 });
    s.confirm('b');
    s.heardAt = 100;
    s.rearm(500);
    assert.equal(s.deadline, 6500);
    assert.equal(s.heardAt, undefined);
    assert.equal(s.confirm('b'), true);
  });

  const cases = [
    { desc: 'no confirmation: max', confirms: [], want: 6000, accepted: [] },
    { desc: 'the origin does not confirm its own suspicion', confirms: ['o'], want: 6000, accepted: [false] },
    { desc: 'one independent confirmation', confirms: ['b'], want: 2845, accepted: [true] },
    { desc: 'a repeat does not count twice', confirms: ['b', 'b'], want: 2845, accepted: [true, false] },
    { desc: 'k confirmations reach min; more are not counted', confirms: ['b', 'c', 'd'], want: 1000, accepted: [true, true, false] },
  ];
  for (const c of cases) {
    it(c.desc, () => {
      const s = new Suspicion({ origin: 'o', startedAt: 0, bounds, nextBuddyAt: 0 });
      assert.deepEqual(c.confirms.map((f) => s.confirm(f)), c.accepted);
      assert.equal(s.deadline, c.want);
    });
  }
});
