/**
 * Bounded polling: check a condition every `intervalMs` until it holds or `timeoutMs` passed.
 * For waits on eventually-consistent API state (a Lease changing hands, an informer catching up).
 */
import { err, ok, type Result } from '../result.ts';
import { sleep, systemClock, type Clock } from './clock.ts';

/** Options of {@link pollUntil}. */
export interface PollOptions {
  /** Give up after this long. */
  readonly timeoutMs: number;
  /** Time between checks (default 50 ms). */
  readonly intervalMs?: number;
  readonly clock?: Clock;
}

/** Why a poll ended without success. */
export interface PollTimeout {
  readonly kind: 'timeout';
  /** How many checks ran. */
  readonly checks: number;
}

/** Runs `check` until it returns a value other than undefined; that value, or a timeout. */
export async function pollUntil<T>(check: () => T | undefined | Promise<T | undefined>, opts: PollOptions): Promise<Result<T, PollTimeout>> {
  const clock = opts.clock ?? systemClock;
  const deadline = clock.now() + opts.timeoutMs;
  for (let checks = 1; ; checks++) {
    const v = await check();
    if (v !== undefined) return ok(v);
    if (clock.now() >= deadline) return err({ kind: 'timeout', checks });
    await sleep(clock, opts.intervalMs ?? 50);
  }
}
