/**
 * The pool-status pipeline: one coalesced key. Runs the PoolStatusReconciler after any
 * allocator change (`kick()`) and when an IPAddressPool appears (its status may be empty).
 */
import type { Watchable } from './cluster-cache.ts';
import { QueuedPipeline, type QueueSettings } from './pipeline.ts';
import type { PoolStatusReconciler } from './pool-status.ts';

const KEY = 'pools';

/** Options of {@link PoolStatusPipeline}. */
export interface PoolStatusPipelineOptions {
  readonly settings: QueueSettings;
  readonly reconciler: Pick<PoolStatusReconciler, 'reconcile'>;
  /** The IPAddressPool informer. */
  readonly pools: Watchable;
}

/** See the module comment. */
export class PoolStatusPipeline extends QueuedPipeline {
  /** Builds the queue and subscribes to pool additions. */
  constructor(o: PoolStatusPipelineOptions) {
    super(o.settings, 'pool-status', { reconcile: () => o.reconciler.reconcile(), listKeys: () => [KEY] });
    o.pools.on('add', () => this.kick());
  }

  /** Nothing to queue at start: the first configuration kicks it. */
  start(): void {}

  /** Queues a run (coalesced). */
  kick(): void {
    this.queue.add(KEY);
  }
}
