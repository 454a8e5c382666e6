import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { saturated, SATURATED_WAIT_MS } from './ipam-backlog.ts';
import { ratesOf } from './ipam.bench.ts';

describe('ipam bench steady rates', () => {
  it('parses --rate as a comma list, 10,20 by default, and refuses anything else', () => {
    assert.deepEqual(ratesOf(undefined), [10, 20]);
    assert.deepEqual(ratesOf('50'), [50]);
    assert.deepEqual(ratesOf('10, 25,40'), [10, 25, 40]);
    for (const bad of ['', '0', '20,', 'x', '2.5', '-3']) assert.throws(() => ratesOf(bad), /--rate/, bad);
  });

  it('calls a step saturated when its creates queued at the apiserver or failed', () => {
    assert.equal(saturated(40, 0), false);
    assert.equal(saturated(SATURATED_WAIT_MS, 0), false);
    assert.equal(saturated(SATURATED_WAIT_MS + 1, 0), true);
    assert.equal(saturated(40, 1), true, 'a failed create is saturation even when the rest were quick');
    assert.equal(saturated(Number.NaN, 0), true, 'no measurement is not a pass');
  });
});
