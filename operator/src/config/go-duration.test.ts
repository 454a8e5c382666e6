import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatGoDuration, parseGoDuration } from './go-duration.ts';

describe('parseGoDuration', () => {
  const cases: { desc: string; input: string; want: number | undefined }[] = [
    { desc: 'seconds', input: '90s', want: 90_000 },
    { desc: 'compound', input: '1m30s', want: 90_000 },
    { desc: 'fraction', input: '1.5h', want: 5_400_000 },
    { desc: 'milliseconds', input: '250ms', want: 250 },
    { desc: 'microseconds', input: '1500us', want: 1.5 },
    { desc: 'negative', input: '-2s', want: -2000 },
    { desc: 'bare zero', input: '0', want: 0 },
    { desc: 'bare number', input: '90', want: undefined },
    { desc: 'unknown unit', input: '3d', want: undefined },
    { desc: 'empty', input: '', want: undefined },
    { desc: 'trailing garbage', input: '3s!', want: undefined },
    { desc: 'lone dot', input: '.s', want: undefined },
  ];
  for (const c of cases) it(c.desc, () => assert.equal(parseGoDuration(c.input), c.want));
});

describe('formatGoDuration', () => {
  const cases: { desc: string; input: number; want: string }[] = [
    { desc: 'zero', input: 0, want: '0s' },
    { desc: 'sub-second', input: 500, want: '500ms' },
    { desc: 'seconds', input: 3000, want: '3s' },
    { desc: 'fractional seconds', input: 1500, want: '1.5s' },
    { desc: 'minutes', input: 90_000, want: '1m30s' },
    { desc: 'hours', input: 3_600_000, want: '1h0m0s' },
    { desc: 'negative', input: -2000, want: '-2s' },
  ];
  for (const c of cases) it(c.desc, () => assert.equal(formatGoDuration(c.input), c.want));
});
