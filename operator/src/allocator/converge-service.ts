/**
 * The per-Service allocation decision: a port of MetalLB's `convergeBalancer` + `allocateIPs`
 * (controller/service.go) and the write/skip logic of `SetBalancer` (controller/main.go).
 *
 * Pure: it reads the parsed Service (service/parse-service.ts; never the raw object), updates
 * the {@link Allocator} (which is the in-memory state
 * MetalLB keeps too) and returns what to write and which events to emit. The shell writes
 * `status.loadBalancer.ingress` and the `metallb.io/ip-allocated-from-pool` annotation only
 * when `changed`, emits the events, and acts on `outcome`.
 *
 * The shell must not call this before the first pool set is known (MetalLB skips services
 * until its config is loaded); with a loaded but empty pool set the service is cleared.
 */
import { formatIp, type IpAddress } from '@metallb-ts/lib/ip/ip.ts';
import type { ServiceKey } from '@metallb-ts/lib/ids/ids.ts';
import { err, ok, type Result } from '@metallb-ts/lib/result.ts';
import { ingressIpsOf, quoteList } from '../service/ip-family.ts';
import type { IngressIps, IpFamilyPolicy, ParsedService, ServiceFamily } from '../service/parsed-service.ts';
import { quoteIp, quoteIps, type Allocator } from './allocator.ts';
import type { AllocationError, ErrorDetail, FamilyRequest, ServiceClaim } from './types.ts';

/** A Kubernetes Event to attach to the Service (MetalLB's reasons and wording). */
export interface ServiceEvent {
  /** `Normal` or `Warning`. */
  readonly type: 'Normal' | 'Warning';
  /** MetalLB's reason, e.g. `IPAllocated`, `AllocationFailed`. */
  readonly reason: string;
  /** MetalLB's message, byte for byte (users grep events for it; see messages.test.ts). */
  readonly message: string;
  /** What we know beyond MetalLB's message (pool, family, sharing reason): for log fields only. */
  readonly detail?: ErrorDetail;
}

/**
 * Why a convergence failed, for the AddressAllocated condition: the allocator's error kind, or
 * `noPools` (no pool configured), `service` (the Service's own fields or annotations are
 * unusable), `request` (requested IPs that cannot be honoured as asked), `internal`.
 */
export interface ConvergeFailure {
  readonly kind: AllocationError['kind'] | 'noPools' | 'service' | 'request' | 'internal';
  /** MetalLB's message (as in the event). */
  readonly message: string;
}

/** What the reconciler does next (MetalLB's SyncState). */
export type ConvergeOutcome = 'success' | 'reprocessAll' | 'noRetry';

/** The decision for one Service. */
export type ConvergeDecision =
  | { readonly action: 'ignore' }
  | {
      readonly action: 'set';
      /** `status.loadBalancer.ingress[].ip`, in order (empty = cleared). */
      readonly ingress: readonly string[];
      /** Value of `metallb.io/ip-allocated-from-pool`; null = annotation absent. */
      readonly pool: string | null;
      /** Events to emit, in order. */
      readonly events: readonly ServiceEvent[];
      /** Whether ingress or the annotation differ from the Service (false = no write). */
      readonly changed: boolean;
      /** Reconcile outcome. */
      readonly outcome: ConvergeOutcome;
      /** Why the Service holds no address; undefined when it converged (or is not a LoadBalancer). */
      readonly failure?: ConvergeFailure;
    };

/** Options of {@link convergeService}. */
export interface ConvergeOptions {
  /** `--lb-class`: unset → only services without a class; set → only that class. */
  readonly lbClass?: string;
  /**
   * The allocator's addresses for this key were allocated to this very Service (same UID) by
   * this operator: when the Service shows no ingress (its write failed, or someone cleared the
   * status), those addresses are kept and written again instead of being released.
   */
  readonly holdsOwn?: boolean;
}

/** Mutable working state of one convergence. */
interface Ctx {
  readonly svc: ParsedService;
  readonly claim: ServiceClaim;
  readonly alloc: Allocator;
  /** See {@link ConvergeOptions.holdsOwn}. */
  readonly holdsOwn: boolean;
  readonly events: ServiceEvent[];
  /** What the written Service would hold; undefined = untouched. */
  next: { ingress: readonly string[]; pool: string | null } | undefined;
  /** The first failure met. */
  failure?: ConvergeFailure;
}

/** Records why the convergence failed (the first reason wins) and answers `'failed'`. */
function fail(ctx: Ctx, kind: ConvergeFailure['kind'], message: string): 'failed' {
  ctx.failure ??= { kind, message };
  return 'failed';
}

const withDetail = (detail: ErrorDetail | undefined): { detail?: ErrorDetail } => (detail === undefined ? {} : { detail });
const normal = (reason: string, message: string, detail?: ErrorDetail): ServiceEvent => ({ type: 'Normal', reason, message, ...withDetail(detail) });
const warning = (reason: string, message: string, detail?: ErrorDetail): ServiceEvent => ({ type: 'Warning', reason, message, ...withDetail(detail) });

/** A failure of allocateIps: MetalLB's message plus our detail, and its kind. */
type Failure = Pick<AllocationError, 'message' | 'detail'> & { readonly kind: ConvergeFailure['kind'] };

/** Go's `%v` of a string slice: `[a b]`. */
const goList = (items: readonly string[]): string => `[${items.join(' ')}]`;

const ipText = (ip: IpAddress): string => formatIp(ip.family, ip.value);

/** What the allocator is told about the Service. */
export const claimOf = (svc: ParsedService): ServiceClaim => ({
  service: svc.key, namespace: svc.namespace, labels: svc.labels, ports: svc.ports, sharingKey: svc.sharingKey, backendKey: svc.backendKey,
});

/** The families the Service asks for (ipv4 when its clusterIPs cannot tell). */
export function familyRequestOf(svc: ParsedService): FamilyRequest {
  const { family, policy, primary } = svc.families;
  return { family: family.ok ? family.value : primary, policy, primary };
}

/** MetalLB's `filterByLoadBalancerClass`: true when the Service is someone else's. */
export function ignoredByClass(svc: Pick<ParsedService, 'loadBalancerClass'>, lbClass: string | undefined): boolean {
  const cls = svc.loadBalancerClass;
  return cls === undefined ? (lbClass ?? '') !== '' : cls !== (lbClass ?? '');
}

/** `clearServiceState`: release the addresses, empty the ingress, drop the annotation. */
function clear(ctx: Ctx): readonly IpAddress[] {
  ctx.alloc.unassign(ctx.svc.key);
  ctx.next = { ingress: [], pool: null };
  return [];
}

/** MetalLB's `serviceFamilyChanged`. */
function familyChanged(lb: ServiceFamily | undefined, cluster: ServiceFamily, policy: IpFamilyPolicy): boolean {
  if (lb === undefined) return true;
  return lb !== cluster && !(cluster === 'dual' && policy === 'PreferDualStack');
}

/** Steps 1–4: early clears. `done` = finished successfully, `failed` = converge error. */
function preconditions(ctx: Ctx): 'done' | 'failed' | 'continue' {
  const { isLoadBalancer, families } = ctx.svc;
  if (!isLoadBalancer) return (clear(ctx), 'done');
  if (ctx.alloc.pools.length === 0) return (clear(ctx), fail(ctx, 'noPools', 'no IPAddressPool is configured'));
  if (families.clusterIps.length === 0 && families.clusterIp === '') return (clear(ctx), fail(ctx, 'service', 'the Service has no clusterIP'));
  if (families.policy === 'RequireDualStack' && families.clusterIps.length < 2) {
    const message = `Service requires dual stack but not enough clusterips ${goList(families.clusterIps)}`;
    ctx.events.push(warning('not enough clusterips', message));
    return (clear(ctx), fail(ctx, 'service', message));
  }
  return 'continue';
}

/** The Service's ingress, or the operator's own held addresses when the Service shows none. */
function ingressIps(ctx: Ctx): IngressIps {
  const { ingress } = ctx.svc;
  if (ingress.texts.length > 0 || !ctx.holdsOwn) return ingress;
  return ingressIpsOf((ctx.alloc.ipsOf(ctx.svc.key) ?? []).map(ipText));
}

/** Step 5: existing ingress whose family no longer fits is dropped. */
function existingIps(ctx: Ctx): Result<readonly IpAddress[], 'failed'> {
  const ingress = ingressIps(ctx);
  if (ingress.ips.length === 0) return ok(clear(ctx));
  const lbFamily = ingress.family;
  if (!lbFamily.ok) ctx.events.push(warning('nolbIPsIPFamily', `Failed to retrieve LBIPs IPFamily for ${quoteList(ingress.shown)}: ${lbFamily.error}`));
  const { family: cluster, clusterIps, clusterIp, policy } = ctx.svc.families;
  if (!cluster.ok) {
    const message = `Failed to retrieve ClusterIPs IPFamily for ${quoteList(clusterIps)} ${clusterIp}: ${cluster.error}`;
    ctx.events.push(warning('noclusterIPsIPFamily', message));
    return err(fail(ctx, 'service', message));
  }
  if (familyChanged(lbFamily.ok ? lbFamily.value : undefined, cluster.value, policy)) return ok(clear(ctx));
  return ok(ingress.ips.filter((x): x is IpAddress => x !== undefined));
}

/** Step 6: re-adopt existing addresses unless config, pool annotation or request changed. */
function readopt(ctx: Ctx, ips: readonly IpAddress[]): Result<readonly IpAddress[], 'failed'> {
  let lb = ips;
  const { key, requestedPool, requestedIps } = ctx.svc;
  const assigned = ctx.alloc.assign(ctx.claim, lb);
  if (!assigned.ok) {
    ctx.events.push(normal('ClearAssignment', `current IP for "${key}" not allowed by config, will attempt for new IP assignment: ${assigned.error.message}`, assigned.error.detail));
    lb = clear(ctx);
  }
  if (lb.length > 0 && requestedPool !== '' && ctx.alloc.poolOf(key) !== requestedPool) lb = clear(ctx);
  if (!requestedIps.ok) {
    const message = `invalid requested loadbalancer IPs: ${requestedIps.error}`;
    ctx.events.push(warning('LoadBalancerFailed', message));
    return err(fail(ctx, 'service', message));
  }
  if (requestedIps.value === undefined) return ok(lb);
  // MetalLB compares after sorting both lists by their text, and keeps the sorted order.
  const sorted = [...lb].sort((a, b) => (ipText(a) < ipText(b) ? -1 : 1));
  const want = [...requestedIps.value.ips].map(ipText).sort();
  return ok(sorted.map(ipText).join() === want.join() ? sorted : clear(ctx));
}

/** Step 7: PreferDualStack with one address tries to add the other family. */
function addMissingFamily(ctx: Ctx, lb: readonly IpAddress[]): readonly IpAddress[] {
  const [only] = lb;
  if (lb.length !== 1 || only === undefined || ctx.svc.families.policy !== 'PreferDualStack') return lb;
  const extra = ctx.alloc.allocateAdditionalFamily(ctx.claim, only);
  if (!extra.ok) {
    ctx.events.push(normal('AdditionalAssignFailed', `cannot assign additional IP in PreferDualStack: ${extra.error.message}`, extra.error.detail));
    return lb;
  }
  ctx.events.push(normal('IPAllocated', `Assigned additional IP ${quoteIp(extra.value)}`));
  return [only, extra.value];
}

/** MetalLB's `allocateIPs`: requested addresses, else the requested pool, else any pool. */
function allocateIps(ctx: Ctx): Result<readonly IpAddress[], Failure> {
  const { key, families, requestedIps, requestedPool } = ctx.svc;
  if (!families.family.ok) return err({ kind: 'service', message: families.family.error });
  if (!requestedIps.ok) return err({ kind: 'service', message: requestedIps.error });
  const req: FamilyRequest = { family: families.family.value, policy: families.policy, primary: families.primary };
  if (requestedIps.value !== undefined) {
    const { ips, family: wanted } = requestedIps.value;
    if (wanted !== req.family) return err({ kind: 'request', message: `requested loadBalancer IP(s) ${quoteIps(ips)} does not match the ipFamily of the service` });
    const r = ctx.alloc.assign(ctx.claim, ips);
    if (!r.ok) return r;
    if (requestedPool === '' || ctx.alloc.poolOf(key) === requestedPool) return ok(ips);
    ctx.alloc.unassign(key);
    return err({ kind: 'request', message: `requested loadBalancer IP(s) ${quoteIps(ips)} is not compatible with requested address pool ${requestedPool}` });
  }
  return requestedPool !== '' ? ctx.alloc.allocateFromPool(ctx.claim, requestedPool, req) : ctx.alloc.allocate(ctx.claim, req);
}

/** Steps 8–9: allocate when nothing is held, then record ingress and pool. */
function finish(ctx: Ctx, held: readonly IpAddress[]): boolean {
  let lb = held;
  if (lb.length === 0) {
    const r = allocateIps(ctx);
    if (!r.ok) {
      ctx.events.push(warning('AllocationFailed', `Failed to allocate IP for "${ctx.svc.key}": ${r.error.message}`, r.error.detail));
      fail(ctx, r.error.kind, r.error.message);
      return false;
    }
    lb = r.value;
    ctx.events.push(normal('IPAllocated', `Assigned IP ${quoteIps(lb)}`));
  }
  const pool = ctx.alloc.poolOf(ctx.svc.key);
  if (lb.length === 0 || pool === undefined) {
    const message = lb.length === 0 ? "didn't allocate an IP but also did not fail" : 'allocated an IP that has no pool';
    ctx.events.push(warning('InternalError', message));
    fail(ctx, 'internal', message);
    clear(ctx);
    return false;
  }
  ctx.next = { ingress: lb.map(ipText), pool };
  return true;
}

/** MetalLB's `convergeBalancer`; true on success. */
function converge(ctx: Ctx): boolean {
  const pre = preconditions(ctx);
  if (pre !== 'continue') return pre === 'done';
  const existing = existingIps(ctx);
  if (!existing.ok) return false;
  const kept = existing.value.length > 0 ? readopt(ctx, existing.value) : existing;
  if (!kept.ok) return false;
  return finish(ctx, addMissingFamily(ctx, kept.value));
}

/** Whether the Service as written would differ from what it shows now. */
function differs(svc: ParsedService, next: { ingress: readonly string[]; pool: string | null }): boolean {
  return !svc.ingress.plain || svc.allocatedPool !== next.pool || svc.ingress.texts.join() !== next.ingress.join();
}

/** `deprecatedAnnotation` warnings, one per old-prefix key, sorted. */
const deprecationEvents = (svc: ParsedService): ServiceEvent[] =>
  svc.deprecatedAnnotations.map((k) => warning('deprecatedAnnotation', `Service uses deprecated annotation ${k}`));

/**
 * Decides the addresses of one Service and updates the allocator accordingly.
 * `ignore`: another load-balancer class owns the Service; nothing was touched.
 */
export function convergeService(svc: ParsedService, alloc: Allocator, opts: ConvergeOptions = {}): ConvergeDecision {
  if (ignoredByClass(svc, opts.lbClass)) return { action: 'ignore' };
  const before = alloc.ipsOf(svc.key);
  const ctx: Ctx = { svc, claim: claimOf(svc), alloc, holdsOwn: opts.holdsOwn === true, events: [], next: undefined };
  const succeeded = converge(ctx);
  const next = ctx.next ?? { ingress: svc.ingress.texts, pool: svc.allocatedPool };
  const changed = ctx.next !== undefined && differs(svc, ctx.next);
  const freedRoom = before !== undefined && alloc.ipsOf(svc.key) === undefined && alloc.poolFor(before) !== undefined;
  const outcome: ConvergeOutcome = changed && freedRoom ? 'reprocessAll' : succeeded ? 'success' : 'noRetry';
  const events = changed ? [...ctx.events, ...deprecationEvents(svc)] : ctx.events;
  const failure = succeeded || ctx.failure === undefined ? {} : { failure: ctx.failure };
  return { action: 'set', ingress: next.ingress, pool: next.pool, events, changed, outcome, ...failure };
}

/** A deleted Service (or one no longer ours): free its addresses; reprocess all if any were held. */
export function releaseService(key: ServiceKey, alloc: Allocator): ConvergeOutcome {
  return alloc.unassign(key) ? 'reprocessAll' : 'success';
}
