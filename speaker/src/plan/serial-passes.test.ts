import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { serialPasses } from './serial-passes.ts';

describe('serialPasses', () => {
  it('runs one pass at a time; kicks during a pass cost one more pass, not one each', async () => {
    let running = 0;
    let maxRunning = 0;
    let runs = 0;
    const gates: Array<() => void> = [];
    const p = serialPasses({
      onError: () => assert.fail('no error'),
      pass: async () => {
        running++;
        runs++;
        maxRunning = Math.max(maxRunning, running);
        await new Promise<void>((resolve) => gates.push(resolve));
        running--;
      },
    });
    p.kick();
    p.kick();
    p.kick();
    p.kick();
    assert.equal(runs, 1);
    gates.shift()?.();
    await new Promise((r) => setImmediate(r));
    assert.equal(runs, 2, 'the kicks during the first pass asked for one more');
    gates.shift()?.();
    await p.idle();
    assert.equal(runs, 2);
    assert.equal(maxRunning, 1);
  });

  it('a failed pass goes to onError and the next kick runs again; nothing after stop', async () => {
    const errors: unknown[] = [];
    let runs = 0;
    let stopped = false;
    let release: () => void = () => undefined;
    const p = serialPasses({
      onError: (e) => errors.push(e),
      stopped: () => stopped,
      pass: async () => {
        runs++;
        if (runs === 1) throw new Error('apiserver down');
        await new Promise<void>((resolve) => { release = resolve; });
      },
    });
    p.kick();
    await p.idle();
    assert.deepEqual(errors.map(String), ['Error: apiserver down']);
    p.kick();
    p.kick();
    stopped = true;
    release();
    await p.idle();
    assert.equal(runs, 2, 'the kick asked for during the pass is dropped once stopped');
  });
});
