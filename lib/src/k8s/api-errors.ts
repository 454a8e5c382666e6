/**
 * The one place that turns Kubernetes API failures into values: the HTTP status of a failed
 * call, 404 → `undefined` / `'not-found'`, 409 → `'conflict'`, 422 → `'invalid'` as
 * {@link Result} errors. Every real port (leases, status, events, the controller's writers)
 * maps errors through here so they agree. It knows both clients' errors: the raw client's
 * {@link KubeApiError} and client-node's `ApiException` (the speaker and the tests still use
 * client-node), the latter by its shape so that this module loads nothing of client-node.
 */
import { err, ok, type Result } from '../result.ts';
import { KubeApiError } from './kube-client.ts';

/** The API failures callers handle as values. */
export type ApiFailure = 'not-found' | 'conflict' | 'invalid';

const FAILURE_BY_STATUS: ReadonlyMap<number, ApiFailure> = new Map([[404, 'not-found'], [409, 'conflict'], [422, 'invalid']]);

/** HTTP status of a failed API call, or undefined when `e` is no API answer (network, bug). */
export function apiStatusOf(e: unknown): number | undefined {
  if (e instanceof KubeApiError) return e.status;
  // client-node's ApiException: an Error with a numeric `code` (the HTTP status) and `headers`.
  const shaped = e as { code?: unknown; headers?: unknown };
  return e instanceof Error && typeof shaped.code === 'number' && typeof shaped.headers === 'object' ? shaped.code : undefined;
}

/** The {@link ApiFailure} `e` stands for, or undefined for any other error. */
export function apiFailureOf(e: unknown): ApiFailure | undefined {
  const status = apiStatusOf(e);
  return status === undefined ? undefined : FAILURE_BY_STATUS.get(status);
}

/**
 * Awaits `call`; the failures listed in `handled` become `err(failure)`, anything else rethrows.
 * E.g. `apiResult(() => api.replaceX(...), ['conflict', 'not-found'])`.
 */
export async function apiResult<T, F extends ApiFailure>(call: () => Promise<T>, handled: readonly F[]): Promise<Result<T, F>> {
  try {
    return ok(await call());
  } catch (e) {
    const failure = apiFailureOf(e);
    if (failure !== undefined && (handled as readonly ApiFailure[]).includes(failure)) return err(failure as F);
    throw e;
  }
}

/** Resolves `onMissing` instead of throwing when the object is gone (404). */
export async function orMissing<T, M>(p: Promise<T>, onMissing: M): Promise<T | M> {
  try {
    return await p;
  } catch (e) {
    if (apiFailureOf(e) === 'not-found') return onMissing;
    throw e;
  }
}
