/** Why a steady-phase create failed, as the bench prints it. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiException } from '@kubernetes/client-node';
import { failureReason } from './rate-load.ts';

describe('failureReason', () => {
  const wrapped = (cause: unknown): Error => new Error('create Service s-00001 failed after 5 attempt(s)', { cause });
  const cases = [
    { desc: 'an API answer is named by its HTTP code', input: wrapped(new ApiException(504, 'timeout', {}, {})), want: 'HTTP 504' },
    { desc: 'a connection error by its code', input: wrapped(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })), want: 'ECONNRESET' },
    { desc: 'anything else by its message, cut to 80 characters', input: wrapped(new Error('x'.repeat(100))), want: 'x'.repeat(80) },
    { desc: 'an unwrapped error is read itself', input: new ApiException(429, 'slow down', {}, {}), want: 'HTTP 429' },
    { desc: 'a thrown non-error is printed', input: 'boom', want: 'boom' },
  ];
  for (const { desc, input, want } of cases) {
    it(desc, () => assert.equal(failureReason(input), want));
  }
});
