/**
 * The AddressAllocated verdict of a Service (pure), from the allocation decision and the pool
 * report (allocator/pool-report.ts): which address came from which pool, or why none did, with
 * the object to change. The message starts with MetalLB's own text where there is one.
 */
import type { ConvergeDecision, ConvergeFailure } from '../allocator/converge-service.ts';
import type { PoolVerdict } from '../allocator/pool-report.ts';
import { ALLOCATED, type AllocationReason, type StageCondition } from './conditions.ts';

type SetDecision = Extract<ConvergeDecision, { action: 'set' }>;

/** The condition reason of a failure; `noAvailableIps` is split by whether any pool was tried. */
export function allocationReasonOf(f: ConvergeFailure, report: readonly PoolVerdict[]): AllocationReason {
  switch (f.kind) {
    case 'noPools':
    case 'unknownPool':
      return 'NoMatchingPool';
    case 'noAvailableIps':
      return report.some((v) => v.verdict === 'exhausted') ? 'PoolExhausted' : 'NoMatchingPool';
    case 'sharing':
    case 'portInUse':
      return 'SharingRefused';
    case 'service':
    case 'internal':
      return 'ServiceInvalid';
    default:
      return 'RequestedIPUnavailable';
  }
}

const names = (report: readonly PoolVerdict[], v: PoolVerdict['verdict']): string =>
  report.filter((p) => p.verdict === v).map((p) => p.pool).join(', ');

/** What to change, per reason: the object named. */
function hintFor(reason: AllocationReason, svc: string, report: readonly PoolVerdict[]): string {
  switch (reason) {
    case 'NoMatchingPool':
      return report.length === 0
        ? 'create an IPAddressPool in the MetalLB namespace'
        : `no IPAddressPool admits Service ${svc}: check spec.autoAssign / spec.serviceAllocation of IPAddressPool ${report.map((p) => p.pool).join(', ')}, or the Service's metallb.io/address-pool annotation`;
    case 'PoolExhausted':
      return `IPAddressPool ${names(report, 'exhausted')} has no free address for Service ${svc}: add addresses to its spec.addresses or delete a Service using one`;
    case 'SharingRefused':
      return `Service ${svc} may not share the address: check metallb.io/allow-shared-ip and the ports of the Services holding it`;
    case 'RequestedIPUnavailable':
      return `the address requested by Service ${svc} (metallb.io/loadBalancerIPs or spec.loadBalancerIP) is not available: change the request or the IPAddressPool holding it`;
    default:
      return `fix Service ${svc}: its own fields (spec.clusterIPs, spec.ipFamilies / ipFamilyPolicy, the requested addresses) can not be used as they are`;
  }
}

/**
 * The configuration the operator could not load: its errors (`Kind/name field: message; …`,
 * ConfigurationState's errorSummary), while the last valid configuration stays in force.
 */
export interface StaleConfig {
  readonly errors: string;
  /** `namespace/name` of the ConfigurationState that reports it. */
  readonly state: string;
}

/** The ConfigInvalid message: why the allocation failed under the old config, and what to fix. */
export const configInvalidMessage = (failure: string, stale: StaleConfig): string =>
  `${failure}; the configuration is invalid, so the last valid one is in force: fix ${stale.errors} (ConfigurationState ${stale.state})`;

/**
 * The AddressAllocated condition for a LoadBalancer Service the operator handles; undefined for
 * one that is not a LoadBalancer (nothing is written on those). A failure while the configuration
 * is `stale` is `ConfigInvalid`, naming the objects to fix: the Service may well be meant for a
 * pool the rejected configuration adds. An allocated Service stays `Allocated` (its address is
 * kept), so an invalid edit rewrites only the Services that have no address.
 */
export function allocationConditionFor(svc: { readonly key: string; readonly isLoadBalancer: boolean }, d: SetDecision, report: readonly PoolVerdict[], stale?: StaleConfig): StageCondition | undefined {
  if (!svc.isLoadBalancer) return undefined;
  if (d.failure === undefined && d.ingress.length > 0 && d.pool !== null) {
    return { type: ALLOCATED, status: 'True', reason: 'Allocated', message: `assigned ${d.ingress.join(', ')} from IPAddressPool ${d.pool}` };
  }
  const f = d.failure ?? { kind: 'internal', message: 'no address assigned' };
  if (stale !== undefined) return { type: ALLOCATED, status: 'False', reason: 'ConfigInvalid', message: configInvalidMessage(f.message, stale) };
  const reason = allocationReasonOf(f, report);
  return { type: ALLOCATED, status: 'False', reason, message: `${f.message}; ${hintFor(reason, svc.key, report)}` };
}
