/**
 * The machine's 1-minute load average over a stretch of a bench (os.loadavg(), every second),
 * printed next to the numbers it disturbs: benches here share 2 cores with other work, and a
 * latency or a backlog time means little without the load it was measured under.
 */
import { loadavg } from 'node:os';

/** Mean and max of the 1-minute load average seen while sampling. */
export interface LoadSummary {
  readonly mean: number;
  readonly max: number;
}

/** Samples from construction until {@link LoadSampler.stop}. */
export class LoadSampler {
  #sum = 0;
  #count = 0;
  #max = 0;
  readonly #timer: NodeJS.Timeout;
  readonly #sample: () => number;

  /** Takes a first sample now, then one every `everyMs`. */
  constructor(everyMs = 1000, sample: () => number = () => loadavg()[0] ?? 0) {
    this.#sample = sample;
    this.take();
    this.#timer = setInterval(() => this.take(), everyMs);
    this.#timer.unref();
  }

  /** Takes one sample now (the timer calls this too). */
  take(): void {
    const x = this.#sample();
    this.#sum += x;
    this.#count++;
    this.#max = Math.max(this.#max, x);
  }

  /** Stops sampling; the mean and max, rounded to 0.1. */
  stop(): LoadSummary {
    clearInterval(this.#timer);
    const r = (x: number): number => Math.round(x * 10) / 10;
    return { mean: r(this.#sum / Math.max(1, this.#count)), max: r(this.#max) };
  }
}
