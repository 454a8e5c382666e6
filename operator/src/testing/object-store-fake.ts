/**
 * Test kit: one kind of object in memory, as the NodePlan reconciler sees it: a cache (`get`)
 * and a writer whose replace checks the resourceVersion like the apiserver does. `stale` keeps
 * the cache at its old content after writes (a lagging informer); `ops` records every write.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { ObjectAccess, ObjectWriter } from '../controller/node-plan-reconciler.ts';

/** See the module comment. */
export class FakeObjectStore<T extends KubernetesObject> implements ObjectAccess<T> {
  /** The server's objects. */
  readonly server = new Map<string, T>();
  /** What the cache shows (equal to `server` unless `stale`). */
  readonly cache = new Map<string, T>();
  /** Writes that took effect, e.g. `create plan-a`. */
  readonly ops: string[] = [];
  /** When true, writes do not reach the cache. */
  stale = false;
  #rv = 0;

  /** Puts an object on the server and in the cache. */
  seed(obj: T): void {
    const stored = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(++this.#rv) } } as T;
    this.server.set(obj.metadata?.name ?? '', stored);
    this.cache.set(obj.metadata?.name ?? '', stored);
  }

  /** See {@link ObjectAccess.get}. */
  get(name: string): T | undefined {
    return this.cache.get(name);
  }

  /** See {@link ObjectAccess.writer}. */
  readonly writer: ObjectWriter<T> = {
    create: async (obj) => {
      const name = obj.metadata?.name ?? '';
      if (this.server.has(name)) return 'conflict';
      this.#store('create', obj);
      return 'done';
    },
    replace: async (obj) => {
      const name = obj.metadata?.name ?? '';
      if (this.server.get(name)?.metadata?.resourceVersion !== obj.metadata?.resourceVersion) return 'conflict';
      this.#store('replace', obj);
      return 'done';
    },
    delete: async (name) => {
      if (!this.server.delete(name)) return 'gone';
      if (!this.stale) this.cache.delete(name);
      this.ops.push(`delete ${name}`);
      return 'done';
    },
  };

  #store(op: string, obj: T): void {
    const name = obj.metadata?.name ?? '';
    const stored = structuredClone({ ...obj, metadata: { ...obj.metadata, resourceVersion: String(++this.#rv) } }) as T;
    this.server.set(name, stored);
    if (!this.stale) this.cache.set(name, stored);
    this.ops.push(`${op} ${name}`);
  }
}
