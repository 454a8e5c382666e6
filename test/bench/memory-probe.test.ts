import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { memorySamplesOf, peakSample } from './memory-probe.ts';

const sample = (at: number, rss: number) => ({ at, rss, heapTotal: 1, heapUsed: 1, external: 1, arrayBuffers: 0 });

describe('memory probe lines', () => {
  it('reads MEMPROBE lines among log lines, skipping a cut last line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'memprobe-'));
    try {
      const file = join(dir, 'operator.log');
      writeFileSync(file, [
        '{"level":"info","msg":"started"}', `MEMPROBE ${JSON.stringify(sample(1, 10))}`, 'other', `MEMPROBE ${JSON.stringify(sample(2, 30))}`, 'MEMPROBE {"at":3,"rs',
      ].join('\n'));
      assert.deepEqual(memorySamplesOf(file), [sample(1, 10), sample(2, 30)]);
      assert.deepEqual(memorySamplesOf(join(dir, 'missing.log')), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('peakSample takes the highest RSS inside the window only', () => {
    const all = [sample(1, 10), sample(2, 50), sample(3, 20), sample(9, 99)];
    assert.deepEqual(peakSample(all, 0, 5), sample(2, 50));
    assert.deepEqual(peakSample(all), sample(9, 99));
    assert.equal(peakSample(all, 4, 8), undefined);
  });
});
