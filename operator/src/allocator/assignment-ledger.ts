/**
 * What the operator itself knows about the Services it holds addresses for, which the informer
 * cache may not show yet. The operator's own allocation is authoritative over a cache that has
 * not caught up with the operator's writes:
 *
 * - the OWNER of each allocation (the Service UID it was made for): a Service deleted and
 *   re-created under the same name is another Service and must not inherit the old addresses
 *   through the allocator (it may get them anew, as MetalLB's allocation would give them);
 * - the operator's last WRITE of a Service (ingress, pool annotation, and the resourceVersion
 *   the apiserver returned). A cached object older than that write is shown to the allocation
 *   decision as it is on the apiserver: the cached spec and metadata with the written ingress
 *   and pool annotation. So a reconcile that runs before the watch delivered the operator's own
 *   write (a retry, a reprocess-all after some other Service was deleted) sees its addresses
 *   and neither re-allocates nor records a second `IPAllocated`.
 *
 * Pure: no I/O, no clock. resourceVersions are compared as integers (Kubernetes guarantees
 * comparable resourceVersions since KEP-5504); an unparseable one counts as caught up.
 */
import type { V1Condition, V1Service } from '@kubernetes/client-node';
import type { StoredCondition } from '../conditions/conditions.ts';
import type { ServiceKey } from '@metallb-ts/lib/ids/ids.ts';
import { POOL_ANNOTATION } from '../service/annotations.ts';
import { keyOf } from '../service/parse-service.ts';

/** An allocation as written to a Service. */
export interface WrittenAllocation {
  /** `status.loadBalancer.ingress[].ip`, in order. */
  readonly ingress: readonly string[];
  /** `metallb.io/ip-allocated-from-pool`; null = absent. */
  readonly pool: string | null;
  /** `status.conditions` as written; undefined = left as they are. */
  readonly conditions?: readonly StoredCondition[];
}

/** Which Service: its key and UID (a parsed Service fits). */
export interface ServiceIdentity {
  readonly key: ServiceKey;
  readonly uid: string;
}

interface Entry {
  readonly uid: string;
  /** The last write not yet seen in the cache, with the resourceVersion it produced. */
  written?: WrittenAllocation & { readonly resourceVersion: string };
}

const uidOf = (svc: V1Service): string => svc.metadata?.uid ?? '';

/** True when resourceVersion `a` is older than `b`. */
export function olderThan(a: string | undefined, b: string): boolean {
  if (a === undefined || !/^\d+$/.test(a) || !/^\d+$/.test(b)) return false;
  return BigInt(a) < BigInt(b);
}

/** `svc` with `alloc` as its ingress and pool annotation (everything else as is). */
export function withAllocation(svc: V1Service, alloc: WrittenAllocation): V1Service {
  const annotations = { ...svc.metadata?.annotations };
  if (alloc.pool === null) delete annotations[POOL_ANNOTATION];
  else annotations[POOL_ANNOTATION] = alloc.pool;
  return {
    ...svc, metadata: { ...svc.metadata, annotations },
    status: {
      ...svc.status, loadBalancer: { ingress: alloc.ingress.map((ip) => ({ ip })) },
      ...(alloc.conditions === undefined ? {} : { conditions: alloc.conditions as unknown as V1Condition[] }),
    },
  };
}

/** See the module comment. */
export class AssignmentLedger {
  readonly #entries = new Map<ServiceKey, Entry>();

  /** UID of the Service the key's allocation belongs to; undefined when none is recorded. */
  ownerOf(key: ServiceKey): string | undefined {
    return this.#entries.get(key)?.uid;
  }

  /** Records that the key's allocation now belongs to `svc` (keeps a write of the same Service). */
  own(svc: ServiceIdentity): void {
    if (this.#entries.get(svc.key)?.uid !== svc.uid) this.#entries.set(svc.key, { uid: svc.uid });
  }

  /** Records a write of `svc`'s allocation that the apiserver answered with `resourceVersion`. */
  wrote(svc: ServiceIdentity, alloc: WrittenAllocation, resourceVersion: string): void {
    const conditions = alloc.conditions === undefined ? {} : { conditions: alloc.conditions };
    this.#entries.set(svc.key, { uid: svc.uid, written: { ingress: [...alloc.ingress], pool: alloc.pool, ...conditions, resourceVersion } });
  }

  /** Forgets the key (its Service is gone or holds nothing). */
  forget(key: ServiceKey): void {
    this.#entries.delete(key);
  }

  /**
   * The Service as the apiserver has it, as far as the operator knows: `cached` itself, or,
   * when `cached` is the same Service but older than the operator's last write, `cached` with
   * that write applied. A cached object at or past the write ends the overlay.
   */
  view(cached: V1Service): V1Service {
    const entry = this.#entries.get(keyOf(cached));
    const w = entry?.written;
    if (entry === undefined || w === undefined || entry.uid !== uidOf(cached)) return cached;
    if (olderThan(cached.metadata?.resourceVersion, w.resourceVersion)) return withAllocation(cached, w);
    delete entry.written;
    return cached;
  }
}
