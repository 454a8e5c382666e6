/**
 * What the controller's pipelines share: one pipeline = one work queue, its reconciler and the
 * informer events that feed it (config-pipeline.ts, service-pipeline.ts,
 * pool-status-pipeline.ts, memberlist-pipeline.ts). The controller only starts and stops them.
 */
import { WorkQueue, type ReconcileOutcome } from '@metallb-ts/lib/k8s/work-queue.ts';
import type { Logger } from '@metallb-ts/lib/log.ts';
import type { CounterPort } from '@metallb-ts/lib/metrics.ts';
import type { Clock } from '@metallb-ts/lib/time/clock.ts';

/** What every pipeline's queue is built with. */
export interface QueueSettings {
  readonly clock: Clock;
  /** The controller's logger; each queue logs as its own component. */
  readonly logger: Logger;
  /** `metallb_k8s_client_update_errors_total`: counts reconciles that threw. */
  readonly updateErrors: CounterPort;
  /** First retry delay (default 100 ms). */
  readonly retryBaseMs?: number;
  /** Retry delay cap (default 60 s). */
  readonly retryMaxMs?: number;
}

/** A running pipeline as the controller drives it. */
export interface Pipeline {
  /** Lets informer events in and queues the initial work (called once the caches synced). */
  start(): void;
  /** Stops taking work and waits for running reconciles. */
  shutdown(): Promise<void>;
  /** Resolves when nothing is queued or running (retry timers aside). */
  idle(): Promise<void>;
}

/** What a queue runs: the reconcile, the keys for `reprocessAll`, and how many at once. */
export interface QueueWork {
  readonly reconcile: (key: string) => Promise<ReconcileOutcome>;
  readonly listKeys: () => Iterable<string>;
  readonly workers?: number;
}

/** A work queue named `name` whose thrown reconciles are logged with a reason and counted. */
export function queueFor(s: QueueSettings, name: string, work: QueueWork): WorkQueue {
  const logger = s.logger.child({ component: name });
  return new WorkQueue({
    reconcile: work.reconcile, listKeys: work.listKeys, clock: s.clock, workers: work.workers ?? 1,
    ...(s.retryBaseMs === undefined ? {} : { baseDelayMs: s.retryBaseMs }),
    ...(s.retryMaxMs === undefined ? {} : { maxDelayMs: s.retryMaxMs }),
    onError: (key, e) => {
      s.updateErrors.inc();
      logger.error('reconcile failed', { key, reason: String(e) });
    },
  });
}

/** A pipeline around one queue: subclasses wire their events and say what `start()` queues. */
export abstract class QueuedPipeline implements Pipeline {
  /** The pipeline's queue. */
  protected readonly queue: WorkQueue;

  /** Builds the queue (see {@link queueFor}). */
  constructor(settings: QueueSettings, name: string, work: QueueWork) {
    this.queue = queueFor(settings, name, work);
  }

  /** See {@link Pipeline.start}. */
  abstract start(): void;

  /** See {@link Pipeline.shutdown}. */
  shutdown(): Promise<void> {
    return this.queue.shutdown();
  }

  /** See {@link Pipeline.idle}. */
  idle(): Promise<void> {
    return this.queue.idle();
  }
}
