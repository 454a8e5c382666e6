/**
 * A set of bigints stored as disjoint, maximal closed intervals (adjacent intervals are always
 * merged). Memory is proportional to the number of runs, not to the number of members, and
 * "the smallest non-member at or above x" is one O(log n) lookup: the run containing x, if
 * any, ends right before a non-member because runs are maximal.
 */
import { OrderedMap } from './ordered-map.ts';

/** Maximal runs of members, keyed by run start, valued by run end (inclusive). */
export class IntervalSet {
  readonly #runs = new OrderedMap<bigint>();
  #count = 0n;

  /** Number of members. */
  get count(): bigint {
    return this.#count;
  }

  /** Number of maximal runs (for tests and diagnostics). */
  get runs(): number {
    return this.#runs.size;
  }

  /** Whether `x` is a member. */
  has(x: bigint): boolean {
    const run = this.#runs.floor(x);
    return run !== undefined && run.value >= x;
  }

  /** Adds `x`; a no-op when already present. */
  add(x: bigint): void {
    if (this.has(x)) return;
    const before = this.#runs.floor(x);
    const after = this.#runs.get(x + 1n);
    const joinsBefore = before !== undefined && before.value === x - 1n;
    const start = joinsBefore ? before.key : x;
    const end = after ?? x;
    if (after !== undefined) this.#runs.delete(x + 1n);
    this.#runs.set(start, end);
    this.#count++;
  }

  /** Removes `x`; a no-op when absent. */
  delete(x: bigint): void {
    const run = this.#runs.floor(x);
    if (run === undefined || run.value < x) return;
    const { key: start, value: end } = run;
    this.#runs.delete(start);
    if (start < x) this.#runs.set(start, x - 1n);
    if (x < end) this.#runs.set(x + 1n, end);
    this.#count--;
  }

  /** The smallest non-member `>= x`. */
  firstAbsentFrom(x: bigint): bigint {
    const run = this.#runs.floor(x);
    return run !== undefined && run.value >= x ? run.value + 1n : x;
  }
}
