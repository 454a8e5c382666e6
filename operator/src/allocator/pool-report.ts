/**
 * Why each pool was or was not a candidate for a Service (pure, for the AddressAllocated
 * condition and `metallb-ts explain`): the pools in the order allocation tries them (MetalLB's
 * pinned pools, then the generic autoAssign pools, pool-order.ts), then every other pool with
 * the reason it was skipped. Built from the allocator's own order and free-address lookup, so
 * it can never disagree with what allocation did.
 */
import { formatIp } from '@metallb-ts/lib/ip/ip.ts';
import type { Pool } from '../config/types.ts';
import type { Allocator } from './allocator.ts';
import { genericPools, isPoolCompatible, pinnedPools } from './pool-order.ts';
import type { FamilyRequest, ServiceClaim } from './types.ts';

/** One pool's verdict for one Service. */
export type PoolVerdict =
  /** Tried, and it has an address for the Service (the first such is what allocation takes). */
  | { readonly pool: string; readonly verdict: 'candidate'; readonly free: readonly string[] }
  /** Tried, and it has no address of the wanted family left for the Service. */
  | { readonly pool: string; readonly verdict: 'exhausted' }
  /** Never tried: `spec.autoAssign: false` and the Service does not request it. */
  | { readonly pool: string; readonly verdict: 'notAutoAssign' }
  /** Never tried: its `serviceAllocation` does not admit the Service's namespace or labels. */
  | { readonly pool: string; readonly verdict: 'notSelected' }
  /** Never tried: it has no CIDR of the family the Service needs. */
  | { readonly pool: string; readonly verdict: 'wrongFamily' }
  /** Never tried: the Service requests another pool. */
  | { readonly pool: string; readonly verdict: 'notRequested' };

const familiesOf = (req: FamilyRequest): readonly string[] => (req.family === 'dual' ? ['ipv4', 'ipv6'] : [req.family]);

/** Whether the pool has a CIDR of a family the request needs (PreferDualStack takes either). */
function hasFamily(pool: Pool, req: FamilyRequest): boolean {
  const fams = familiesOf(req);
  const present = fams.filter((f) => pool.cidrs.some((c) => c.family === f));
  return req.family === 'dual' && req.policy !== 'PreferDualStack' ? present.length === 2 : present.length > 0;
}

/** The verdict of a pool that allocation tries. */
function tried(alloc: Allocator, pool: Pool, claim: ServiceClaim, req: FamilyRequest): PoolVerdict {
  if (!hasFamily(pool, req)) return { pool: pool.name, verdict: 'wrongFamily' };
  const found = alloc.firstFree(pool.name, claim, req);
  const free = Object.values(found).map((ip) => formatIp(ip.family, ip.value));
  const enough = req.family === 'dual' && req.policy !== 'PreferDualStack' ? free.length === 2 : free.length > 0;
  return enough ? { pool: pool.name, verdict: 'candidate', free } : { pool: pool.name, verdict: 'exhausted' };
}

/**
 * Every configured pool's verdict for the Service, tried pools first in allocation order.
 * `requestedPool` (the `address-pool` annotation) narrows the try list to that pool.
 */
export function poolReportFor(alloc: Allocator, claim: ServiceClaim, req: FamilyRequest, requestedPool = ''): PoolVerdict[] {
  const all = alloc.pools;
  const scope = { namespace: claim.namespace, labels: claim.labels };
  const order = requestedPool !== ''
    ? all.filter((p) => p.name === requestedPool && isPoolCompatible(p, scope))
    : [...new Set([...pinnedPools(all, scope), ...genericPools(all)])];
  const triedNames = new Set(order.map((p) => p.name));
  const skipped = all.filter((p) => !triedNames.has(p.name)).map((p): PoolVerdict => {
    if (requestedPool !== '' && p.name !== requestedPool) return { pool: p.name, verdict: 'notRequested' };
    if (!isPoolCompatible(p, scope)) return { pool: p.name, verdict: 'notSelected' };
    return { pool: p.name, verdict: p.autoAssign ? 'notSelected' : 'notAutoAssign' };
  });
  return [...order.map((p) => tried(alloc, p, claim, req)), ...skipped];
}

/** One line per verdict, as `explain` prints it. */
export function verdictText(v: PoolVerdict): string {
  switch (v.verdict) {
    case 'candidate':
      return `candidate (first free: ${v.free.join(', ')})`;
    case 'exhausted':
      return 'skipped: no free address of the wanted family left for this Service';
    case 'notAutoAssign':
      return 'skipped: spec.autoAssign is false and the Service does not request it';
    case 'notSelected':
      return "skipped: its spec.serviceAllocation does not select the Service's namespace or labels";
    case 'wrongFamily':
      return "skipped: it has no addresses of the Service's IP family";
    case 'notRequested':
      return 'skipped: the Service requests another pool (metallb.io/address-pool)';
  }
}
