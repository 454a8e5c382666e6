/** The HTTP status an API call ends with, for tests that check what RBAC or validation allow. */
import { ApiException } from '@kubernetes/client-node';

/** Runs `call` and returns the HTTP status of the ApiException it throws (200 if it succeeds). */
export async function statusOf(call: () => Promise<unknown>): Promise<number> {
  try {
    await call();
    return 200;
  } catch (e) {
    if (e instanceof ApiException) return e.code;
    throw e;
  }
}
