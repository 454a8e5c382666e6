/**
 * The addresses of one pool CIDR, as a dense range of "slots" plus the set of slots in use.
 *
 * In a pool with `avoidBuggyIPs`, IPv4 addresses ending in .0 or .255 are not slots at all:
 * slot = (address >> 8) × 254 + (last octet − 1). Skipping them is then free, a /24 fill is
 * one run in the used set (not 256 runs), and the slot count is the exact usable count.
 * Elsewhere, slot = address.
 */
import type { Cidr, IpFamily, Pool } from '../config/types.ts';
import { IntervalSet } from './interval-set.ts';
import { OrderedMap } from './ordered-map.ts';

/** True for IPv4 addresses ending in .0 or .255 (they confuse some CPE firmwares). */
export const isBuggyIp = (family: IpFamily, value: bigint): boolean =>
  family === 'ipv4' && ((value & 0xffn) === 0n || (value & 0xffn) === 0xffn);

/** One CIDR of one pool: slot bounds, slots in use, and an index of shareable addresses. */
export class CidrSpace {
  /** The block. */
  readonly cidr: Cidr;
  /** Name of the pool the block belongs to. */
  readonly pool: string;
  /** Whether .0/.255 are excluded (IPv4 blocks of avoidBuggyIPs pools only). */
  readonly skipsBuggy: boolean;
  /** Lowest slot (may exceed `high` when the block has no usable address). */
  readonly low: bigint;
  /** Highest slot. */
  readonly high: bigint;
  /** Slots in use by at least one service. */
  readonly used = new IntervalSet();
  /** Sharing identity (see `sharingIdentity`) → addresses in use under it, ascending. */
  readonly shared = new Map<string, OrderedMap<true>>();

  constructor(pool: Pool, cidr: Cidr) {
    this.cidr = cidr;
    this.pool = pool.name;
    this.skipsBuggy = pool.avoidBuggyIPs && cidr.family === 'ipv4';
    this.low = this.slotOf(this.skipsBuggy ? firstGood(cidr.first) : cidr.first);
    this.high = this.slotOf(this.skipsBuggy ? lastGood(cidr.last) : cidr.last);
  }

  /** Number of usable addresses (buggy ones excluded), exact. */
  get usable(): bigint {
    return this.high >= this.low ? this.high - this.low + 1n : 0n;
  }

  /** Whether `value` is a usable address of this block. */
  contains(value: bigint): boolean {
    const inBlock = value >= this.cidr.first && value <= this.cidr.last;
    return inBlock && !(this.skipsBuggy && isBuggyIp('ipv4', value));
  }

  /** Slot of a usable address. */
  slotOf(value: bigint): bigint {
    return this.skipsBuggy ? (value >> 8n) * 254n + (value & 0xffn) - 1n : value;
  }

  /** Address of a slot. */
  addressOf(slot: bigint): bigint {
    return this.skipsBuggy ? ((slot / 254n) << 8n) | ((slot % 254n) + 1n) : slot;
  }

  /** Lowest usable address not used by any service, if any. */
  lowestFree(): bigint | undefined {
    const slot = this.used.firstAbsentFrom(this.low);
    return slot <= this.high ? this.addressOf(slot) : undefined;
  }

  /** Marks `value` used or unused, keeping the shareable index in step. */
  markUsed(value: bigint, identity: string | undefined): void {
    this.used.add(this.slotOf(value));
    if (identity === undefined) return;
    let set = this.shared.get(identity);
    if (set === undefined) this.shared.set(identity, (set = new OrderedMap<true>()));
    set.set(value, true);
  }

  /** Reverses {@link markUsed}. */
  markFree(value: bigint, identity: string | undefined): void {
    this.used.delete(this.slotOf(value));
    const set = identity === undefined ? undefined : this.shared.get(identity);
    if (set === undefined || identity === undefined) return;
    set.delete(value);
    if (set.size === 0) this.shared.delete(identity);
  }

  /** Addresses in use under `identity`, ascending, for as long as the caller iterates. */
  *sharedUnder(identity: string): Generator<bigint> {
    const set = this.shared.get(identity);
    for (let e = set?.ceiling(0n); e !== undefined; e = set?.ceiling(e.key + 1n)) yield e.key;
  }
}

/** First address >= v that does not end in .0/.255. */
function firstGood(v: bigint): bigint {
  const octet = v & 0xffn;
  return octet === 0n ? v + 1n : octet === 0xffn ? v + 2n : v;
}

/** Last address <= v that does not end in .0/.255. */
function lastGood(v: bigint): bigint {
  const octet = v & 0xffn;
  return octet === 0xffn ? v - 1n : octet === 0n ? v - 2n : v;
}

/**
 * Identity under which an address can be shared: the sharing and backend keys. Undefined for
 * an empty sharing key, which never shares.
 */
export const sharingIdentity = (sharing: string, backend: string): string | undefined =>
  sharing === '' ? undefined : `${sharing}\u0000${backend}`;

/** All CIDR spaces of a pool set, with O(log n) address → space lookup per family. */
export class SpaceIndex {
  /** Spaces per pool, in MetalLB's scan order (spec.addresses order). */
  readonly byPool = new Map<string, readonly CidrSpace[]>();
  readonly #sorted: Record<IpFamily, CidrSpace[]> = { ipv4: [], ipv6: [] };

  constructor(pools: readonly Pool[]) {
    for (const pool of pools) {
      const spaces = pool.addressEntries.flat().map((c) => new CidrSpace(pool, c));
      this.byPool.set(pool.name, spaces);
      for (const s of spaces) this.#sorted[s.cidr.family].push(s);
    }
    for (const list of Object.values(this.#sorted)) list.sort((a, b) => (a.cidr.first < b.cidr.first ? -1 : 1));
  }

  /** The space whose block holds the usable address, if any (blocks never overlap). */
  find(family: IpFamily, value: bigint): CidrSpace | undefined {
    const list = this.#sorted[family];
    let [lo, hi] = [0, list.length - 1];
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = list[mid];
      if (s === undefined) return undefined;
      if (value < s.cidr.first) hi = mid - 1;
      else if (value > s.cidr.last) lo = mid + 1;
      else return s.contains(value) ? s : undefined;
    }
    return undefined;
  }
}
