import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CodedError, errorCodeOf } from './errors.ts';

const CODES = ['first', 'second'] as const;
class ExampleError extends CodedError<(typeof CODES)[number]> {}

describe('CodedError', () => {
  it('keeps code, message, cause and the subclass name', () => {
    const cause = new Error('socket hang up');
    const e = new ExampleError('second', 'writing failed', { cause });
    assert.equal(e.code, 'second');
    assert.equal(e.message, 'writing failed');
    assert.equal(e.cause, cause);
    assert.equal(e.name, 'ExampleError');
    assert.ok(e instanceof Error);
  });
});

describe('errorCodeOf', () => {
  const cases = [
    { desc: 'a coded error', input: new ExampleError('first', 'x'), want: 'first' },
    { desc: "a Node errno error", input: Object.assign(new Error('x'), { code: 'ENOENT' }), want: 'ENOENT' },
    { desc: 'a numeric code (an API status) is not a code', input: { code: 404 }, want: undefined },
    { desc: 'a plain error', input: new Error('x'), want: undefined },
    { desc: 'not an object', input: 'boom', want: undefined },
  ];
  for (const c of cases) it(c.desc, () => assert.equal(errorCodeOf(c.input), c.want));
});
