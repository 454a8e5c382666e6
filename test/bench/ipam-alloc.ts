/**
 * IPAM microbenchmark: the interval-set allocator against MetalLB's first-fit linear scan.
 *
 * - fill_slash16_ms: 65,536 allocations filling a /16, one pool.
 * - alloc_slash64_us: mean µs per allocation for 10,000 allocations from a /64.
 * - naive_fill_slash16_ms: the same /16 fill by the linear-scan model (≈ N²/2 address checks).
 *   Running it for real takes minutes, so a /20 fill (4,096 allocations) is measured and
 *   extrapolated quadratically (×256); `naive_method` says so.
 *
 * Run alone: `node test/bench/ipam-alloc.ts`. Prints a table; asserts nothing.
 */
import { performance } from 'node:perf_hooks';
import { Allocator } from '@metallb-ts/operator/allocator/allocator.ts';
import { LinearScanAllocator } from '@metallb-ts/operator/testing/linear-scan-model.ts';
import { claim, FAMILIES, testPool } from '@metallb-ts/operator/testing/test-pools.ts';
import type { FamilyRequest, ServiceClaim } from '@metallb-ts/operator/allocator/types.ts';

/** Result of {@link allocatorMicrobench}. */
export interface AllocatorMicrobench {
  /** Milliseconds to fill a /16 (65,536 allocations). */
  fill_slash16_ms: number;
  /** Mean microseconds per allocation from a /64. */
  alloc_slash64_us: number;
  /** Milliseconds for the same /16 fill by a MetalLB-style linear scan (see naive_method). */
  naive_fill_slash16_ms: number;
  /** How the naive number was obtained. */
  naive_method: string;
}

interface Allocates {
  allocate(c: ServiceClaim, req: FamilyRequest): unknown;
}

/** Times `count` allocations of distinct services; claims are built before the clock starts. */
function timeFill(alloc: Allocates, count: number, req: FamilyRequest): number {
  const claims = Array.from({ length: count }, (_, i) => claim(`bench/s${i}`, { ports: [] }));
  const t0 = performance.now();
  for (const c of claims) alloc.allocate(c, req);
  return performance.now() - t0;
}

const round = (x: number, digits = 2): number => Number(x.toFixed(digits));

/** Runs the three measurements. */
export async function allocatorMicrobench(): Promise<AllocatorMicrobench> {
  const v4 = new Allocator();
  v4.setPools([testPool('p16', ['10.0.0.0/16'])]);
  const fill = timeFill(v4, 65_536, FAMILIES.v4);

  const v6 = new Allocator();
  v6.setPools([testPool('p64', ['2001:db8::/64'])]);
  const per64 = (timeFill(v6, 10_000, FAMILIES.v6) * 1000) / 10_000;

  const naive = new LinearScanAllocator();
  naive.setPools([testPool('p20', ['10.0.0.0/20'])]);
  const naive20 = timeFill(naive, 4096, FAMILIES.v4);
  return {
    fill_slash16_ms: round(fill),
    alloc_slash64_us: round(per64, 3),
    naive_fill_slash16_ms: round(naive20 * 256),
    naive_method: `extrapolated: /20 fill (4,096 allocations, ${naive.checks} address checks) measured ${round(naive20)} ms, ×256 (quadratic) for /16`,
  };
}

/** Entry point for the bench runner convention (`run(args)`). */
export const run = async (): Promise<Record<string, unknown>> => ({ ...(await allocatorMicrobench()) });

if (import.meta.main) {
  const r = await allocatorMicrobench();
  const rows: [string, string][] = [
    ['fill /16 (65,536 allocations)', `${r.fill_slash16_ms} ms`],
    ['allocation from a /64 (mean)', `${r.alloc_slash64_us} µs`],
    ['naive linear-scan fill /16', `${r.naive_fill_slash16_ms} ms`],
    ['speed-up on the /16 fill', `×${round(r.naive_fill_slash16_ms / r.fill_slash16_ms, 1)}`],
  ];
  for (const [k, v] of rows) console.log(`${k.padEnd(34)} ${v}`);
  console.log(`naive method: ${r.naive_method}`);
}
