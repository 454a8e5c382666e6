/**
 * Which pools a Service may draw from, and in what order (MetalLB's `pinnedPoolsForService`,
 * `isPoolCompatibleWithService`, `sortPools` and the generic fallback of `Allocate`).
 *
 * The order reproduces what MetalLB's code really does, not what its comments say; see
 * docs/allocation.md ("Pool order") for the derivation and for the two places where MetalLB's
 * order is random (Go map iteration) and we pick name order instead.
 */
import type { Pool } from '../config/types.ts';

/** The parts of a Service that `serviceAllocation` looks at. */
export interface ServiceScope {
  /** `metadata.namespace`. */
  readonly namespace: string;
  /** `metadata.labels`. */
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * Whether the pool's `serviceAllocation` admits the Service, exactly as MetalLB decides it: the
 * namespace must be in the pool's resolved namespace set only when that set is non-empty (so
 * namespaceSelectors that match no namespace restrict nothing), and at least one service
 * selector must match when there are any. A pool without serviceAllocation admits everyone.
 */
export function isPoolCompatible(pool: Pool, svc: ServiceScope): boolean {
  const sa = pool.serviceAllocation;
  if (sa === undefined) return true;
  if (sa.namespaces.size > 0 && !sa.namespaces.has(svc.namespace)) return false;
  return sa.serviceSelectors.length === 0 || sa.serviceSelectors.some((s) => s.matches(svc.labels));
}

const byName = (a: Pool, b: Pool): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

const priorityOf = (p: Pool): number => p.serviceAllocation?.priority ?? 0;

/**
 * MetalLB's `sortPools` comparator, verbatim in meaning: it is not a strict weak order (two
 * unset priorities are each "less" than the other), so the result depends on the algorithm.
 */
function goLess(a: Pool, b: Pool): boolean {
  const [pa, pb] = [priorityOf(a), priorityOf(b)];
  if (pa > 0 && pb > 0) return pa < pb;
  return !(pa === 0 && pb > 0);
}

/**
 * Go's `sort.Slice` on fewer than 13 elements is an insertion sort; run with {@link goLess} it
 * yields: priorities > 0 ascending (equal ones keep their input order), then the priority-0
 * pools in reverse input order. We apply the same to longer lists (Go switches to pdqsort there;
 * see docs/allocation.md).
 */
function goInsertionSort(pools: readonly Pool[]): Pool[] {
  const out = [...pools];
  for (let i = 1; i < out.length; i++) {
    for (let j = i; j > 0 && goLess(out[j] as Pool, out[j - 1] as Pool); j--) {
      [out[j - 1], out[j]] = [out[j] as Pool, out[j - 1] as Pool];
    }
  }
  return out;
}

/**
 * Pools pinned to the Service, in MetalLB's order. MetalLB lists the pools whose namespace set
 * contains the Service's namespace (Go map order: random; here by name), then every pool with
 * service selectors — including a serviceAllocation that sets none of namespaces,
 * namespaceSelectors, serviceSelectors, which matches everything — by name; keeps autoAssign
 * pools that admit the Service; sorts with {@link goInsertionSort}. A pool listed twice
 * (namespaces and selectors) is tried at its first position only.
 */
export function pinnedPools(pools: readonly Pool[], svc: ServiceScope): Pool[] {
  const sorted = [...pools].sort(byName);
  const byNamespace = sorted.filter((p) => p.serviceAllocation?.namespaces.has(svc.namespace) === true);
  const bySelector = sorted.filter((p) => (p.serviceAllocation?.serviceSelectors.length ?? 0) > 0);
  const candidates = [...byNamespace, ...bySelector].filter((p) => p.autoAssign && isPoolCompatible(p, svc));
  return [...new Set(goInsertionSort(candidates))];
}

/** The generic fallback: autoAssign pools without serviceAllocation (MetalLB: map order; here by name). */
export function genericPools(pools: readonly Pool[]): Pool[] {
  return pools.filter((p) => p.autoAssign && p.serviceAllocation === undefined).sort(byName);
}
