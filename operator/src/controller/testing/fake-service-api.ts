/**
 * Test kit: an in-memory stand-in for the Services of an apiserver plus a LAGGING informer cache,
 * for unit tests of the Service reconciler. The "server" assigns UIDs and integer
 * resourceVersions, refuses a status write with a stale resourceVersion or another UID (409, as
 * the real one does), keeps metadata and resets spec on a status write; the cache only moves
 * when the test calls `sync()`, so a test can run a reconcile against an object older than the
 * operator's own write. Not used by production code.
 */
import type { V1Service } from '@kubernetes/client-node';
import type { EventInput, EventSubject } from '@metallb-ts/lib/k8s/events.ts';
import type { StatusMutation, StatusPort, Written } from '@metallb-ts/lib/k8s/status-writer.ts';
import { err, ok, type Result } from '@metallb-ts/lib/result.ts';

/** See the module comment. */
export class FakeServiceApi implements StatusPort<V1Service> {
  readonly #server = new Map<string, V1Service>();
  readonly #cache = new Map<string, V1Service>();
  #rv = 100;
  #uids = 0;
  /** Status writes that changed the server object. */
  writes = 0;
  /** Fresh reads (`get`). */
  reads = 0;
  /** The next this-many status writes throw (a 500, a timeout). */
  failWrites = 0;

  /** Creates a Service on the server (not yet in the cache); returns it. */
  create(svc: V1Service): V1Service {
    const stored: V1Service = { ...svc, metadata: { ...svc.metadata, uid: `uid-${String(++this.#uids)}`, resourceVersion: String(++this.#rv) } };
    this.#server.set(keyOf(stored), stored);
    return stored;
  }

  /** Applies `change` to the server object as a user's write would (spec/metadata/status). */
  update(key: string, change: (svc: V1Service) => V1Service): void {
    const cur = this.#server.get(key);
    if (cur === undefined) throw new Error(`fake: no Service ${key}`);
    const next = change(cur);
    this.#server.set(key, { ...next, metadata: { ...next.metadata, resourceVersion: String(++this.#rv) } });
  }

  /** Deletes the Service on the server. */
  delete(key: string): void {
    this.#server.delete(key);
  }

  /** Brings the cache of `key` up to the server (deleted there → gone from the cache). */
  sync(key: string): void {
    const cur = this.#server.get(key);
    if (cur === undefined) this.#cache.delete(key);
    else this.#cache.set(key, structuredClone(cur));
  }

  /** The cached object. */
  cached(key: string): V1Service | undefined {
    return this.#cache.get(key);
  }

  /** The server object. */
  stored(key: string): V1Service | undefined {
    return this.#server.get(key);
  }

  /** {@link StatusPort.get}. */
  async get(key: string): Promise<V1Service | undefined> {
    this.reads++;
    const cur = this.#server.get(key);
    return cur && structuredClone(cur);
  }

  /** {@link StatusPort.updateStatus}: optimistic concurrency, UID precondition, spec reset. */
  async updateStatus(key: string, obj: V1Service): Promise<Result<V1Service, 'conflict' | 'not-found'>> {
    if (this.failWrites > 0) {
      this.failWrites--;
      throw new Error('fake: injected write failure');
    }
    const cur = this.#server.get(key);
    if (cur === undefined) return err('not-found');
    if (obj.metadata?.uid !== cur.metadata?.uid || obj.metadata?.resourceVersion !== cur.metadata?.resourceVersion) return err('conflict');
    const next: V1Service = { ...obj, ...(cur.spec === undefined ? {} : { spec: cur.spec }), metadata: { ...obj.metadata, resourceVersion: String(++this.#rv) } };
    this.#server.set(key, next);
    this.writes++;
    return ok(structuredClone(next));
  }
}

/**
 * A hand-written status port of the Service reconciler: applies each mutation to `fresh` (the
 * object "read"), records the result, and answers `failNext` errors first (as the StatusWriter
 * answers a write that kept failing).
 */
export class FakeStatusPort {
  /** What each write produced, in order (`'unchanged'`, `'gone'`, or the written object). */
  readonly writes: Array<{ key: string; result: V1Service | 'unchanged' | 'gone' }> = [];
  /** The next this-many writes fail. */
  failNext = 0;
  /** The object as the apiserver has it. */
  fresh: V1Service;
  #rv = 500;

  /** Starts from `fresh`. */
  constructor(fresh: V1Service) {
    this.fresh = fresh;
  }

  /** The reconciler's `writeObject`. */
  async writeObject(key: string, mutate: StatusMutation<V1Service>): Promise<Result<Written<V1Service>, unknown>> {
    if (this.failNext > 0) {
      this.failNext--;
      return err(new Error('fake: write failed'));
    }
    const next = mutate(structuredClone(this.fresh));
    this.writes.push({ key, result: next ?? 'unchanged' });
    if (next === undefined || next === 'gone') return ok({ outcome: next ?? 'unchanged', object: this.fresh });
    this.fresh = { ...next, metadata: { ...next.metadata, resourceVersion: String(++this.#rv) } };
    return ok({ outcome: 'written', object: this.fresh });
  }
}

/** Records events instead of sending them. */
export class FakeEvents {
  /** `reason uid note` per recorded event. */
  readonly recorded: string[] = [];

  /** The recorder's `record`. */
  async record(subject: EventSubject, input: EventInput): Promise<Result<'created', unknown>> {
    this.recorded.push(`${input.reason} ${subject.uid} ${input.note}`);
    return ok('created');
  }

  /** Recorded events of one reason. */
  of(reason: string): string[] {
    return this.recorded.filter((e) => e.startsWith(`${reason} `));
  }
}

const keyOf = (svc: V1Service): string => `${svc.metadata?.namespace ?? ''}/${svc.metadata?.name ?? ''}`;
