/**
 * Rumours waiting to be piggybacked. One rumour per member (a newer one replaces the older),
 * sent least-transmitted first and dropped after the retransmit limit — SWIM's infection-style
 * dissemination with memberlist's λ·log(N) limit.
 */
import { encodeMessage } from './codec.ts';
import type { Rumour } from './messages.ts';

interface Queued {
  readonly rumour: Rumour;
  readonly bytes: Uint8Array;
  transmits: number;
  readonly order: number;
}

/** A queue of rumours keyed by the member they are about. */
export class BroadcastQueue {
  readonly #items = new Map<string, Queued>();
  #order = 0;

  /** Number of rumours waiting. */
  get size(): number {
    return this.#items.size;
  }

  /** Queues `rumour`, replacing any rumour about the same member. */
  enqueue(rumour: Rumour): void {
    this.#items.set(rumour.node, { rumour, bytes: encodeMessage(rumour), transmits: 0, order: this.#order++ });
  }

  /**
   * Takes encoded rumours fitting in `budgetBytes` (fewest transmits first, newest first on a
   * tie), counts a transmission for each and drops those that reached `limit`. Rumours about a
   * member in `skip` stay queued (the packet already carries one about it).
   */
  take(budgetBytes: number, limit: number, skip?: ReadonlySet<string>): { rumours: Rumour[]; parts: Uint8Array[] } {
    const sorted = [...this.#items.values()].sort((a, b) => a.transmits - b.transmits || b.order - a.order);
    const rumours: Rumour[] = [];
    const parts: Uint8Array[] = [];
    let left = budgetBytes;
    for (const q of sorted) {
      if (q.bytes.length > left || skip?.has(q.rumour.node) === true) continue;
      left -= q.bytes.length;
      rumours.push(q.rumour);
      parts.push(q.bytes);
      q.transmits++;
      if (q.transmits >= limit) this.#items.delete(q.rumour.node);
    }
    return { rumours, parts };
  }
}
