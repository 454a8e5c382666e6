import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LoadSampler } from './load-sampler.ts';

describe('LoadSampler', () => {
  it('mean and max of the samples taken, rounded to 0.1', () => {
    const values = [2, 6.04, 4];
    let i = 0;
    // An interval far beyond the test: only the first sample and the explicit ones count.
    const s = new LoadSampler(3_600_000, () => values[i++] ?? Number.NaN);
    s.take();
    s.take();
    assert.deepEqual(s.stop(), { mean: 4, max: 6 });
  });
  it('one sample is taken at construction', () => {
    assert.deepEqual(new LoadSampler(3_600_000, () => 1.26).stop(), { mean: 1.3, max: 1.3 });
  });
});
