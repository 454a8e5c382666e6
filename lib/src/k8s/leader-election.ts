/**
 * Leader election on a coordination.k8s.io/v1 Lease, following client-go's algorithm:
 *
 * - no lease: create it holding it ourselves;
 * - held by another identity: follow while the lease is unexpired. Expiry is measured, as in
 *   client-go, on the LOCAL clock from when the current record (holder + renewTime) was first
 *   observed, so clock skew between nodes does not matter;
 * - expired or released (empty holder): take it over, `leaseTransitions + 1`;
 * - leader: renew every `retryPeriodMs`; no successful renew for `renewDeadlineMs`, or seeing
 *   another holder, means leadership is lost (and the elector keeps competing);
 * - a 409 on create/update means another candidate won the race;
 * - `stop()` releases the lease (empty holder, 1 s duration) so a successor takes over at once.
 */
import type { Logger } from '../log.ts';
import type { CounterPort } from '../metrics.ts';
import { systemClock, type Clock, type TimerHandle } from '../time/clock.ts';
import { decideLease, type Lease, type LeaseRef, type LeaseStore } from './lease.ts';
import { microTime, timeMs } from './micro-time.ts';

/** Options of {@link LeaderElector}. Durations as in client-go: 15 s / 10 s / 2 s. */
export interface LeaderElectorOptions {
  /** Reads and writes the lease. */
  readonly store: LeaseStore;
  /** Namespace and name of the lease. */
  readonly ref: LeaseRef;
  /** This candidate's identity (pod name, usually). */
  readonly identity: string;
  /** How long a lease is valid without renewal (default 15 s). */
  readonly leaseDurationMs?: number;
  /** How long a leader keeps leading without a successful renew (default 10 s). */
  readonly renewDeadlineMs?: number;
  /** Time between attempts (default 2 s). */
  readonly retryPeriodMs?: number;
  /** Time source (default: the system clock). */
  readonly clock?: Clock;
  /** Where transitions and API errors are logged. */
  readonly logger?: Logger;
  /** Counts failed or lost lease requests (`metallb_ts_leader_election_errors_total`). */
  readonly errors?: CounterPort;
  /** Called when this candidate becomes leader. */
  readonly onStartedLeading?: () => void;
  /** Called when this candidate stops being leader (lost, or `stop()`). */
  readonly onStoppedLeading?: () => void;
  /** Called when the observed holder changes ('' = released). */
  readonly onNewLeader?: (identity: string) => void;
}

type Round = 'leading' | 'following' | 'failed';

/** One candidate; see the module comment. */
export class LeaderElector {
  readonly #o: LeaderElectorOptions;
  readonly #clock: Clock;
  #leading = false;
  #stopped = true;
  #holder: string | undefined;
  #observedRecord = '';
  #observedAt = 0;
  #lastRenew = 0;
  #timer: TimerHandle | undefined;
  #inflight: Promise<void> = Promise.resolve();

  /** Creates a candidate; nothing happens before `start()`. */
  constructor(opts: LeaderElectorOptions) {
    this.#o = opts;
    this.#clock = opts.clock ?? systemClock;
  }

  /** Starts competing; the first attempt is immediate. */
  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#inflight = this.#tick();
  }

  /** Stops competing; a leader releases the lease first, then `onStoppedLeading` fires. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#inflight;
    if (!this.#leading) return;
    await this.#release().catch((e: unknown) => this.#failed('releasing the lease failed', String(e)));
    this.#setLeading(false);
  }

  /** Whether this candidate currently leads. */
  isLeader(): boolean {
    return this.#leading;
  }

  /** The last observed holder (undefined before the first read, '' when released). */
  leader(): string | undefined {
    return this.#holder;
  }

  async #tick(): Promise<void> {
    const round = await this.#tryAcquireOrRenew().catch((e: unknown): Round => {
      this.#failed('lease request failed', String(e));
      return 'failed';
    });
    if (this.#stopped) return;
    const now = this.#clock.now();
    if (round === 'leading') this.#lastRenew = now;
    if (round === 'leading') this.#setLeading(true);
    else if (round === 'following' || now - this.#lastRenew >= (this.#o.renewDeadlineMs ?? 10_000)) this.#setLeading(false);
    this.#timer = this.#clock.setTimeout(() => {
      this.#inflight = this.#tick();
    }, this.#o.retryPeriodMs ?? 2_000);
  }

  async #tryAcquireOrRenew(): Promise<Round> {
    const current = await this.#o.store.get();
    this.#observe(current);
    const decision = decideLease({
      current, identity: this.#o.identity, now: this.#clock.now(), observedAt: this.#observedAt,
      leaseDurationMs: this.#o.leaseDurationMs ?? 15_000, ref: this.#o.ref,
    });
    if (decision.kind === 'follow') return 'following';
    const written = decision.kind === 'create' ? await this.#o.store.create(decision.lease) : await this.#o.store.update(decision.lease);
    if (!written.ok) {
      this.#failed('lease write lost a race', `${decision.kind}: ${written.error}`);
      return 'failed';
    }
    this.#observe(written.value);
    return 'leading';
  }

  /** Tracks when the holder/renewTime record last changed, on our own clock. */
  #observe(lease: Lease | undefined): void {
    const holder = lease?.spec?.holderIdentity ?? '';
    const record = `${holder}@${timeMs(lease?.spec?.renewTime)}`;
    if (record !== this.#observedRecord) {
      this.#observedRecord = record;
      this.#observedAt = this.#clock.now();
    }
    if (lease !== undefined && holder !== this.#holder) {
      this.#holder = holder;
      this.#o.onNewLeader?.(holder);
    }
  }

  async #release(): Promise<void> {
    const current = await this.#o.store.get();
    if (current?.spec?.holderIdentity !== this.#o.identity) return;
    const spec = { ...current.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: microTime(this.#clock.now()) };
    const r = await this.#o.store.update({ ...current, spec });
    if (!r.ok) this.#failed('lease changed while releasing it', r.error);
  }

  /** Logs a failed lease request with its reason and counts it. */
  #failed(message: string, reason: string): void {
    this.#o.errors?.inc();
    this.#o.logger?.warn(message, { reason, lease: this.#o.ref.name });
  }

  #setLeading(leading: boolean): void {
    if (leading === this.#leading) return;
    this.#leading = leading;
    this.#o.logger?.info(leading ? 'started leading' : 'stopped leading', { lease: this.#o.ref.name, identity: this.#o.identity });
    if (leading) this.#o.onStartedLeading?.();
    else this.#o.onStoppedLeading?.();
  }
}
