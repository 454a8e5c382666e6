/**
 * Which pools a Service may draw from, and in what order (MetalLB's `pinnedPoolsForService`,
 * `isPoolCompatibleWithService` and the generic fallback of `Allocate`).
 *
 * Where MetalLB's order is undefined we choose a stable one and say so: pinned pools with the
 * same priority are ordered by name (MetalLB: unstable sort), and generic pools are ordered by
 * name (MetalLB: Go map iteration order, i.e. random).
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
 * Whether the pool's `serviceAllocation` admits the Service: namespace set (when given) AND at
 * least one service selector (when given). A pool without serviceAllocation admits everyone.
 */
export function isPoolCompatible(pool: Pool, svc: ServiceScope): boolean {
  const sa = pool.serviceAllocation;
  if (sa === undefined) return true;
  if (sa.restrictsNamespaces && !sa.namespaces.has(svc.namespace)) return false;
  return sa.serviceSelectors.length === 0 || sa.serviceSelectors.some((s) => s.matches(svc.labels));
}

const byName = (a: Pool, b: Pool): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** Sort rank of a priority: 1, 2, 3, … first, 0 (unset) last. */
const rank = (priority: number): number => (priority > 0 ? priority : Number.POSITIVE_INFINITY);

/**
 * Pools pinned to the Service: autoAssign pools with a serviceAllocation that admits it,
 * by priority ascending with 0 last, ties by name.
 */
export function pinnedPools(pools: readonly Pool[], svc: ServiceScope): Pool[] {
  const pinned = pools.filter((p) => p.serviceAllocation !== undefined && p.autoAssign && isPoolCompatible(p, svc));
  return pinned.sort((a, b) => {
    const d = rank(a.serviceAllocation?.priority ?? 0) - rank(b.serviceAllocation?.priority ?? 0);
    return d !== 0 && !Number.isNaN(d) ? d : byName(a, b);
  });
}

/** The generic fallback: autoAssign pools without serviceAllocation, by name. */
export function genericPools(pools: readonly Pool[]): Pool[] {
  return pools.filter((p) => p.autoAssign && p.serviceAllocation === undefined).sort(byName);
}
