/**
 * Time as an injected port, so that backoff, leases and rate limits are unit-testable with a
 * fake clock instead of real waits (HOUSE-STYLE.md: time comes in as a parameter).
 */

/** An opaque handle returned by {@link Clock.setTimeout}. */
export type TimerHandle = unknown;

/** The three clock operations the shell needs. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Runs `fn` once after `ms` milliseconds; returns a handle for {@link Clock.clearTimeout}. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /** Cancels a pending timer; a handle that already fired or was cleared is ignored. */
  clearTimeout(handle: TimerHandle): void;
}

/** The real clock; its timers do not keep the process alive on their own. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Resolves after `ms` on `clock`. */
export function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.setTimeout(resolve, ms));
}

/** Source of randomness in [0, 1), injected like the clock (jitter). */
export type Rng = () => number;

/**
 * Exponential backoff with full-range jitter: attempt 0 waits about `baseMs`, doubling up to
 * `maxMs`; the result is scaled by a factor in [0.5, 1.0) so restarting peers do not align.
 */
export function backoffMs(attempt: number, opts: { baseMs: number; maxMs: number; rng: Rng }): number {
  const raw = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(raw * (0.5 + opts.rng() / 2));
}
