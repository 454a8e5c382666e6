/** Retry delays: exponential backoff with jitter drawn from an injected {@link Rng}. */
import type { Rng } from '../random/rng.ts';

/**
 * Exponential backoff with full-range jitter: attempt 0 waits about `baseMs`, doubling up to
 * `maxMs`; the result is scaled by a factor in [0.5, 1.0) so restarting peers do not align.
 */
export function backoffMs(attempt: number, opts: { baseMs: number; maxMs: number; rng: Rng }): number {
  const raw = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(raw * (0.5 + opts.rng() / 2));
}
