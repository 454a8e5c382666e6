/**
 * Test DSL for the allocator: a list of steps run against one {@link Allocator}, each
 * rendered as a short string (addresses, `ok`, `released:…`, or `err:<kind>`), so that
 * table-driven tests compare one array of strings. Not used by production code.
 */
import type { Pool } from '../config/types.ts';
import { formatIp, type IpAddress } from '@metallb-ts/lib/ip/ip.ts';
import type { Result } from '@metallb-ts/lib/result.ts';
import { Allocator } from '../allocator/allocator.ts';
import { claim, FAMILIES, ip } from './test-pools.ts';
import type { AllocationError, ServiceClaim } from '../allocator/types.ts';

/** Claim fields a step may override. */
export type ClaimOverrides = Partial<Omit<ServiceClaim, 'service'>>;

/** One step of a scenario. */
export type Step =
  | { readonly allocate: string; readonly with?: ClaimOverrides; readonly fam?: keyof typeof FAMILIES }
  | { readonly fromPool: string; readonly svc: string; readonly with?: ClaimOverrides; readonly fam?: keyof typeof FAMILIES }
  | { readonly assign: string; readonly ips: readonly string[]; readonly with?: ClaimOverrides }
  | { readonly additional: string; readonly existing: string; readonly with?: ClaimOverrides }
  | { readonly unassign: string }
  | { readonly setPools: readonly Pool[] };

const text = (ips: readonly IpAddress[]): string => ips.map((x) => formatIp(x.family, x.value)).join(',');

/** Renders a result: addresses, `ok`, or `err:<kind>`. */
function render(r: Result<readonly IpAddress[] | IpAddress | void, AllocationError>): string {
  if (!r.ok) return `err:${r.error.kind}`;
  if (r.value === undefined) return 'ok';
  return text(Array.isArray(r.value) ? r.value : [r.value as IpAddress]);
}

/** Runs one step. */
function runStep(a: Allocator, s: Step): string {
  if ('setPools' in s) return `released:${a.setPools(s.setPools).released.join(',')}`;
  if ('unassign' in s) return String(a.unassign(claim(s.unassign).service));
  if ('allocate' in s) return render(a.allocate(claim(s.allocate, s.with), FAMILIES[s.fam ?? 'v4']));
  if ('fromPool' in s) return render(a.allocateFromPool(claim(s.svc, s.with), s.fromPool, FAMILIES[s.fam ?? 'v4']));
  if ('assign' in s) return render(a.assign(claim(s.assign, s.with), s.ips.map(ip)));
  return render(a.allocateAdditionalFamily(claim(s.additional, s.with), ip(s.existing)));
}

/** Runs the steps on a fresh allocator holding `pools`; returns the rendered outputs. */
export function runScenario(pools: readonly Pool[], steps: readonly Step[]): { outputs: string[]; allocator: Allocator } {
  const allocator = new Allocator();
  allocator.setPools(pools);
  return { outputs: steps.map((s) => runStep(allocator, s)), allocator };
}
