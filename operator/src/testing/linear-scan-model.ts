/**
 * A deliberately naive allocator: MetalLB's own algorithm, address by address. Each CIDR is
 * scanned from its first address and every address is checked against per-IP maps, so
 * filling N services costs ≈ N²/2 checks.
 *
 * It exists as the reference model for the property test (same addresses must be chosen as
 * by {@link Allocator}) and as the baseline of the IPAM microbenchmark. It reuses the pool
 * order helpers (not under test here) and shares no address structure with the real one.
 */
import type { IpFamily, Pool } from '../config/types.ts';
import { genericPools, isPoolCompatible, pinnedPools } from '../allocator/pool-order.ts';
import type { IpAddress } from '@metallb-ts/lib/ip/ip.ts';
import type { ServiceKey } from '@metallb-ts/lib/ids/ids.ts';
import type { FamilyRequest, ServiceClaim } from '../allocator/types.ts';

interface ModelAlloc {
  readonly pool: string;
  readonly ips: readonly IpAddress[];
  readonly claim: ServiceClaim;
}

const keyOf = (ip: IpAddress): string => `${ip.family}|${ip.value}`;
const buggy = (ip: IpAddress): boolean => ip.family === 'ipv4' && (ip.value % 256n === 0n || ip.value % 256n === 255n);
const portsOf = (c: ServiceClaim): string[] => c.ports.map((p) => `${p.protocol}/${p.port}`);

/** MetalLB's allocator, linear scan and all. */
export class LinearScanAllocator {
  #pools: Pool[] = [];
  readonly #allocs = new Map<ServiceKey, ModelAlloc>();
  readonly #users = new Map<string, Set<ServiceKey>>();

  /** Number of per-address checks performed so far (for the benchmark). */
  checks = 0;

  /** Replaces the pools; drops allocations that no longer fit one pool. */
  setPools(pools: readonly Pool[]): ServiceKey[] {
    this.#pools = [...pools].sort((a, b) => (a.name < b.name ? -1 : 1));
    const dropped: ServiceKey[] = [];
    for (const [svc, a] of [...this.#allocs].sort(([x], [y]) => (x < y ? -1 : 1))) {
      const pool = this.poolFor(a.ips);
      this.unassign(svc);
      if (pool === undefined) dropped.push(svc);
      else this.#record(svc, { ...a, pool: pool.name });
    }
    return dropped;
  }

  /** The pool holding every address, scanning all pools and CIDRs. */
  poolFor(ips: readonly IpAddress[]): Pool | undefined {
    if (ips.length === 0) return undefined;
    return this.#pools.find((p) =>
      ips.every((ip) => !(p.avoidBuggyIPs && buggy(ip)) && p.cidrs.some((c) => c.family === ip.family && c.first <= ip.value && ip.value <= c.last)),
    );
  }

  /** Addresses of a Service. */
  ipsOf(svc: ServiceKey): readonly IpAddress[] | undefined {
    return this.#allocs.get(svc)?.ips;
  }

  /** MetalLB's Assign; true on success. */
  assign(claim: ServiceClaim, ips: readonly IpAddress[]): boolean {
    const pool = this.poolFor(ips);
    if (pool === undefined || !isPoolCompatible(pool, claim) || ips.length > 2) return false;
    if (ips.length === 2 && ips[0]?.family === ips[1]?.family) return false;
    if (!ips.every((ip) => this.#shareable(claim, ip))) return false;
    this.unassign(claim.service);
    this.#record(claim.service, { pool: pool.name, ips, claim });
    return true;
  }

  /** Frees a Service's addresses. */
  unassign(svc: ServiceKey): void {
    const a = this.#allocs.get(svc);
    if (a === undefined) return;
    this.#allocs.delete(svc);
    for (const ip of a.ips) {
      const users = this.#users.get(keyOf(ip));
      users?.delete(svc);
      if (users?.size === 0) this.#users.delete(keyOf(ip));
    }
  }

  /** Pinned pools, then generic ones; per pool one address per family by linear scan. */
  allocate(claim: ServiceClaim, req: FamilyRequest): readonly IpAddress[] | undefined {
    const existing = this.#allocs.get(claim.service);
    if (existing !== undefined) return this.assign(claim, existing.ips) ? existing.ips : undefined;
    for (const pools of [pinnedPools(this.#pools, claim), genericPools(this.#pools)]) {
      const ips = this.#fromPools(pools, claim, req);
      if (ips !== undefined) return ips;
    }
    return undefined;
  }

  #fromPools(pools: readonly Pool[], claim: ServiceClaim, req: FamilyRequest): readonly IpAddress[] | undefined {
    const candidates: Partial<Record<IpFamily, IpAddress[]>> = {};
    for (const pool of pools) {
      const v4 = this.#scan(pool, claim, 'ipv4');
      const v6 = this.#scan(pool, claim, 'ipv6');
      const both = v4 && v6 ? [v4, v6] : undefined;
      const picked = req.family === 'ipv4' ? v4 && [v4] : req.family === 'ipv6' ? v6 && [v6] : both;
      if (picked !== undefined) return this.assign(claim, picked) ? picked : undefined;
      if (req.family !== 'dual' || req.policy !== 'PreferDualStack') continue;
      if (v4) candidates.ipv4 ??= [v4];
      if (v6) candidates.ipv6 ??= [v6];
    }
    const secondary: IpFamily = req.primary === 'ipv4' ? 'ipv6' : 'ipv4';
    const picked = candidates[req.primary] ?? candidates[secondary];
    return picked !== undefined && this.assign(claim, picked) ? picked : undefined;
  }

  /** First address of the family, in CIDR scan order, that is free or shareable. */
  #scan(pool: Pool, claim: ServiceClaim, family: IpFamily): IpAddress | undefined {
    for (const cidr of pool.addressEntries.flat()) {
      if (cidr.family !== family) continue;
      for (let v = cidr.first; v <= cidr.last; v++) {
        const ip = { family, value: v };
        this.checks++;
        if (!(pool.avoidBuggyIPs && buggy(ip)) && this.#shareable(claim, ip)) return ip;
      }
    }
    return undefined;
  }

  /** MetalLB's checkSharing (sole-user key change allowed; ports must not clash). */
  #shareable(claim: ServiceClaim, ip: IpAddress): boolean {
    const users = this.#users.get(keyOf(ip));
    if (users === undefined) return true;
    const others = [...users].filter((u) => u !== claim.service).map((u) => this.#allocs.get(u)?.claim);
    const first = others[0];
    if (first === undefined) return true;
    const sameKey = first.sharingKey !== '' && first.sharingKey === claim.sharingKey && first.backendKey === claim.backendKey;
    const taken = new Set(others.flatMap((o) => (o ? portsOf(o) : [])));
    return sameKey && portsOf(claim).every((p) => !taken.has(p));
  }

  #record(svc: ServiceKey, a: ModelAlloc): void {
    this.#allocs.set(svc, a);
    for (const ip of a.ips) {
      const users = this.#users.get(keyOf(ip)) ?? new Set<ServiceKey>();
      users.add(svc);
      this.#users.set(keyOf(ip), users);
    }
  }
}
