/** The HTTP status an API call ends with, for tests that check what RBAC or validation allow. */
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiException } from '@kubernetes/client-node';

async function once(call: () => Promise<unknown>): Promise<number> {
  try {
    await call();
    return 200;
  } catch (e) {
    if (e instanceof ApiException) return e.code;
    throw e;
  }
}

/**
 * Runs `call` and returns the HTTP status of the ApiException it throws (200 if it succeeds).
 * A 429 is asked again: right after a CRD is Established its storage may still be initializing
 * ("storage is (re)initializing"), which is neither RBAC's nor validation's answer, and the
 * apiserver processed nothing. Bounded: 40 tries, 250 ms apart; the last status is returned.
 */
export async function statusOf(call: () => Promise<unknown>): Promise<number> {
  let status = await once(call);
  for (let i = 1; i < 40 && status === 429; i++) {
    await sleep(250);
    status = await once(call);
  }
  return status;
}
