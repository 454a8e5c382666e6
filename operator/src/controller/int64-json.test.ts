import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { int64Json } from './int64-json.ts';

describe('int64Json', () => {
  const cases = [
    { desc: 'MaxInt64 stays exact', input: { n: (1n << 63n) - 1n }, want: '{"n":9223372036854775807}' },
    { desc: 'negative and zero', input: { a: -5n, b: 0n }, want: '{"a":-5,"b":0}' },
    { desc: 'numbers and strings untouched', input: { s: 'int64:1', n: 3 }, want: '{"s":"int64:1","n":3}' },
  ];
  for (const c of cases) it(c.desc, () => assert.equal(int64Json(c.input), c.want));
});
