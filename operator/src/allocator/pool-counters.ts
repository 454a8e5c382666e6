/**
 * Per-pool address counters, in two views.
 *
 * - Exact (`exactCounters`): bigints; a /64 has 2^64 addresses, buggy .0/.255 addresses of an
 *   avoidBuggyIPs pool are not counted (exactly, also for odd ranges such as a /32 on .0,
 *   which MetalLB's formula counts as −1).
 * - int64 (`int64Counters`): what MetalLB reports in IPAddressPool `.status` (int64 fields) and
 *   in `metallb_allocator_addresses_total`: a CIDR with ≥ 62 host bits makes its family's
 *   capacity MaxInt64 ("will never run out"); sums are clamped at MaxInt64 (Go would overflow);
 *   available = capacity − assigned.
 */
import type { IpFamily } from '../config/types.ts';
import type { CidrSpace } from './address-space.ts';

/** Assigned/available addresses of one pool per family. */
export interface PoolCounters {
  /** Distinct IPv4 addresses in use. */
  readonly assignedIPv4: bigint;
  /** Distinct IPv6 addresses in use. */
  readonly assignedIPv6: bigint;
  /** Usable IPv4 addresses not in use. */
  readonly availableIPv4: bigint;
  /** Usable IPv6 addresses not in use. */
  readonly availableIPv6: bigint;
}

/** Largest Go int64. */
export const MAX_INT64 = (1n << 63n) - 1n;

const bitsOf = (family: IpFamily): number => (family === 'ipv4' ? 32 : 128);

/** Sum of `f(space)` over the spaces of one family. */
const sumOf = (spaces: readonly CidrSpace[], family: IpFamily, f: (s: CidrSpace) => bigint): bigint =>
  spaces.filter((s) => s.cidr.family === family).reduce((acc, s) => acc + f(s), 0n);

/** Usable addresses of one family, exact. */
export const capacityOf = (spaces: readonly CidrSpace[], family: IpFamily): bigint =>
  sumOf(spaces, family, (s) => s.usable);

/** Addresses of one family in use, exact. */
export const assignedOf = (spaces: readonly CidrSpace[], family: IpFamily): bigint =>
  sumOf(spaces, family, (s) => s.used.count);

/** Counters from a capacity function: available = capacity − assigned, per family. */
function countersWith(spaces: readonly CidrSpace[], capacity: (s: readonly CidrSpace[], f: IpFamily) => bigint): PoolCounters {
  const [a4, a6] = [assignedOf(spaces, 'ipv4'), assignedOf(spaces, 'ipv6')];
  return { assignedIPv4: a4, assignedIPv6: a6, availableIPv4: capacity(spaces, 'ipv4') - a4, availableIPv6: capacity(spaces, 'ipv6') - a6 };
}

/** Exact counters of a pool, given its spaces. */
export const exactCounters = (spaces: readonly CidrSpace[]): PoolCounters => countersWith(spaces, capacityOf);

/** MetalLB's capacity of one family: MaxInt64 as soon as one CIDR has ≥ 62 host bits. */
export function int64CapacityOf(spaces: readonly CidrSpace[], family: IpFamily): bigint {
  const huge = spaces.some((s) => s.cidr.family === family && bitsOf(family) - s.cidr.prefixLength >= 62);
  const exact = capacityOf(spaces, family);
  return huge || exact > MAX_INT64 ? MAX_INT64 : exact;
}

/** Counters as MetalLB writes them to IPAddressPool status (int64 range). */
export const int64Counters = (spaces: readonly CidrSpace[]): PoolCounters => countersWith(spaces, int64CapacityOf);

/** `metallb_allocator_addresses_total` for the pool (both families, clamped). */
export function addressesTotal(spaces: readonly CidrSpace[]): bigint {
  const total = int64CapacityOf(spaces, 'ipv4') + int64CapacityOf(spaces, 'ipv6');
  return total > MAX_INT64 ? MAX_INT64 : total;
}
