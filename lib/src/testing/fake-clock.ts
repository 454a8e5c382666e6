/**
 * A manually advanced {@link Clock} for unit tests: timers fire only inside {@link FakeClock.advance}.
 */
import type { Clock, TimerHandle } from '../time/clock.ts';

interface PendingTimer {
  readonly id: number;
  readonly at: number;
  readonly fn: () => void;
}

/** A fake clock; `advance(ms)` runs due timers in time order, yielding to promises between them. */
export class FakeClock implements Clock {
  #now: number;
  #nextId = 1;
  #timers: PendingTimer[] = [];

  /** Starts at `startMs` (default: an arbitrary fixed epoch so tests are deterministic). */
  constructor(startMs = 1_700_000_000_000) {
    this.#now = startMs;
  }

  /** Current fake time in ms. */
  now(): number {
    return this.#now;
  }

  /** Schedules `fn` at now + ms. */
  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.#nextId++;
    this.#timers.push({ id, at: this.#now + Math.max(0, ms), fn });
    return id;
  }

  /** Cancels a timer by handle. */
  clearTimeout(handle: TimerHandle): void {
    this.#timers = this.#timers.filter((t) => t.id !== handle);
  }

  /** Number of timers not yet fired. */
  pending(): number {
    return this.#timers.length;
  }

  /** Moves time forward by `ms`, firing due timers in order and settling promises after each. */
  async advance(ms: number): Promise<void> {
    const until = this.#now + ms;
    await flushPromises();
    for (let t = this.#nextDue(until); t !== undefined; t = this.#nextDue(until)) {
      this.#timers = this.#timers.filter((x) => x.id !== t.id);
      this.#now = t.at;
      t.fn();
      await flushPromises();
    }
    this.#now = until;
  }

  #nextDue(until: number): PendingTimer | undefined {
    const due = this.#timers.filter((t) => t.at <= until);
    return due.sort((a, b) => a.at - b.at || a.id - b.id)[0];
  }
}

/** Lets queued microtasks and already-resolved promise chains run. */
export async function flushPromises(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise<void>((r) => setImmediate(r));
}
