import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gossipConfig, MEMBERLIST_LAN, pushPullIntervalMs, retransmitLimit, suspicionBounds, suspicionTimeoutMs } from './config.ts';

const memberlist = gossipConfig('a', 'a:1', MEMBERLIST_LAN);

describe('suspicion bounds (Lifeguard, memberlist formula)', () => {
  // Expected values for memberlist's LAN preset are those of perf-anchors §0 rows 11–14.
  const cases = [
    { desc: 'n=2: nobody can confirm, min only', n: 2, want: { minMs: 4000, maxMs: 24000, k: 0 } },
    { desc: 'n=3: one member can confirm (memberlist: k = 0)', n: 3, want: { minMs: 4000, maxMs: 24000, k: 1 } },
    { desc: 'n=10', n: 10, want: { minMs: 4000, maxMs: 24000, k: 2 } },
    { desc: 'n=100: min scales with log10 n', n: 100, want: { minMs: 8000, maxMs: 48000, k: 2 } },
  ];
  for (const c of cases) it(c.desc, () => assert.deepEqual(suspicionBounds(memberlist, c.n), c.want));
  it('n=50 gives 4 · log10(50) s', () => assert.equal(Math.round(suspicionBounds(memberlist, 50).minMs), 6796));
});

describe('suspicion timeout shrinks with confirmations', () => {
  const b = suspicionBounds(memberlist, 10);
  const cases = [
    { confirmations: 0, want: 24000 },
    { confirmations: 1, want: 11381 }, // perf-anchors §0 row 14: 11.38 s
    { confirmations: 2, want: 4000 },
    { confirmations: 5, want: 4000 },
  ];
  for (const c of cases) it(`${c.confirmations} confirmations → ${c.want} ms`, () => assert.equal(suspicionTimeoutMs(b, c.confirmations), c.want));
  it('is min from the start when k = 0', () => assert.equal(suspicionTimeoutMs(suspicionBounds(memberlist, 2), 0), 4000));
});

describe('retransmit limit and push-pull scaling', () => {
  const cases = [
    { n: 1, limit: 4, pp: 30_000 }, { n: 9, limit: 4, pp: 30_000 }, { n: 10, limit: 8, pp: 30_000 },
    { n: 50, limit: 8, pp: 60_000 }, { n: 100, limit: 12, pp: 90_000 },
  ];
  for (const c of cases) {
    it(`n=${c.n}`, () => {
      assert.equal(retransmitLimit(memberlist, c.n), c.limit);
      assert.equal(pushPullIntervalMs(memberlist, c.n), c.pp);
    });
  }
});
