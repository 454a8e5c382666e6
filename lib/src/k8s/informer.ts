/**
 * A supervised informer: a cache of one collection kept current by list + watch, which restarts
 * itself after failures and then tells consumers to reconcile everything.
 *
 * What @kubernetes/client-node 2.0.1's `ListWatch` (cache.js) handles itself:
 * - a watch that ends normally is re-opened from the last resourceVersion, with a reconnect delay
 *   of 1 s doubling to 30 s (reset by any received event);
 * - `410 Gone` (as HTTP status or as a watch ERROR event) clears the resourceVersion and relists,
 *   emitting `delete` for objects that vanished;
 * - a silent watch: `Watch` aborts after 30 s without data (`TimeoutError`) and the informer
 *   re-watches at once from the last resourceVersion.
 *
 * What it does not, and this supervisor adds:
 * - any other error (the initial list failing, the watch request refused or answered non-200,
 *   the stream erroring, e.g. while the apiserver restarts) emits `error` and the ListWatch STOPS
 *   for good; `start()` even resolves normally in that case;
 * - restarting it would re-watch from the stale resourceVersion, so instead a fresh ListWatch is
 *   built (full relist) after a jittered backoff (200 ms doubling to 10 s), the supervisor's own
 *   cache is diffed against the new list (`add`/`update`/`delete` for what changed while down)
 *   and `resync` is emitted so consumers reconcile every object.
 *
 * Memory (measured on the IPAM bench, see test/bench/ipam-backlog.ts): what the cache holds is
 * what the process holds. So, at the edge, before anything is cached or emitted:
 * - every object goes through the source's `project` (keep only the fields the consumer reads;
 *   `metadata.managedFields` never survives, see {@link dropManagedFields});
 * - lists are paginated (`limit` + `continue`, {@link LIST_PAGE_SIZE} per page), so a list
 *   response is parsed and projected one page at a time instead of as one whole document.
 */
import { ListWatch, Watch, type KubeConfig, type KubernetesListObject, type KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from '../log.ts';
import { systemRng, type Rng } from '../random/rng.ts';
import { backoffMs } from '../time/backoff.ts';
import { systemClock, type Clock, type TimerHandle } from '../time/clock.ts';

/** Selectors passed both to the list call and to the watch. */
export interface ListQuery {
  /** e.g. `app=metallb` */
  readonly labelSelector?: string;
  /** e.g. `metadata.name=node-1` */
  readonly fieldSelector?: string;
}

/** One page of a list call: {@link ListQuery} plus `limit` and the previous page's `continue` token. */
export interface ListPageQuery extends ListQuery {
  readonly limit?: number;
  readonly _continue?: string;
}

/** Objects per list page. */
export const LIST_PAGE_SIZE = 500;

/** What to watch: the collection URL and the matching list call. */
export interface InformerSource<T extends KubernetesObject> extends ListQuery {
  /** Collection URL, e.g. `/api/v1/services` or `/apis/metallb.io/v1beta1/namespaces/ns/ipaddresspools`. */
  readonly path: string;
  /** Lists the same collection; receives the selectors (and the page) so list and watch agree. */
  readonly list: (query: ListPageQuery) => Promise<KubernetesListObject<T>>;
  /**
   * What of each object is kept (default {@link dropManagedFields}). Runs on every listed and
   * watched object before it is cached or emitted; must keep `metadata.name`, `namespace` and
   * `resourceVersion`, and must not return the input's big parts by reference if it means to drop them.
   */
  readonly project?: (obj: T) => T;
  /** Objects per list page (default {@link LIST_PAGE_SIZE}). */
  readonly pageSize?: number;
}

/** The default projection: the object without `metadata.managedFields` (never read by a controller). */
export function dropManagedFields<T extends KubernetesObject>(obj: T): T {
  if (obj.metadata?.managedFields === undefined) return obj;
  const { managedFields: _dropped, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

/**
 * Lists every page of a collection, projecting each page's items before fetching the next one;
 * the result carries the list's resourceVersion (the snapshot every page was served from).
 */
export async function listAllPages<T extends KubernetesObject>(
  list: (q: ListPageQuery) => Promise<KubernetesListObject<T>>, query: ListQuery, project: (obj: T) => T, pageSize = LIST_PAGE_SIZE,
): Promise<KubernetesListObject<T>> {
  const items: T[] = [];
  let cont: string | undefined;
  let resourceVersion: string | undefined;
  for (let page = 0; ; page++) {
    const res = await list({ ...query, limit: pageSize, ...(cont === undefined ? {} : { _continue: cont }) });
    for (const item of res.items) items.push(project(item));
    resourceVersion = res.metadata?.resourceVersion ?? resourceVersion;
    cont = res.metadata?._continue;
    if (cont === undefined || cont === '') break;
    // A continue token that never ends would be an apiserver bug; a bound keeps the loop finite.
    if (page > 1_000_000) throw new Error('list: too many pages');
  }
  return { items, metadata: resourceVersion === undefined ? {} : { resourceVersion } };
}

/** Callbacks an inner informer run reports to. */
export interface InnerHandlers<T> {
  readonly add: (obj: T) => void;
  readonly update: (obj: T) => void;
  readonly delete: (obj: T) => void;
  readonly error: (err: unknown) => void;
}

/** One run of an underlying list+watch (client-node's ListWatch in production, a fake in tests). */
export interface InnerInformer<T> {
  /** Lists, fills the cache and opens the watch. */
  start(): Promise<void>;
  /** Aborts the watch. */
  stop(): Promise<void>;
  /** The run's cached objects. */
  list(): readonly T[];
}

/** Builds a fresh inner informer wired to `handlers`; called once per (re)start. */
export type InnerFactory<T> = (handlers: InnerHandlers<T>) => InnerInformer<T>;

/** The cache key client-go uses: `namespace/name`, or `name` for cluster-scoped objects. */
export function objectKey(obj: KubernetesObject): string {
  const ns = obj.metadata?.namespace;
  const name = obj.metadata?.name ?? '';
  return ns === undefined || ns === '' ? name : `${ns}/${name}`;
}

/** client-node's Watch, with every ADDED/MODIFIED/DELETED object projected before the callback sees it. */
class ProjectingWatch<T extends KubernetesObject> extends Watch {
  readonly #project: (obj: T) => T;
  constructor(kc: KubeConfig, project: (obj: T) => T) {
    super(kc);
    this.#project = project;
  }
  override watch(path: string, queryParams: Record<string, string | number | boolean | undefined>, callback: (phase: string, apiObj: unknown, watchObj?: unknown) => void, done: (err: unknown) => void): Promise<AbortController> {
    return super.watch(path, queryParams, (phase, obj) => {
      const object = phase === 'ADDED' || phase === 'MODIFIED' || phase === 'DELETED' ? this.#project(obj as T) : obj;
      // The raw event (third argument) is not passed on: nothing downstream reads it.
      callback(phase, object);
    }, done);
  }
}

/** An {@link InnerFactory} over client-node 2.0.1's `ListWatch` (no autostart), projecting and paginating. */
export function listWatchFactory<T extends KubernetesObject>(kc: KubeConfig, src: InformerSource<T>): InnerFactory<T> {
  const query: ListQuery = {
    ...(src.labelSelector === undefined ? {} : { labelSelector: src.labelSelector }),
    ...(src.fieldSelector === undefined ? {} : { fieldSelector: src.fieldSelector }),
  };
  const project = src.project ?? dropManagedFields;
  return (h) => {
    const list = (): Promise<KubernetesListObject<T>> => listAllPages(src.list, query, project, src.pageSize);
    const lw = new ListWatch<T>(src.path, new ProjectingWatch(kc, project), list, false, src.labelSelector, src.fieldSelector);
    lw.on('add', h.add);
    lw.on('update', h.update);
    lw.on('delete', h.delete);
    lw.on('error', h.error);
    return { start: () => lw.start(), stop: () => lw.stop(), list: () => lw.list() };
  };
}

/** Options of {@link SupervisedInformer}. */
export interface SupervisedInformerOptions<T> {
  /** Builds each run; see {@link listWatchFactory}. */
  readonly factory: InnerFactory<T>;
  /** Timers for the restart backoff (default: the system clock). */
  readonly clock?: Clock;
  /** Jitter source (default systemRng). */
  readonly rng?: Rng;
  /** First restart delay (default 200 ms). */
  readonly baseDelayMs?: number;
  /** Restart delay cap (default 10 s). */
  readonly maxDelayMs?: number;
  /** Where restarts are logged (warn, with the reason). */
  readonly logger?: Logger;
}

/** Thrown by a pending `start()` when `stop()` is called before the first sync. */
export class InformerStoppedError extends Error {
  /** Stable code. */
  readonly code = 'informer-stopped';
  /** The informer was stopped before it synced. */
  constructor() {
    super('informer stopped before its first sync');
    this.name = 'InformerStoppedError';
  }
}

type ObjectListener<T> = (obj: T) => void;
type ErrorListener = (err: unknown, retryInMs: number) => void;

/** See the module comment. Events: add, update, delete (object), resync, error (err, retry delay). */
export class SupervisedInformer<T extends KubernetesObject> {
  readonly #opts: SupervisedInformerOptions<T>;
  readonly #clock: Clock;
  readonly #cache = new Map<string, T>();
  readonly #objectListeners = { add: [] as ObjectListener<T>[], update: [] as ObjectListener<T>[], delete: [] as ObjectListener<T>[] };
  readonly #resyncListeners: Array<() => void> = [];
  readonly #errorListeners: ErrorListener[] = [];
  #generation = 0;
  #inner: InnerInformer<T> | undefined;
  #starting = false;
  #startError: unknown = undefined;
  #failures = 0;
  #synced = false;
  #stopped = true;
  #timer: TimerHandle | undefined;
  #waiters: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];

  /** Creates a stopped informer. */
  constructor(opts: SupervisedInformerOptions<T>) {
    this.#opts = opts;
    this.#clock = opts.clock ?? systemClock;
  }

  /** Subscribes to object events. */
  on(event: 'add' | 'update' | 'delete', cb: ObjectListener<T>): void;
  /** Subscribes to resyncs: after a restart, everything should be reconciled. */
  on(event: 'resync', cb: () => void): void;
  /** Subscribes to failures that triggered a restart. */
  on(event: 'error', cb: ErrorListener): void;
  on(event: 'add' | 'update' | 'delete' | 'resync' | 'error', cb: ObjectListener<T> | (() => void) | ErrorListener): void {
    if (event === 'resync') this.#resyncListeners.push(cb as () => void);
    else if (event === 'error') this.#errorListeners.push(cb as ErrorListener);
    else this.#objectListeners[event].push(cb as ObjectListener<T>);
  }

  /** Starts (or restarts after `stop()`); resolves at the first sync, retrying failures meanwhile. */
  start(): Promise<void> {
    const synced = this.#synced ? Promise.resolve() : new Promise<void>((resolve, reject) => this.#waiters.push({ resolve, reject }));
    if (this.#stopped) {
      this.#stopped = false;
      void this.#attempt(++this.#generation);
    }
    return synced;
  }

  /** Stops watching; the cache keeps its last content. A pending `start()` rejects. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#generation++;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const w of this.#waiters.splice(0)) w.reject(new InformerStoppedError());
    await this.#inner?.stop();
    this.#inner = undefined;
  }

  /** True once the first list completed and the watch opened (stays true across restarts). */
  hasSynced(): boolean {
    return this.#synced;
  }

  /** Cached objects, optionally of one namespace, sorted by key. */
  list(namespace?: string): T[] {
    const all = [...this.#cache.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, o]) => o);
    return namespace === undefined ? all : all.filter((o) => o.metadata?.namespace === namespace);
  }

  /** One cached object. */
  get(name: string, namespace?: string): T | undefined {
    return this.#cache.get(namespace === undefined || namespace === '' ? name : `${namespace}/${name}`);
  }

  async #attempt(gen: number): Promise<void> {
    this.#startError = undefined;
    this.#starting = true;
    const inner = this.#opts.factory(this.#handlers(gen));
    this.#inner = inner;
    try {
      await inner.start();
    } catch (e) {
      this.#startError ??= e;
    }
    this.#starting = false;
    if (gen !== this.#generation) return;
    if (this.#startError !== undefined) this.#restart(this.#startError);
    else this.#onSynced(inner);
  }

  #onSynced(inner: InnerInformer<T>): void {
    const live = new Set(inner.list().map(objectKey));
    for (const [key, obj] of [...this.#cache]) {
      if (!live.has(key)) this.#remove(obj);
    }
    const wasSynced = this.#synced;
    this.#synced = true;
    this.#failures = 0;
    for (const w of this.#waiters.splice(0)) w.resolve();
    if (wasSynced) for (const cb of this.#resyncListeners) cb();
  }

  #handlers(gen: number): InnerHandlers<T> {
    const live = (fn: (obj: T) => void) => (obj: T): void => {
      if (gen === this.#generation) fn(obj);
    };
    return {
      add: live((o) => this.#upsert(o)),
      update: live((o) => this.#upsert(o)),
      delete: live((o) => this.#remove(o)),
      // While the run starts, an error only marks it failed (start() still resolves in 2.0.1);
      // afterwards it means the ListWatch has stopped for good.
      error: (err) => {
        if (gen !== this.#generation) return;
        if (this.#starting) this.#startError ??= err;
        else this.#restart(err);
      },
    };
  }

  #upsert(obj: T): void {
    const key = objectKey(obj);
    const old = this.#cache.get(key);
    this.#cache.set(key, obj);
    if (old === undefined) this.#emit('add', obj);
    else if (old.metadata?.resourceVersion === undefined || old.metadata.resourceVersion !== obj.metadata?.resourceVersion) this.#emit('update', obj);
  }

  #remove(obj: T): void {
    if (this.#cache.delete(objectKey(obj))) this.#emit('delete', obj);
  }

  #emit(event: 'add' | 'update' | 'delete', obj: T): void {
    for (const cb of this.#objectListeners[event]) cb(obj);
  }

  #restart(err: unknown): void {
    const gen = ++this.#generation;
    const old = this.#inner;
    this.#inner = undefined;
    void old?.stop();
    const delay = backoffMs(this.#failures++, {
      baseMs: this.#opts.baseDelayMs ?? 200, maxMs: this.#opts.maxDelayMs ?? 10_000, rng: this.#opts.rng ?? systemRng,
    });
    this.#opts.logger?.warn('informer failed; restarting with a full relist', { reason: errorText(err), retryInMs: delay });
    for (const cb of this.#errorListeners) cb(err, delay);
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      void this.#attempt(gen);
    }, delay);
  }
}

/** A short, loggable description of an unknown error. */
function errorText(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}

/** A {@link SupervisedInformer} over client-node's ListWatch for `src`. */
export function informerFor<T extends KubernetesObject>(
  kc: KubeConfig, src: InformerSource<T>, opts: Omit<SupervisedInformerOptions<T>, 'factory'> = {},
): SupervisedInformer<T> {
  return new SupervisedInformer({ ...opts, factory: listWatchFactory(kc, src) });
}
