import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiException } from '@kubernetes/client-node';
import { apiFailureOf, apiResult, apiStatusOf, orMissing } from './api-errors.ts';

const apiErr = (code: number): ApiException<string> => new ApiException(code, 'x', '', {});

describe('api errors', () => {
  const cases = [
    { desc: 'client 404', e: apiErr(404), status: 404, failure: 'not-found' },
    { desc: 'client 409', e: apiErr(409), status: 409, failure: 'conflict' },
    { desc: 'client 422', e: apiErr(422), status: 422, failure: 'invalid' },
    { desc: 'client 500 is no failure value', e: apiErr(500), status: 500, failure: undefined },
    { desc: 'network error', e: new Error('ECONNRESET'), status: undefined, failure: undefined },
  ];
  for (const c of cases) {
    it(c.desc, () => {
      assert.equal(apiStatusOf(c.e), c.status);
      assert.equal(apiFailureOf(c.e), c.failure);
    });
  }

  it('apiResult maps handled failures and rethrows others', async () => {
    assert.deepEqual(await apiResult(() => Promise.resolve(1), ['conflict']), { ok: true, value: 1 });
    assert.deepEqual(await apiResult(() => Promise.reject(apiErr(409)), ['conflict']), { ok: false, error: 'conflict' });
    await assert.rejects(apiResult(() => Promise.reject(apiErr(404)), ['conflict']), ApiException);
  });

  it('orMissing turns only 404 into the fallback', async () => {
    assert.equal(await orMissing(Promise.reject(apiErr(404)), 'gone'), 'gone');
    await assert.rejects(orMissing(Promise.reject(apiErr(409)), 'gone'), ApiException);
  });
});
