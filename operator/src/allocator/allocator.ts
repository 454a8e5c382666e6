/**
 * The IP allocator: MetalLB's `internal/allocator` semantics (first-fit per CIDR, sharing,
 * pool order, dual-stack) on data structures that never scan used addresses.
 *
 * Per pool CIDR, used addresses live in an interval set (see `address-space.ts`), so "the
 * lowest free address" is one O(log n) lookup. An address already used by services this one
 * may share with is found through a per-CIDR index keyed by (sharing key, backend key); the
 * winner is the lower of the two, exactly what MetalLB's linear scan returns. Cost per
 * allocation: O(P · log n + c), P = pools tried, c = same-key shared addresses whose ports
 * clash before the answer.
 *
 * Pure and deterministic: no I/O, no clock, no randomness; every iteration is ordered.
 *
 * Deliberate differences from MetalLB, all about undefined or buggy corners (listed with the
 * messages in docs/allocation.md):
 * - an address is released when its last user goes (MetalLB forgets the sharing key once no
 *   ports are left on it, even if a port-less service still uses it);
 * - a pool that has free addresses of the other family only reports "no available IPs in pool
 *   …" (MetalLB assigns a nil address and reports `["<nil>"] is not allowed in config`);
 * - services listed in "can't change sharing key" are sorted (MetalLB: Go map order).
 */
import type { IpFamily, Pool } from '../config/types.ts';
import { formatIp, type IpAddress } from '@metallb-ts/lib/ip/ip.ts';
import { err, ok, type Result } from '@metallb-ts/lib/result.ts';
import { sharingIdentity, SpaceIndex, type CidrSpace } from './address-space.ts';
import { exactCounters, int64Counters, addressesTotal, type PoolCounters } from './pool-counters.ts';
import { genericPools, isPoolCompatible, pinnedPools } from './pool-order.ts';
import type { ServiceKey } from '@metallb-ts/lib/ids/ids.ts';
import type { Port } from '../service/parsed-service.ts';
import type { AllocationError, FamilyRequest, ServiceClaim, SharingReason } from './types.ts';

/** Per-address state: who uses it, under which keys, on which ports. */
interface IpUse {
  readonly space: CidrSpace;
  readonly sharing: string;
  readonly backend: string;
  readonly services: Set<ServiceKey>;
  readonly ports: Map<string, ServiceKey>;
}

/** A Service's current allocation. */
interface Alloc {
  readonly pool: string;
  readonly ips: readonly IpAddress[];
  readonly claim: ServiceClaim;
}

/** One address per family found free (or shareable) in a pool. */
type Found = Partial<Record<IpFamily, IpAddress>>;

/** Go's `%q` of an address. */
export const quoteIp = (ip: IpAddress): string => `"${formatIp(ip.family, ip.value)}"`;

/** Go's `%q` of an address list. */
export const quoteIps = (ips: readonly IpAddress[]): string => `[${ips.map(quoteIp).join(' ')}]`;

const portText = (p: Port): string => `${p.protocol}/${p.port}`;

const sharingReasonOf = (use: IpUse, claim: ServiceClaim): SharingReason | undefined => {
  if (use.sharing === '') return 'existingNoSharing';
  if (claim.sharingKey === '') return 'newNoSharing';
  if (use.sharing !== claim.sharingKey) return 'keyMismatch';
  return use.backend !== claim.backendKey ? 'backendMismatch' : undefined;
};

const reasonText = (reason: SharingReason, use: IpUse, claim: ServiceClaim): string => {
  switch (reason) {
    case 'existingNoSharing':
      return 'existing service does not allow sharing';
    case 'newNoSharing':
      return 'new service does not allow sharing';
    case 'keyMismatch':
      return `sharing key "${claim.sharingKey}" does not match existing sharing key "${use.sharing}"`;
    case 'backendMismatch':
      return `backend key "${claim.backendKey}" does not match existing sharing key "${use.backend}"`;
  }
};

const familiesWanted = (req: FamilyRequest): IpFamily[] => (req.family === 'dual' ? ['ipv4', 'ipv6'] : [req.family]);

/**
 * MetalLB's `no available IPs in pool <p>` (getFreeIPsFromPool); the family asked for goes to
 * `detail`, never into the message.
 */
const noIps = (pool: string, family: string): AllocationError => ({
  kind: 'noAvailableIps', message: `no available IPs in pool ${pool}`, detail: { pool, family },
});

/** MetalLB's selectIPsForFamilyAndPolicy failure: only dual-stack requests reach it. */
const noIpsForFamily = (pool: string, family: string): AllocationError => ({
  kind: 'noAvailableIps', message: `no available IPs in pool ${pool} for ${family} IPFamily`, detail: { pool, family },
});

const NO_AVAILABLE: AllocationError = { kind: 'noAvailableIps', message: 'no available IPs' };

/** MetalLB's `selectIPsForFamilyAndPolicy`: which of the found addresses to take. */
export function selectIps(found: Found, req: FamilyRequest, pool: string): Result<IpAddress[], AllocationError> {
  const { ipv4, ipv6 } = found;
  if (ipv4 === undefined && ipv6 === undefined) return err(noIps(pool, req.family));
  if (req.family !== 'dual') {
    const ip = found[req.family];
    return ip === undefined ? err(noIps(pool, req.family)) : ok([ip]);
  }
  if (req.policy !== 'SingleStack' && ipv4 !== undefined && ipv6 !== undefined) return ok([ipv4, ipv6]);
  const one = ipv4 ?? ipv6;
  if (req.policy === 'PreferDualStack' && one !== undefined) return ok([one]);
  return err(noIpsForFamily(pool, req.family));
}

/** Tracks pools and the addresses assigned to Services. */
export class Allocator {
  #pools: readonly Pool[] = [];
  #byName = new Map<string, Pool>();
  #index = new SpaceIndex([]);
  #uses: Record<IpFamily, Map<bigint, IpUse>> = { ipv4: new Map(), ipv6: new Map() };
  readonly #allocs = new Map<ServiceKey, Alloc>();

  /** The current pools, sorted by name. */
  get pools(): readonly Pool[] {
    return this.#pools;
  }

  /**
   * Replaces the pool set. Allocations whose addresses no longer fit one pool are dropped and
   * returned (sorted); the others follow their addresses to the (possibly renamed) new pool.
   */
  setPools(pools: readonly Pool[]): { readonly released: ServiceKey[] } {
    this.#pools = [...pools].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    this.#byName = new Map(this.#pools.map((p) => [p.name, p]));
    this.#index = new SpaceIndex(this.#pools);
    this.#uses = { ipv4: new Map(), ipv6: new Map() };
    const previous = [...this.#allocs].sort(([a], [b]) => (a < b ? -1 : 1));
    this.#allocs.clear();
    const released: ServiceKey[] = [];
    for (const [svc, alloc] of previous) {
      const pool = this.poolFor(alloc.ips);
      if (pool === undefined) released.push(svc);
      else this.#commit(svc, { ...alloc, pool: pool.name });
    }
    return { released };
  }

  /** The pool holding all of `ips` (buggy addresses of avoidBuggyIPs pools excluded). */
  poolFor(ips: readonly IpAddress[]): Pool | undefined {
    const names = new Set(ips.map((ip) => this.#index.find(ip.family, ip.value)?.pool));
    const [name] = names;
    return names.size === 1 && name !== undefined ? this.#byName.get(name) : undefined;
  }

  /** Pool of the Service's current allocation. */
  poolOf(service: ServiceKey): string | undefined {
    return this.#allocs.get(service)?.pool;
  }

  /** Addresses currently assigned to the Service. */
  ipsOf(service: ServiceKey): readonly IpAddress[] | undefined {
    return this.#allocs.get(service)?.ips;
  }

  /** Services holding an allocation, sorted. */
  services(): ServiceKey[] {
    return [...this.#allocs.keys()].sort();
  }

  /** Services using an address, sorted (empty when free). */
  usersOf(ip: IpAddress): ServiceKey[] {
    return [...(this.#uses[ip.family].get(ip.value)?.services ?? [])].sort();
  }

  /**
   * Assigns exactly `ips` to the Service when MetalLB would allow it: one pool holds them all,
   * the pool admits the Service, at most two of different families, and every address is
   * free or shareable. Replaces the Service's previous allocation on success.
   */
  assign(claim: ServiceClaim, ips: readonly IpAddress[]): Result<void, AllocationError> {
    const pool = this.poolFor(ips);
    if (pool === undefined) return err({ kind: 'notInConfig', message: `${quoteIps(ips)} is not allowed in config` });
    if (!isPoolCompatible(pool, claim)) {
      return err({ kind: 'poolIncompatible', pool: pool.name, message: `pool ${pool.name} not compatible for ip assignment`, detail: { pool: pool.name } });
    }
    const problem = dualStackProblem(ips) ?? ips.map((ip) => this.#sharingProblem(claim, ip)).find((e) => e !== undefined);
    if (problem !== undefined) return err(problem);
    this.#commit(claim.service, { pool: pool.name, ips: [...ips], claim });
    return ok(undefined);
  }

  /** Frees the Service's addresses (an address is released when its last user goes). */
  unassign(service: ServiceKey): boolean {
    const alloc = this.#allocs.get(service);
    if (alloc === undefined) return false;
    this.#allocs.delete(service);
    for (const ip of alloc.ips) this.#release(service, alloc, ip);
    return true;
  }

  /**
   * Allocates from pinned pools (by priority), then generic autoAssign pools; an existing
   * allocation is re-assigned instead.
   */
  allocate(claim: ServiceClaim, req: FamilyRequest): Result<readonly IpAddress[], AllocationError> {
    const existing = this.#allocs.get(claim.service);
    if (existing !== undefined) return this.#reassign(claim, existing);
    for (const pools of [pinnedPools(this.#pools, claim), genericPools(this.#pools)]) {
      const r = this.#allocateFromPools(pools, claim, req);
      if (r.ok) return r;
    }
    return err(NO_AVAILABLE);
  }

  /** Allocates from the named pool (autoAssign ignored; serviceAllocation still enforced). */
  allocateFromPool(claim: ServiceClaim, poolName: string, req: FamilyRequest): Result<readonly IpAddress[], AllocationError> {
    const existing = this.#allocs.get(claim.service);
    if (existing !== undefined) {
      const fam = existing.ips.length === 2 ? 'dual' : existing.ips[0]?.family;
      if (req.policy !== 'PreferDualStack' && fam !== req.family) {
        return err({ kind: 'wrongFamily', message: `IP for wrong family assigned alloc ${fam} service family ${req.family}` });
      }
      return this.#reassign(claim, existing);
    }
    const pool = this.#byName.get(poolName);
    if (pool === undefined) return err({ kind: 'unknownPool', pool: poolName, message: `unknown pool "${poolName}"` });
    const ips = selectIps(this.#freeIn(pool, claim, familiesWanted(req)), req, pool.name);
    if (!ips.ok) return ips;
    const r = this.assign(claim, ips.value);
    return r.ok ? ips : r;
  }

  /**
   * PreferDualStack with one address: adds the other family from the Service's current pool,
   * keeping the existing address.
   */
  allocateAdditionalFamily(claim: ServiceClaim, existing: IpAddress): Result<IpAddress, AllocationError> {
    const family: IpFamily = existing.family === 'ipv4' ? 'ipv6' : 'ipv4';
    const poolName = this.poolOf(claim.service) ?? '';
    const pool = this.#byName.get(poolName);
    if (pool === undefined) return err({ kind: 'unknownPool', pool: poolName, message: `unknown pool "${poolName}"` });
    const ip = this.#freeIn(pool, claim, [family])[family];
    if (ip === undefined) return err(noIps(pool.name, family));
    const r = this.assign(claim, [existing, ip]);
    return r.ok ? ok(ip) : r;
  }

  /**
   * The first address per wanted family that `claim` could get from the named pool (free, or
   * shareable with it): what every allocation path looks at, exposed for explanations.
   */
  firstFree(poolName: string, claim: ServiceClaim, req: FamilyRequest): Partial<Record<IpFamily, IpAddress>> {
    const pool = this.#byName.get(poolName);
    return pool === undefined ? {} : this.#freeIn(pool, claim, familiesWanted(req));
  }

  /** Exact counters of a pool (undefined for an unknown pool). */
  counters(pool: string): PoolCounters | undefined {
    const spaces = this.#index.byPool.get(pool);
    return spaces && exactCounters(spaces);
  }

  /** Counters as MetalLB's int64 status fields carry them (see `pool-counters.ts`). */
  int64Counters(pool: string): PoolCounters | undefined {
    const spaces = this.#index.byPool.get(pool);
    return spaces && int64Counters(spaces);
  }

  /** `metallb_allocator_addresses_total` of a pool. */
  addressesTotal(pool: string): bigint | undefined {
    const spaces = this.#index.byPool.get(pool);
    return spaces && addressesTotal(spaces);
  }

  #reassign(claim: ServiceClaim, existing: Alloc): Result<readonly IpAddress[], AllocationError> {
    const r = this.assign(claim, existing.ips);
    return r.ok ? ok(existing.ips) : r;
  }

  /** MetalLB's `allocateFromPools`: best pool, select, assign; any failure → "no available IPs". */
  #allocateFromPools(pools: readonly Pool[], claim: ServiceClaim, req: FamilyRequest): Result<IpAddress[], AllocationError> {
    const best = this.#bestPool(pools, claim, req);
    const ips = best === undefined ? undefined : selectIps(best.found, req, best.pool);
    if (ips === undefined || !ips.ok) return err(NO_AVAILABLE);
    return this.assign(claim, ips.value).ok ? ips : err(NO_AVAILABLE);
  }

  /**
   * MetalLB's `findBestPoolForService`: the first pool with the wanted family (or both, for
   * dual); PreferDualStack falls back to the first pool with the primary family, then the
   * first with the secondary one.
   */
  #bestPool(pools: readonly Pool[], claim: ServiceClaim, req: FamilyRequest): { pool: string; found: Found } | undefined {
    const secondary: IpFamily = req.primary === 'ipv4' ? 'ipv6' : 'ipv4';
    const fallback: Partial<Record<IpFamily, { pool: string; found: Found }>> = {};
    for (const pool of pools) {
      const found = this.#freeIn(pool, claim, familiesWanted(req));
      const hit = req.family === 'dual' ? found.ipv4 !== undefined && found.ipv6 !== undefined : found[req.family] !== undefined;
      if (hit) return { pool: pool.name, found };
      if (req.family !== 'dual' || req.policy !== 'PreferDualStack') continue;
      for (const f of ['ipv4', 'ipv6'] as const) if (found[f] !== undefined) fallback[f] ??= { pool: pool.name, found };
    }
    return fallback[req.primary] ?? fallback[secondary];
  }

  /** MetalLB's `getFreeIPsFromPool`: per family, the first CIDR (scan order) with a candidate. */
  #freeIn(pool: Pool, claim: ServiceClaim, families: readonly IpFamily[]): Found {
    const found: Found = {};
    for (const space of this.#index.byPool.get(pool.name) ?? []) {
      const family = space.cidr.family;
      if (!families.includes(family) || found[family] !== undefined) continue;
      const value = this.#lowestCandidate(space, claim);
      if (value !== undefined) found[family] = { family, value };
    }
    return found;
  }

  /** Lowest address of the block that is free or shareable by the claim (MetalLB's scan). */
  #lowestCandidate(space: CidrSpace, claim: ServiceClaim): bigint | undefined {
    const free = space.lowestFree();
    const identity = sharingIdentity(claim.sharingKey, claim.backendKey);
    if (identity === undefined) return free;
    const uses = this.#uses[space.cidr.family];
    for (const value of space.sharedUnder(identity)) {
      if (free !== undefined && value > free) break;
      const use = uses.get(value);
      if (use !== undefined && portClash(use, claim) === undefined) return value;
    }
    return free;
  }

  /** MetalLB's `checkSharing` for one address. */
  #sharingProblem(claim: ServiceClaim, ip: IpAddress): AllocationError | undefined {
    const use = this.#uses[ip.family].get(ip.value);
    if (use === undefined) return undefined;
    const reason = sharingReasonOf(use, claim);
    const others = [...use.services].filter((s) => s !== claim.service).sort();
    if (reason !== undefined && others.length > 0) {
      const message = `can't change sharing key for "${claim.service}", address also in use by ${others.join(',')}`;
      return { kind: 'sharing', reason, message, detail: { sharingReason: reasonText(reason, use, claim) } };
    }
    const port = portClash(use, claim);
    return port && { kind: 'portInUse', port, message: `port ${portText(port)} is already in use on ${quoteIp(ip)}` };
  }

  /** Records an allocation known to be valid (after unassigning the Service's old one). */
  #commit(service: ServiceKey, alloc: Alloc): void {
    this.unassign(service);
    this.#allocs.set(service, alloc);
    for (const ip of alloc.ips) {
      const use = this.#useFor(ip, alloc.claim);
      use.services.add(service);
      for (const p of alloc.claim.ports) use.ports.set(portText(p), service);
    }
  }

  /** The state of an address, created (and marked used) on first use. */
  #useFor(ip: IpAddress, claim: ServiceClaim): IpUse {
    const uses = this.#uses[ip.family];
    const existing = uses.get(ip.value);
    if (existing !== undefined) return existing;
    const space = this.#index.find(ip.family, ip.value);
    if (space === undefined) throw new Error(`allocator: ${quoteIp(ip)} committed outside every pool`);
    const use: IpUse = { space, sharing: claim.sharingKey, backend: claim.backendKey, services: new Set(), ports: new Map() };
    uses.set(ip.value, use);
    space.markUsed(ip.value, sharingIdentity(use.sharing, use.backend));
    return use;
  }

  #release(service: ServiceKey, alloc: Alloc, ip: IpAddress): void {
    const uses = this.#uses[ip.family];
    const use = uses.get(ip.value);
    if (use === undefined) return;
    use.services.delete(service);
    for (const p of alloc.claim.ports) if (use.ports.get(portText(p)) === service) use.ports.delete(portText(p));
    if (use.services.size > 0) return;
    uses.delete(ip.value);
    use.space.markFree(ip.value, sharingIdentity(use.sharing, use.backend));
  }
}

/** The first of the claim's ports another service already uses on the address. */
function portClash(use: IpUse, claim: ServiceClaim): Port | undefined {
  return claim.ports.find((p) => {
    const owner = use.ports.get(portText(p));
    return owner !== undefined && owner !== claim.service;
  });
}

/** MetalLB's dual-stack constraints on an explicit address list. */
function dualStackProblem(ips: readonly IpAddress[]): AllocationError | undefined {
  if (ips.length > 2) return { kind: 'tooManyAddresses', message: `more than two addresses ${quoteIps(ips)}` };
  const [a, b] = ips;
  if (a !== undefined && b !== undefined && a.family === b.family) {
    return { kind: 'sameFamily', message: `${quoteIp(a)} ${quoteIp(b)} has the same family` };
  }
  return undefined;
}
