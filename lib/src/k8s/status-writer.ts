/**
 * Batched, rate-aware status writes. Callers say "make the status of <key> look like this" as a
 * mutate function; the writer:
 * - coalesces by key: a write queued but not started is replaced by a newer one (latest wins),
 *   and a write for a key already in flight runs once after it (never two at once for one key);
 * - runs at most `concurrency` requests at a time;
 * - reads the object fresh, applies the mutate fn, writes /status; on 409 it re-reads and
 *   re-applies (up to `maxAttempts`); the mutate fn may answer `'gone'` when the fresh object is
 *   not the one the write was for (another UID under the same name);
 * - with a `cached` lookup and a port that can patch, first tries ONE request instead of a read
 *   and a write: the mutate fn applied to the cached object, sent as a merge patch guarded by the
 *   cached resourceVersion. The apiserver refuses it (409) when the object changed since, and
 *   the read-mutate-write path above runs; when the cached object needs no write (or is
 *   another object), the fresh object decides, so a stale cache never skips a write;
 * - counts successful writes in `metallb_k8s_client_updates_total` and failed ones in
 *   `metallb_k8s_client_update_errors_total`.
 */
import type { V1Service } from '@kubernetes/client-node';
import type { Logger } from '../log.ts';
import type { K8sClientMetrics } from '../metrics.ts';
import { err, ok, type Result } from '../result.ts';
import { apiResult, orMissing } from './api-errors.ts';
import { MERGE_PATCH, type KubeClient } from './kube-client.ts';
import { guardedMergePatch } from './merge-patch.ts';

/** The narrow port a status writer needs (a fake in unit tests). */
export interface StatusPort<T> {
  /** Reads the object fresh; undefined when it does not exist. */
  get(key: string): Promise<T | undefined>;
  /** Writes its status (with the read resourceVersion). */
  updateStatus(key: string, obj: T): Promise<Result<T, 'conflict' | 'not-found'>>;
  /**
   * Writes the status and metadata changes from `base` to `next` as one merge patch guarded by
   * `base`'s resourceVersion (`'conflict'` when the object changed since). Optional.
   */
  patchStatus?(key: string, base: T, next: T): Promise<Result<T, 'conflict' | 'not-found'>>;
}

/**
 * Makes the fresh object's next version: undefined = no write needed, `'gone'` = the fresh
 * object is not the one this write was meant for (e.g. another UID: deleted and re-created).
 */
export type StatusMutation<T> = (fresh: T) => T | undefined | 'gone';

/** How a write ended. */
export type WriteOutcome = 'written' | 'unchanged' | 'gone';

/** How a write ended, with the object as the apiserver returned (`written`) or last had it (`unchanged`). */
export interface Written<T> {
  readonly outcome: WriteOutcome;
  readonly object?: T;
}

/** Options of {@link StatusWriter}. */
export interface StatusWriterOptions<T> {
  readonly port: StatusPort<T>;
  /** Concurrent requests (default 4). */
  readonly concurrency?: number;
  /** Read-mutate-write attempts before giving up on conflicts (default 5). */
  readonly maxAttempts?: number;
  /** The client counters. */
  readonly metrics?: Pick<K8sClientMetrics, 'updates' | 'updateErrors'>;
  readonly logger?: Logger;
  /** The informer's copy of an object (may be stale or projected): enables the one-request path. */
  readonly cached?: (key: string) => T | undefined;
}

/** Thrown into a write's result when conflicts persisted for every attempt. */
export class StatusConflictError extends Error {
  /** Stable code. */
  readonly code = 'status-conflict';
  /** `key` kept conflicting. */
  constructor(key: string, attempts: number) {
    super(`status of ${key} still conflicting after ${attempts} attempts`);
    this.name = 'StatusConflictError';
  }
}

interface Pending<T> {
  mutate: StatusMutation<T>;
  readonly waiters: Array<(r: Result<Written<T>, unknown>) => void>;
}

/** See the module comment. */
export class StatusWriter<T> {
  readonly #o: StatusWriterOptions<T>;
  readonly #pending = new Map<string, Pending<T>>();
  readonly #inflight = new Set<string>();
  #idle: Array<() => void> = [];

  /** Creates a writer over `opts.port`. */
  constructor(opts: StatusWriterOptions<T>) {
    this.#o = opts;
  }

  /** Queues a write; resolves when this or a newer write for the same key has been applied. */
  async write(key: string, mutate: StatusMutation<T>): Promise<Result<WriteOutcome, unknown>> {
    const r = await this.writeObject(key, mutate);
    return r.ok ? ok(r.value.outcome) : r;
  }

  /** {@link write}, also returning the object written (or found already right). */
  writeObject(key: string, mutate: StatusMutation<T>): Promise<Result<Written<T>, unknown>> {
    return new Promise((resolve) => {
      const p = this.#pending.get(key);
      if (p === undefined) this.#pending.set(key, { mutate, waiters: [resolve] });
      else {
        p.mutate = mutate;
        p.waiters.push(resolve);
      }
      this.#pump();
    });
  }

  /** Resolves once nothing is queued or in flight. */
  flush(): Promise<void> {
    if (this.#pending.size === 0 && this.#inflight.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #pump(): void {
    for (const [key, p] of this.#pending) {
      if (this.#inflight.size >= (this.#o.concurrency ?? 4)) break;
      if (this.#inflight.has(key)) continue;
      this.#pending.delete(key);
      this.#inflight.add(key);
      void this.#run(key, p);
    }
    if (this.#pending.size === 0 && this.#inflight.size === 0) for (const done of this.#idle.splice(0)) done();
  }

  async #run(key: string, p: Pending<T>): Promise<void> {
    const flat = await this.#apply(key, p.mutate).catch((e: unknown) => err(e));
    if (flat.ok && flat.value.outcome === 'written') this.#o.metrics?.updates.inc();
    if (!flat.ok) {
      this.#o.metrics?.updateErrors.inc();
      this.#o.logger?.warn('status write failed', { reason: String(flat.error), object: key });
    }
    this.#inflight.delete(key);
    for (const w of p.waiters) w(flat);
    this.#pump();
  }

  async #apply(key: string, mutate: StatusMutation<T>): Promise<Result<Written<T>, unknown>> {
    const patched = await this.#patchCached(key, mutate);
    if (patched !== undefined) return patched;
    const attempts = this.#o.maxAttempts ?? 5;
    for (let i = 0; i < attempts; i++) {
      const fresh = await this.#o.port.get(key);
      if (fresh === undefined) return ok({ outcome: 'gone' });
      const next = mutate(fresh);
      if (next === 'gone') return ok({ outcome: 'gone' });
      if (next === undefined) return ok({ outcome: 'unchanged', object: fresh });
      const r = await this.#o.port.updateStatus(key, next);
      if (r.ok) return ok({ outcome: 'written', object: r.value });
      if (r.error === 'not-found') return ok({ outcome: 'gone' });
    }
    return err(new StatusConflictError(key, attempts));
  }

  /** The one-request path (module comment); undefined when the read-mutate-write path must run. */
  async #patchCached(key: string, mutate: StatusMutation<T>): Promise<Result<Written<T>, unknown> | undefined> {
    const patch = this.#o.port.patchStatus?.bind(this.#o.port);
    const base = patch === undefined ? undefined : this.#o.cached?.(key);
    if (patch === undefined || base === undefined) return undefined;
    const next = mutate(base);
    if (next === undefined || next === 'gone') return undefined;
    const r = await patch(key, base, next);
    if (r.ok) return ok({ outcome: 'written', object: r.value });
    return r.error === 'not-found' ? ok({ outcome: 'gone' }) : undefined;
  }
}

/** Splits a `namespace/name` key. */
export function splitKey(key: string): { namespace: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { namespace: '', name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

/** Maps 404 to undefined / 'not-found' and 409 to 'conflict' around raw API calls. */
export function apiStatusPort<T>(api: {
  read: (ref: { namespace: string; name: string }) => Promise<T>;
  replaceStatus: (ref: { namespace: string; name: string }, obj: T) => Promise<T>;
}): StatusPort<T> {
  return {
    get: (key) => orMissing(api.read(splitKey(key)), undefined),
    updateStatus: (key, obj) => apiResult(() => api.replaceStatus(splitKey(key), obj), ['conflict', 'not-found']),
  };
}

/** `/api/v1/namespaces/<ns>/services/<name>`. */
const servicePath = (ref: { namespace: string; name: string }): string =>
  `/api/v1/namespaces/${encodeURIComponent(ref.namespace)}/services/${encodeURIComponent(ref.name)}`;

/**
 * A {@link StatusPort} for Services (`namespace/name` keys) on the raw client. A read is the
 * whole object (it is mutated and sent back whole by the fallback path).
 */
export function serviceStatusPort(kube: KubeClient): StatusPort<V1Service> {
  const call = (method: 'PUT' | 'PATCH', path: string, body: unknown): Promise<V1Service> =>
    kube.request<V1Service>({ method, path, body, ...(method === 'PATCH' ? { contentType: MERGE_PATCH } : {}) });
  return {
    ...apiStatusPort<V1Service>({
      read: (ref) => kube.request<V1Service>({ method: 'GET', path: servicePath(ref) }),
      replaceStatus: (ref, body) => call('PUT', `${servicePath(ref)}/status`, body),
    }),
    patchStatus: async (key, base, next) => {
      const body = guardedMergePatch(base, next);
      if (body === undefined) return err('conflict');
      return apiResult(() => call('PATCH', `${servicePath(splitKey(key))}/status`, body), ['conflict', 'not-found']);
    },
  };
}
