/**
 * A supervised informer: a cache of one collection kept current by list + watch, which restarts
 * itself after failures and then tells consumers to reconcile everything.
 *
 * One run ({@link RawListWatch}, on the raw client of kube-client.ts):
 * - lists the collection in pages (`limit` + `continue`, {@link LIST_PAGE_SIZE} per page), so a
 *   list response is parsed and projected one page at a time, never as one whole document;
 * - then watches from the list's resourceVersion (with bookmarks, and a server-side timeout of
 *   5–10 min as client-go picks it); a watch that ends normally is re-opened from the last
 *   resourceVersion seen (at once when it delivered events, else after 1 s doubling to 30 s);
 * - `410 Gone` (as HTTP status or as a watch ERROR event) relists in place, emitting `delete`
 *   for objects that vanished;
 * - any other failure (the list failing, the watch refused or answered non-200, the stream
 *   erroring or silent for the timeout plus a minute, e.g. while the apiserver restarts) is
 *   reported as `error` and the run stops.
 *
 * The supervisor then builds a fresh run (full relist) after a jittered backoff (200 ms doubling
 * to 10 s), diffs its own cache against the new list (`add`/`update`/`delete` for what changed
 * while down) and emits `resync` so consumers reconcile every object.
 *
 * Memory (measured on the IPAM bench, see docs/operator-memory.md): what the cache holds is what
 * the process holds. So, at the edge, before anything is cached or emitted, every listed and
 * watched object (plain parsed JSON) goes through the source's `project`: keep only the fields
 * the consumer reads; `metadata.managedFields` never survives ({@link dropManagedFields}).
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from '../log.ts';
import { systemRng, type Rng } from '../random/rng.ts';
import { backoffMs } from '../time/backoff.ts';
import { systemClock, type Clock, type TimerHandle } from '../time/clock.ts';
import { apiStatusOf } from './api-errors.ts';
import type { KubeClient, WatchEvent } from './kube-client.ts';

/** Selectors passed both to the list call and to the watch. */
export type ListQuery = {
  /** e.g. `app=metallb` */
  readonly labelSelector?: string;
  /** e.g. `metadata.name=node-1` */
  readonly fieldSelector?: string;
};

/** One page of a list call: {@link ListQuery} plus `limit` and the previous page's `continue` token. */
export type ListPageQuery = ListQuery & {
  readonly limit?: number;
  readonly continue?: string;
};

/** One page as the apiserver answers it (plain JSON). */
export interface ListPage {
  readonly items?: readonly unknown[];
  readonly metadata?: { readonly resourceVersion?: string; readonly continue?: string };
}

/** Every page of a list: the projected items and the list's resourceVersion. */
export interface ListedItems<T> {
  readonly items: T[];
  readonly resourceVersion: string | undefined;
}

/** Objects per list page. */
export const LIST_PAGE_SIZE = 500;

/** What to watch: the collection URL, its selectors and the projection. */
export interface InformerSource<T extends KubernetesObject> extends ListQuery {
  /** Collection URL, e.g. `/api/v1/services` or `/apis/metallb.io/v1beta1/namespaces/ns/ipaddresspools`. */
  readonly path: string;
  /**
   * What of each object is kept (default {@link dropManagedFields}). Runs on every listed and
   * watched object (plain parsed JSON) before it is cached or emitted; must keep
   * `metadata.name`, `namespace` and `resourceVersion`.
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
  list: (q: ListPageQuery) => Promise<ListPage>, query: ListQuery, project: (obj: T) => T, pageSize = LIST_PAGE_SIZE,
): Promise<ListedItems<T>> {
  const items: T[] = [];
  let cont: string | undefined;
  let resourceVersion: string | undefined;
  for (let page = 0; ; page++) {
    const res = await list({ ...query, limit: pageSize, ...(cont === undefined ? {} : { continue: cont }) });
    for (const item of res.items ?? []) items.push(project(item as T));
    resourceVersion = res.metadata?.resourceVersion ?? resourceVersion;
    cont = res.metadata?.continue;
    if (cont === undefined || cont === '') break;
    // A continue token that never ends would be an apiserver bug; a bound keeps the loop finite.
    if (page > 1_000_000) throw new Error('list: too many pages');
  }
  return { items, resourceVersion };
}

/** Callbacks an inner informer run reports to. */
export interface InnerHandlers<T> {
  readonly add: (obj: T) => void;
  readonly update: (obj: T) => void;
  readonly delete: (obj: T) => void;
  readonly error: (err: unknown) => void;
}

/** One run of an underlying list+watch ({@link RawListWatch} in production, a fake in tests). */
export interface InnerInformer<T> {
  /** Lists and fills the cache; the watch then runs until `stop()` or a failure. */
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

/** The watch said the resourceVersion is too old (410 Gone): relist. */
export class WatchGoneError extends Error {
  /** Stable code. */
  readonly code = 'watch-gone';
  /** `message` is the Status message. */
  constructor(message: string) {
    super(message);
    this.name = 'WatchGoneError';
  }
}

/** A watch ERROR event that is not 410. */
export class WatchErrorEvent extends Error {
  /** Stable code. */
  readonly code = 'watch-error-event';
  /** The Status code in the event. */
  readonly status: number | undefined;
  /** `status` is the Status code in the event. */
  constructor(status: number | undefined, message: string) {
    super(`watch ERROR event ${String(status)}: ${message}`);
    this.name = 'WatchErrorEvent';
    this.status = status;
  }
}

/** Options of {@link RawListWatch}. */
export interface RawListWatchOptions<T extends KubernetesObject> {
  readonly client: KubeClient;
  readonly source: InformerSource<T>;
  readonly handlers: InnerHandlers<T>;
  readonly clock: Clock;
  readonly rng: Rng;
}

/** Server-side watch timeout: 5 to 10 minutes, as client-go spreads them. */
const watchTimeoutS = (rng: Rng): number => Math.floor(300 * (1 + rng()));

/** One list + watch run on the raw client; see the module comment. */
export class RawListWatch<T extends KubernetesObject> implements InnerInformer<T> {
  readonly #o: RawListWatchOptions<T>;
  readonly #query: ListQuery;
  readonly #project: (obj: T) => T;
  readonly #cache = new Map<string, T>();
  #resourceVersion: string | undefined;
  #abort: AbortController | undefined;
  #timer: TimerHandle | undefined;
  #wake: (() => void) | undefined;
  #stopped = false;

  /** A run that starts with `start()`. */
  constructor(o: RawListWatchOptions<T>) {
    this.#o = o;
    const s = o.source;
    this.#query = { ...(s.labelSelector === undefined ? {} : { labelSelector: s.labelSelector }), ...(s.fieldSelector === undefined ? {} : { fieldSelector: s.fieldSelector }) };
    this.#project = s.project ?? dropManagedFields;
  }

  /** {@link InnerInformer.start}: the first list; the watch loop then runs on its own. */
  async start(): Promise<void> {
    await this.#list();
    void this.#watchLoop();
  }

  /** {@link InnerInformer.stop}. */
  stop(): Promise<void> {
    this.#stopped = true;
    this.#abort?.abort(new Error('informer stopped'));
    if (this.#timer !== undefined) this.#o.clock.clearTimeout(this.#timer);
    this.#wake?.();
    return Promise.resolve();
  }

  /** {@link InnerInformer.list}. */
  list(): readonly T[] {
    return [...this.#cache.values()];
  }

  /** Lists every page; objects that vanished since the last list are deleted. */
  async #list(): Promise<void> {
    const { client, source } = this.#o;
    const page = (q: ListPageQuery): Promise<ListPage> => client.request<ListPage>({ method: 'GET', path: source.path, query: q });
    const listed = await listAllPages(page, this.#query, this.#project, source.pageSize);
    if (this.#stopped) return;
    const live = new Set<string>();
    for (const obj of listed.items) {
      const key = objectKey(obj);
      live.add(key);
      this.#cache.set(key, obj);
      this.#o.handlers.add(obj);
    }
    for (const [key, obj] of [...this.#cache]) {
      if (live.has(key)) continue;
      this.#cache.delete(key);
      this.#o.handlers.delete(obj);
    }
    this.#resourceVersion = listed.resourceVersion;
  }

  async #watchLoop(): Promise<void> {
    for (let quiet = 0; !this.#stopped;) {
      let events = 0;
      try {
        await this.#watchOnce(() => events++);
      } catch (e) {
        if (this.#stopped) return;
        if (!(e instanceof WatchGoneError) && apiStatusOf(e) !== 410) return this.#fail(e);
        try {
          await this.#list();
        } catch (listError) {
          return this.#fail(listError);
        }
        continue;
      }
      // A watch that ended without delivering anything: back off (1 s doubling to 30 s).
      quiet = events > 0 ? 0 : quiet + 1;
      if (quiet > 0) await this.#pause(Math.min(30_000, 1000 * 2 ** (quiet - 1)));
    }
  }

  #watchOnce(counted: () => void): Promise<void> {
    const timeoutS = watchTimeoutS(this.#o.rng);
    this.#abort = new AbortController();
    return this.#o.client.watch({
      path: this.#o.source.path,
      query: { ...this.#query, allowWatchBookmarks: true, timeoutSeconds: timeoutS, ...(this.#resourceVersion === undefined ? {} : { resourceVersion: this.#resourceVersion }) },
      signal: this.#abort.signal,
      idleTimeoutMs: (timeoutS + 60) * 1000,
      onEvent: (e) => {
        counted();
        this.#onEvent(e);
      },
    });
  }

  #onEvent(e: WatchEvent): void {
    if (this.#stopped) return;
    if (e.type === 'ERROR') throw watchError(e.object);
    const raw = e.object as T;
    const rv = raw.metadata?.resourceVersion;
    if (e.type === 'BOOKMARK') {
      if (rv !== undefined) this.#resourceVersion = rv;
      return;
    }
    const obj = this.#project(raw);
    const key = objectKey(obj);
    if (e.type === 'DELETED') {
      this.#cache.delete(key);
      this.#o.handlers.delete(obj);
    } else if (e.type === 'ADDED' || e.type === 'MODIFIED') {
      this.#cache.set(key, obj);
      if (e.type === 'ADDED') this.#o.handlers.add(obj);
      else this.#o.handlers.update(obj);
    }
    if (rv !== undefined) this.#resourceVersion = rv;
  }

  #pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.#wake = resolve;
      this.#timer = this.#o.clock.setTimeout(() => {
        this.#timer = undefined;
        resolve();
      }, ms);
    });
  }

  #fail(e: unknown): void {
    this.#stopped = true;
    this.#o.handlers.error(e);
  }
}

/** The error an ERROR watch event stands for. */
function watchError(status: unknown): Error {
  const s = (typeof status === 'object' && status !== null ? status : {}) as { code?: unknown; message?: unknown };
  const code = typeof s.code === 'number' ? s.code : undefined;
  const message = typeof s.message === 'string' ? s.message : 'no message';
  return code === 410 ? new WatchGoneError(message) : new WatchErrorEvent(code, message);
}

/** An {@link InnerFactory} of {@link RawListWatch} runs for `src`. */
export function listWatchFactory<T extends KubernetesObject>(client: KubeClient, src: InformerSource<T>, clock: Clock = systemClock, rng: Rng = systemRng): InnerFactory<T> {
  return (handlers) => new RawListWatch({ client, source: src, handlers, clock, rng });
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
      // While the run starts, an error only marks it failed; afterwards it means the run has
      // stopped for good.
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

/** A {@link SupervisedInformer} of `src` over the raw client. */
export function informerFor<T extends KubernetesObject>(
  client: KubeClient, src: InformerSource<T>, opts: Omit<SupervisedInformerOptions<T>, 'factory'> = {},
): SupervisedInformer<T> {
  return new SupervisedInformer({ ...opts, factory: listWatchFactory(client, src, opts.clock ?? systemClock, opts.rng ?? systemRng) });
}
