/**
 * A coalescing work queue of string keys, like client-go's workqueue with a rate limiter:
 *
 * - adding a key that is already queued is a no-op (the reconciler reads fresh state anyway);
 * - adding a key that is being processed marks it dirty: it runs once more after the current run,
 *   never concurrently with itself;
 * - `workers` keys are processed concurrently;
 * - a `'retry'` outcome (or a thrown error) re-adds the key after a per-key exponential backoff,
 *   reset by any other outcome; an explicit `add()` during the wait runs it at once;
 * - a `'reprocessAll'` outcome re-adds every key `listKeys()` returns.
 */
import type { Clock, TimerHandle } from '../time/clock.ts';

/** What a reconcile run asks the queue to do next. */
export type ReconcileOutcome = 'success' | 'retry' | 'reprocessAll' | 'noRetry';

/** Options of {@link WorkQueue}. */
export interface WorkQueueOptions {
  /** Processes one key; a throw counts as `'retry'` and is reported to `onError`. */
  readonly reconcile: (key: string) => Promise<ReconcileOutcome>;
  /** Every key the consumer knows of, for `reprocessAll()`. */
  readonly listKeys: () => Iterable<string>;
  /** Timers for retry backoff. */
  readonly clock: Clock;
  /** Concurrent reconciles (default 1). */
  readonly workers?: number;
  /** First retry delay (default 100 ms); doubles per consecutive failure. */
  readonly baseDelayMs?: number;
  /** Retry delay cap (default 60 s). */
  readonly maxDelayMs?: number;
  /** Told about reconcile functions that threw (log and count it there). */
  readonly onError?: (key: string, error: unknown) => void;
}

/** The queue; see the module comment for its semantics. */
export class WorkQueue {
  readonly #opts: WorkQueueOptions;
  readonly #queued = new Set<string>();
  readonly #processing = new Set<string>();
  readonly #dirty = new Set<string>();
  readonly #failures = new Map<string, number>();
  readonly #timers = new Map<string, TimerHandle>();
  #idleWaiters: Array<() => void> = [];
  #stopped = false;

  /** Creates a queue; it processes as soon as keys are added. */
  constructor(opts: WorkQueueOptions) {
    this.#opts = opts;
  }

  /** Enqueues `key` (coalescing; see the module comment). Ignored after `shutdown()`. */
  add(key: string): void {
    if (this.#stopped) return;
    this.#cancelTimer(key);
    this.#enqueue(key);
  }

  /** Enqueues every key from `listKeys()`. */
  reprocessAll(): void {
    for (const key of this.#opts.listKeys()) this.add(key);
  }

  /** Keys waiting to run (not counting in-flight ones or pending retries). */
  len(): number {
    return this.#queued.size;
  }

  /** Consecutive failures recorded for `key`. */
  failures(key: string): number {
    return this.#failures.get(key) ?? 0;
  }

  /** Resolves when nothing is queued or running (pending retry timers do not count). */
  idle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Stops taking work, cancels retries and waits for in-flight reconciles to finish. */
  async shutdown(): Promise<void> {
    this.#stopped = true;
    this.#queued.clear();
    this.#dirty.clear();
    for (const key of [...this.#timers.keys()]) this.#cancelTimer(key);
    await this.idle();
  }

  #isIdle(): boolean {
    return this.#queued.size === 0 && this.#processing.size === 0;
  }

  #pump(): void {
    const workers = this.#opts.workers ?? 1;
    while (this.#processing.size < workers && this.#queued.size > 0) {
      const key = this.#queued.values().next().value as string;
      this.#queued.delete(key);
      this.#processing.add(key);
      void this.#run(key);
    }
    if (this.#isIdle()) this.#notifyIdle();
  }

  async #run(key: string): Promise<void> {
    const outcome = await this.#reconcileSafely(key);
    this.#processing.delete(key);
    this.#apply(key, outcome);
    if (this.#dirty.delete(key) && !this.#stopped) this.#queued.add(key);
    this.#pump();
  }

  async #reconcileSafely(key: string): Promise<ReconcileOutcome> {
    try {
      return await this.#opts.reconcile(key);
    } catch (error) {
      this.#opts.onError?.(key, error);
      return 'retry';
    }
  }

  #apply(key: string, outcome: ReconcileOutcome): void {
    if (outcome !== 'retry') {
      this.#failures.delete(key);
      if (outcome === 'reprocessAll') this.reprocessAll();
      return;
    }
    const n = this.failures(key) + 1;
    this.#failures.set(key, n);
    // A newer add() already re-queues the key; the backoff then applies to its next failure.
    if (this.#dirty.has(key) || this.#stopped) return;
    const delay = Math.min(this.#opts.maxDelayMs ?? 60_000, (this.#opts.baseDelayMs ?? 100) * 2 ** (n - 1));
    this.#timers.set(key, this.#opts.clock.setTimeout(() => this.#retryDue(key), delay));
  }

  #retryDue(key: string): void {
    this.#timers.delete(key);
    if (!this.#stopped) this.#enqueue(key);
  }

  #enqueue(key: string): void {
    if (this.#processing.has(key)) this.#dirty.add(key);
    else this.#queued.add(key);
    this.#pump();
  }

  #cancelTimer(key: string): void {
    const t = this.#timers.get(key);
    if (t === undefined) return;
    this.#opts.clock.clearTimeout(t);
    this.#timers.delete(key);
  }

  #notifyIdle(): void {
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const w of waiters) w();
  }
}
