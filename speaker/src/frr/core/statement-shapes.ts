/**
 * Statement shapes FRR already accepted, so that a batch made only of known shapes skips the
 * `vtysh --dryrun` pass (≈150 ms of a 1,000-prefix change on this machine). A shape is a batch
 * line with its indentation kept and each whitespace-separated token that is a number, an IPv4
 * or an IPv6 address or prefix replaced by a class name; any other token stays as it is, so a
 * new name, keyword or community value is a new shape and the batch is dry-run again. Values
 * inside a known shape were validated twice before they got here (CRD schema, operator view
 * model); should FRR still refuse one, the batch leaves FRR differing from the wanted config
 * and the applier's verify → full-reload → retry path reports it.
 */

/** The most shapes remembered (a rendered config has a few dozen; this only bounds memory). */
export const MAX_SHAPES = 4096;

const NUMBER = /^\d+$/;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?$/;
const IPV6 = /^[0-9a-f]*:[0-9a-f]*:[0-9a-f:]*(\/\d{1,3})?$/i;

/** The shape of one batch line. */
export function shapeOf(line: string): string {
  const indent = /^ */.exec(line)?.[0] ?? '';
  const tokens = line.trim().split(/\s+/).map((t) => {
    if (NUMBER.test(t)) return '<n>';
    if (IPV4.test(t)) return t.includes('/') ? '<ip4/len>' : '<ip4>';
    if (IPV6.test(t)) return t.includes('/') ? '<ip6/len>' : '<ip6>';
    return t;
  });
  return indent + tokens.join(' ');
}

/** The shapes of a batch's non-empty lines. */
function shapesOfBatch(batch: string): Set<string> {
  return new Set(batch.split('\n').filter((l) => l.trim() !== '').map(shapeOf));
}

/** The shapes FRR accepted so far (bounded; the oldest are forgotten first). */
export class AcceptedShapes {
  readonly #shapes = new Set<string>();

  /** True when every line of `batch` has a shape FRR accepted before. */
  covers(batch: string): boolean {
    for (const s of shapesOfBatch(batch)) if (!this.#shapes.has(s)) return false;
    return true;
  }

  /** Records the shapes of a batch FRR accepted. */
  add(batch: string): void {
    for (const s of shapesOfBatch(batch)) {
      this.#shapes.delete(s);
      this.#shapes.add(s);
    }
    for (const s of this.#shapes) {
      if (this.#shapes.size <= MAX_SHAPES) break;
      this.#shapes.delete(s);
    }
  }

  /** Forgets everything (FRR replaced by another build may accept less). */
  clear(): void {
    this.#shapes.clear();
  }
}
