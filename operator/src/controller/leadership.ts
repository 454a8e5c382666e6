/**
 * What a replica does when it gains or loses the Lease. Leading starts the controller; if that
 * start fails, the replica must not sit on the Lease reconciling nothing: it logs and counts the
 * failure, stops the controller, releases the Lease (so another replica takes over at once) and
 * reports `'start-failed'` (main.ts exits non-zero; the Deployment restarts the pod). Losing a
 * Lease it held is reported as `'lost-leadership'`.
 */
import type { Logger } from '@metallb-ts/lib/log.ts';
import type { CounterPort } from '@metallb-ts/lib/metrics.ts';

/** Why the replica must exit. */
export const FATAL_REASONS = ['lost-leadership', 'start-failed'] as const;
/** One of {@link FATAL_REASONS}. */
export type FatalReason = (typeof FATAL_REASONS)[number];

/** What the leader runs. */
export interface LeaderWork {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Options of {@link Leadership}. */
export interface LeadershipOptions {
  readonly work: LeaderWork;
  /** Releases the Lease and stops competing (the elector's `stop()`). */
  readonly release: () => Promise<void>;
  /** Told once when the replica must exit. */
  readonly onFatal: (reason: FatalReason) => void;
  /** `metallb_ts_controller_start_failures_total`. */
  readonly startFailures: CounterPort;
  readonly logger: Logger;
}

/** See the module comment. Wire `started`/`stopped` to the elector's callbacks. */
export class Leadership {
  readonly #o: LeadershipOptions;
  #stopping = false;
  #running: Promise<void> = Promise.resolve();

  /** Creates the handler; nothing runs before `started()`. */
  constructor(opts: LeadershipOptions) {
    this.#o = opts;
  }

  /** Leadership won: start the work (a failure gives the Lease back; see the module comment). */
  started(): void {
    this.#running = this.#o.work.start().catch((e: unknown) => this.#startFailed(e));
  }

  /** Leadership ended: fatal unless we are stopping on purpose. */
  stopped(): void {
    if (!this.#stopping) this.#o.onFatal('lost-leadership');
  }

  /** A deliberate stop: waits for a running start; losing the Lease from now on is expected. */
  async shutdown(): Promise<void> {
    this.#stopping = true;
    await this.#running;
  }

  async #startFailed(e: unknown): Promise<void> {
    this.#stopping = true;
    this.#o.startFailures.inc();
    this.#o.logger.error('controller failed to start; releasing the lease and exiting', { reason: String(e) });
    await this.#o.work.stop().catch((s: unknown) => this.#o.logger.warn('stopping the controller failed', { reason: String(s) }));
    await this.#o.release().catch((r: unknown) => this.#o.logger.warn('releasing the lease failed', { reason: String(r) }));
    this.#o.onFatal('start-failed');
  }
}
