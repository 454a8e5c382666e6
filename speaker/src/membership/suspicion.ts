/**
 * One member's suspicion of another: Lifeguard's timer that starts at max and shrinks towards
 * min with every independent confirmation, plus when to probe the suspect out of turn.
 */
import { suspicionTimeoutMs, type SuspicionBounds } from './config.ts';

/** A running suspicion timer. */
export class Suspicion {
  /** Member whose failed probe started the suspicion (does not count as a confirmation). */
  readonly origin: string;
  readonly #startedAt: number;
  readonly #bounds: SuspicionBounds;
  readonly #confirmations = new Set<string>();
  /** When the suspicion expires into dead. */
  deadline: number;
  /** When this member next probes the suspect out of turn (with the suspicion attached). */
  nextBuddyAt: number;

  constructor(opts: { origin: string; startedAt: number; bounds: SuspicionBounds; nextBuddyAt: number }) {
    this.origin = opts.origin;
    this.#startedAt = opts.startedAt;
    this.#bounds = opts.bounds;
    this.deadline = opts.startedAt + suspicionTimeoutMs(opts.bounds, 0);
    this.nextBuddyAt = opts.nextBuddyAt;
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
