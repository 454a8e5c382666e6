/**
 * The pool-status pipeline: one coalesced key. Runs the PoolStatusReconciler after any
 * allocator change (`kick()`) and when an IPAddressPool appears (its status may be empty).
 *
 * Runs start at most once per `minIntervalMs` (default 1 s): a kick right after a run waits for
 * the rest of the interval, and every kick meanwhile joins that one run. During a backlog of
 * thousands of allocations this writes each pool's status about once a second instead of back
 * to back (each write also comes back as an IPAddressPool watch event the config pipeline
 * re-reads); a lone change is still written at once. The `metallb_allocator_*` gauges (no API
 * call) are updated on every kick.
 */
import type { TimerHandle } from '@metallb-ts/lib/time/clock.ts';
import type { Watchable } from './cluster-cache.ts';
import { QueuedPipeline, type QueueSettings } from './pipeline.ts';
import type { PoolStatusReconciler } from './pool-status.ts';

const KEY = 'pools';

/** Options of {@link PoolStatusPipeline}. */
export interface PoolStatusPipelineOptions {
  readonly settings: QueueSettings;
  readonly reconciler: Pick<PoolStatusReconciler, 'reconcile' | 'updateMetrics'>;
  /** The IPAddressPool informer. */
  readonly pools: Watchable;
  /** Least time between the starts of two runs (default 1000 ms). */
  readonly minIntervalMs?: number;
}

/** See the module comment. */
export class PoolStatusPipeline extends QueuedPipeline {
  readonly #settings: QueueSettings;
  readonly #minIntervalMs: number;
  #lastQueuedAt = Number.NEGATIVE_INFINITY;
  #timer: { readonly handle: TimerHandle; readonly fired: Promise<void>; readonly fire: () => void } | undefined;
  #stopped = false;
  readonly #updateMetrics: () => void;

  /** Builds the queue and subscribes to pool additions. */
  constructor(o: PoolStatusPipelineOptions) {
    super(o.settings, 'pool-status', { reconcile: () => o.reconciler.reconcile(), listKeys: () => [KEY] });
    this.#settings = o.settings;
    this.#updateMetrics = () => void o.reconciler.updateMetrics();
    this.#minIntervalMs = o.minIntervalMs ?? 1000;
    o.pools.on('add', () => this.kick());
  }

  /** Nothing to queue at start: the first configuration kicks it. */
  start(): void {}

  /** Queues a run (coalesced, spaced; see the module comment). */
  kick(): void {
    if (this.#stopped) return;
    this.#updateMetrics();
    if (this.#timer !== undefined) return;
    const clock = this.#settings.clock;
    const wait = this.#lastQueuedAt + this.#minIntervalMs - clock.now();
    if (wait <= 0) {
      this.#queueRun();
      return;
    }
    let fire = (): void => undefined;
    const fired = new Promise<void>((resolve) => {
      fire = resolve;
    });
    const handle = clock.setTimeout(() => {
      this.#timer = undefined;
      this.#queueRun();
      fire();
    }, wait);
    this.#timer = { handle, fired, fire };
  }

  /** Resolves when no run is waiting for its interval, queued or running. */
  override async idle(): Promise<void> {
    while (this.#timer !== undefined) await this.#timer.fired;
    await super.idle();
  }

  /** Drops a waiting run and stops the queue. */
  override shutdown(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) {
      this.#settings.clock.clearTimeout(this.#timer.handle);
      this.#timer.fire();
      this.#timer = undefined;
    }
    return super.shutdown();
  }

  #queueRun(): void {
    this.#lastQueuedAt = this.#settings.clock.now();
    this.queue.add(KEY);
  }
}
