/**
 * The Service pipeline (`namespace/name` keys, several workers). Ignored until the first valid
 * configuration; then an initial pass in `initialOrder` (Services holding addresses first, so
 * they keep them), then one key per Service event. `reprocessAll` re-adds every Service, and so
 * does a resync of the Service cache.
 */
import type { KubernetesObject, V1Service } from '@kubernetes/client-node';
import type { ReconcileOutcome } from '@metallb-ts/lib/k8s/work-queue.ts';
import { objectKey } from '@metallb-ts/lib/k8s/informer.ts';
import { initialOrder, keyOf } from '../service/parse-service.ts';
import { QueuedPipeline, type QueueSettings } from './pipeline.ts';

/** The Service cache as this pipeline uses it (the Service informer fits). */
export interface ServiceSource {
  list(): readonly V1Service[];
  on(event: 'add' | 'update' | 'delete', cb: (obj: KubernetesObject) => void): void;
  on(event: 'resync', cb: () => void): void;
}

/** Options of {@link ServicePipeline}. */
export interface ServicePipelineOptions {
  readonly settings: QueueSettings;
  readonly reconcile: (key: string) => Promise<ReconcileOutcome>;
  readonly services: ServiceSource;
  /** Services the allocator holds addresses for (some may be gone from the cache). */
  readonly allocated: () => readonly string[];
  /** Whether a configuration is loaded (before that, Service events are ignored). */
  readonly active: () => boolean;
  /** Concurrent reconciles (default 8). */
  readonly workers?: number;
}

/** See the module comment. */
export class ServicePipeline extends QueuedPipeline {
  /** Builds the queue and subscribes to Service events. */
  constructor(o: ServicePipelineOptions) {
    super(o.settings, 'service', {
      reconcile: (key) => (o.active() ? o.reconcile(key) : Promise.resolve('success')),
      listKeys: () => serviceKeys(o),
      workers: o.workers ?? 8,
    });
    const add = (svc: KubernetesObject): void => {
      if (o.active()) this.queue.add(objectKey(svc));
    };
    for (const ev of ['add', 'update', 'delete'] as const) o.services.on(ev, add);
    o.services.on('resync', () => {
      if (o.active()) this.queue.reprocessAll();
    });
  }

  /** Nothing to queue at start: the first configuration starts the initial pass. */
  start(): void {}

  /** Queues one Service (`namespace/name`), once a configuration is loaded. */
  add(key: string, active: boolean): void {
    if (active) this.queue.add(key);
  }

  /** Queues every Service (see the module comment). */
  reprocessAll(): void {
    this.queue.reprocessAll();
  }
}

/** Every Service key: cached ones in allocation order, then allocated ones no longer cached. */
function serviceKeys(o: ServicePipelineOptions): string[] {
  const cached = initialOrder(o.services.list()).map(keyOf);
  const known = new Set<string>(cached);
  return [...cached, ...o.allocated().filter((k) => !known.has(k))];
}
