/**
 * An ordered map from bigint keys to values: a treap (randomised balanced binary search tree)
 * with split/merge. Every operation is O(log n) expected. Priorities come from a seeded
 * xorshift generator owned by the map, so the structure — and everything built on it — is
 * deterministic for a given sequence of operations.
 */

interface Node<V> {
  readonly key: bigint;
  value: V;
  readonly priority: number;
  left: Node<V> | undefined;
  right: Node<V> | undefined;
}

/** One entry of an {@link OrderedMap}. */
export interface Entry<V> {
  /** The key. */
  readonly key: bigint;
  /** The value stored under it. */
  readonly value: V;
}

/** Splits `node` into keys `< key` and keys `>= key`. */
function split<V>(node: Node<V> | undefined, key: bigint): [Node<V> | undefined, Node<V> | undefined] {
  if (node === undefined) return [undefined, undefined];
  if (node.key < key) {
    const [l, r] = split(node.right, key);
    node.right = l;
    return [node, r];
  }
  const [l, r] = split(node.left, key);
  node.left = r;
  return [l, node];
}

/** Joins two treaps where every key of `a` is below every key of `b`. */
function merge<V>(a: Node<V> | undefined, b: Node<V> | undefined): Node<V> | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  if (a.priority > b.priority) {
    a.right = merge(a.right, b);
    return a;
  }
  b.left = merge(a, b.left);
  return b;
}

/** Ordered bigint-keyed map with floor/ceiling lookups. */
export class OrderedMap<V> {
  #root: Node<V> | undefined;
  #size = 0;
  #seed = 0x9e3779b9;

  /** Number of entries. */
  get size(): number {
    return this.#size;
  }

  /** The value under `key`, if any. */
  get(key: bigint): V | undefined {
    let n = this.#root;
    while (n !== undefined) {
      if (key === n.key) return n.value;
      n = key < n.key ? n.left : n.right;
    }
    return undefined;
  }

  /** Inserts or replaces the value under `key`. */
  set(key: bigint, value: V): void {
    let n = this.#root;
    while (n !== undefined && n.key !== key) n = key < n.key ? n.left : n.right;
    if (n !== undefined) {
      n.value = value;
      return;
    }
    const node: Node<V> = { key, value, priority: this.#nextPriority(), left: undefined, right: undefined };
    const [l, r] = split(this.#root, key);
    this.#root = merge(merge(l, node), r);
    this.#size++;
  }

  /** Removes `key`; returns whether it was present. */
  delete(key: bigint): boolean {
    const [l, rest] = split(this.#root, key);
    const [mid, r] = split(rest, key + 1n);
    this.#root = merge(l, r);
    if (mid === undefined) return false;
    this.#size--;
    return true;
  }

  /** The entry with the greatest key `<= key`. */
  floor(key: bigint): Entry<V> | undefined {
    let n = this.#root;
    let best: Node<V> | undefined;
    while (n !== undefined) {
      if (n.key <= key) {
        best = n;
        n = n.right;
      } else {
        n = n.left;
      }
    }
    return best;
  }

  /** The entry with the smallest key `>= key`. */
  ceiling(key: bigint): Entry<V> | undefined {
    let n = this.#root;
    let best: Node<V> | undefined;
    while (n !== undefined) {
      if (n.key >= key) {
        best = n;
        n = n.left;
      } else {
        n = n.right;
      }
    }
    return best;
  }

  /** All entries in ascending key order. */
  *entries(): Generator<Entry<V>> {
    const stack: Node<V>[] = [];
    let n = this.#root;
    while (n !== undefined || stack.length > 0) {
      while (n !== undefined) {
        stack.push(n);
        n = n.left;
      }
      const top = stack.pop();
      if (top === undefined) return;
      yield top;
      n = top.right;
    }
  }

  /** xorshift32: deterministic, well-spread heap priorities. */
  #nextPriority(): number {
    let x = this.#seed;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.#seed = x >>> 0;
    return this.#seed;
  }
}
