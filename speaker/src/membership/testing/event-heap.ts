/**
 * A binary min-heap of timed events for the simulator; ties keep insertion order.
 */

interface Entry<T> {
  readonly at: number;
  readonly order: number;
  readonly value: T;
}

/** Events ordered by time, then by insertion. */
export class EventHeap<T> {
  readonly #items: Entry<T>[] = [];
  #order = 0;

  /** Number of pending events. */
  get size(): number {
    return this.#items.length;
  }

  /** Time of the earliest event, or Infinity. */
  peekAt(): number {
    return this.#items[0]?.at ?? Infinity;
  }

  /** Adds `value` at time `at`. */
  push(at: number, value: T): void {
    const h = this.#items;
    h.push({ at, order: this.#order++, value });
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.#less(i, p)) break;
      this.#swap(i, p);
      i = p;
    }
  }

  /** Removes and returns the earliest event. */
  pop(): { at: number; value: T } | undefined {
    const h = this.#items;
    const top = h[0];
    const last = h.pop();
    if (top === undefined || last === undefined) return undefined;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.#less(l, m)) m = l;
        if (r < h.length && this.#less(r, m)) m = r;
        if (m === i) break;
        this.#swap(i, m);
        i = m;
      }
    }
    return { at: top.at, value: top.value };
  }

  #less(i: number, j: number): boolean {
    const a = this.#items[i] as Entry<T>;
    const b = this.#items[j] as Entry<T>;
    return a.at < b.at || (a.at === b.at && a.order < b.order);
  }

  #swap(i: number, j: number): void {
    const h = this.#items;
    const t = h[i] as Entry<T>;
    h[i] = h[j] as Entry<T>;
    h[j] = t;
  }
}
