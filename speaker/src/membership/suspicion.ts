/**
 * One member's suspicion of another: Lifeguard's timer that starts at max and shrinks towards
 * min with every independent confirmation, plus when to probe the suspect out of turn.
 */
import { suspicionTimeoutMs, type SuspicionBounds } from './config.ts';

/** A running suspicion timer. */
export class Suspicion {
  /** Member whose failed probe started the suspicion (does not count as a confirmation). */
  readonly origin: string;
  #startedAt: number;
  readonly #bounds: SuspicionBounds;
  readonly #confirmations = new Set<string>();
  /** Last time the suspect itself sent us a packet (a ping, an ack) during this suspicion. */
  heardAt: number | undefined;
  /** When the suspicion expires into dead. */
  deadline: number;
  /** When this member next probes the suspect out of turn (with the suspicion attached). */
  nextBuddyAt: number;
  /** Times the verdict was postponed because this member's own loop stalled. */
  stallDeferrals = 0;

  constructor(opts: { origin: string; startedAt: number; bounds: SuspicionBounds; nextBuddyAt: number }) {
    this.origin = opts.origin;
    this.#startedAt = opts.startedAt;
    this.#bounds = opts.bounds;
    this.deadline = opts.startedAt + suspicionTimeoutMs(opts.bounds, 0);
    this.nextBuddyAt = opts.nextBuddyAt;
  }

  /**
   * Starts over at `now` without confirmations: used when the suspect itself was heard from
   * while suspected, i.e. it is demonstrably alive and only its refutation went missing.
   */
  rearm(now: number): void {
    this.#startedAt = now;
    this.#confirmations.clear();
    this.heardAt = undefined;
    this.deadline = now + suspicionTimeoutMs(this.#bounds, 0);
  }

  /**
   * Records `from` as an independent confirmation and shortens the deadline; false when it is
   * not new (the origin, a repeat, or k confirmations already counted).
   */
  confirm(from: string): boolean {
    if (from === this.origin || this.#confirmations.has(from) || this.#confirmations.size >= this.#bounds.k) return false;
    this.#confirmations.add(from);
    this.deadline = this.#startedAt + suspicionTimeoutMs(this.#bounds, this.#confirmations.size);
    return true;
  }
}
