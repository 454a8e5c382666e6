/**
 * `explain service`: the stages of one Service, computed by the operator's own code over a
 * replay of the cluster (snapshot.ts) — the pools in allocation order with why each was skipped
 * (pool-report.ts), the decision of convergeService and its AddressAllocated verdict, then the
 * announcement report (announce-stage.ts) with every node and session — next to the
 * conditions the operator actually wrote on the Service. Pure.
 */
import type { V1Service } from '@kubernetes/client-node';
import { claimOf, convergeService, familyRequestOf, ignoredByClass } from '../allocator/converge-service.ts';
import { withAllocation } from '../allocator/assignment-ledger.ts';
import { poolReportFor, type PoolVerdict } from '../allocator/pool-report.ts';
import { allocationConditionFor } from '../conditions/allocation-stage.ts';
import type { AnnounceReport } from '../conditions/announce-stage.ts';
import { ALLOCATED, type StageCondition, type StoredCondition } from '../conditions/conditions.ts';
import { POOL_ANNOTATION } from '../service/annotations.ts';
import { parseService } from '../service/parse-service.ts';
import { replay, type ClusterSnapshot } from './snapshot.ts';

/** The explanation of one Service (also the `--output json` document). */
export interface ServiceExplanation {
  readonly service: string;
  /** `ours`; or why the operator leaves it alone. */
  readonly handledBy: 'metallb' | 'notLoadBalancer' | 'otherClass';
  readonly loadBalancerClass?: string;
  /** configFor's verdict over the current objects. */
  readonly config: { readonly valid: boolean; readonly errors: readonly string[]; readonly state?: string };
  readonly allocation?: {
    readonly pools: readonly PoolVerdict[];
    readonly ingress: readonly string[];
    readonly pool: string | null;
    /** Events the decision would record now (MetalLB's reasons and words). */
    readonly events: readonly string[];
    readonly condition: StageCondition;
  };
  readonly announce?: AnnounceReport;
  /** `status.conditions` as the cluster has them (offline: as in the file). */
  readonly written: readonly StoredCondition[];
}

/**
 * The allocation stage while the configuration is invalid: explain can not read the last valid
 * one the operator keeps, so it names the objects to fix and points at the written conditions.
 */
function rejectedStage(s: ClusterSnapshot, svc: V1Service, errors: readonly string[]): NonNullable<ServiceExplanation['allocation']> {
  const state = s.configState?.metadata === undefined ? '' : ` (ConfigurationState ${s.configState.metadata.namespace ?? ''}/${s.configState.metadata.name ?? ''})`;
  const message = `the configuration is invalid: fix ${errors.join('; ')}${state}; the operator keeps the last valid one, which explain can not read: its verdict is in the conditions on the Service`;
  return {
    pools: [], ingress: (svc.status?.loadBalancer?.ingress ?? []).flatMap((i) => (i.ip === undefined ? [] : [i.ip])),
    pool: svc.metadata?.annotations?.[POOL_ANNOTATION] ?? null, events: [],
    condition: { type: ALLOCATED, status: 'False', reason: 'ConfigInvalid', message },
  };
}

/** Explains `svc` against the snapshot (in which it may or may not be listed). */
export function explainService(s: ClusterSnapshot, svc: V1Service): ServiceExplanation {
  const parsed = parseService(svc);
  const written = parsed.conditions;
  const r = replay(s, parsed.key);
  const state = s.configState?.status?.conditions?.map((c) => `${c.type}=${c.status} ${c.reason}${c.message === '' ? '' : `: ${c.message}`}`).join('; ');
  const config = { valid: r.config !== undefined, errors: r.configErrors.map((e) => `${e.object.kind}/${e.object.name} ${e.field}: ${e.message}`), ...(state === undefined || state === '' ? {} : { state }) };
  const base = { service: parsed.key, ...(parsed.loadBalancerClass === undefined ? {} : { loadBalancerClass: parsed.loadBalancerClass }), config, written };
  if (!parsed.isLoadBalancer) return { ...base, handledBy: 'notLoadBalancer' };
  if (ignoredByClass(parsed, s.lbClass)) return { ...base, handledBy: 'otherClass' };
  if (r.config === undefined) return { ...base, handledBy: 'metallb', allocation: rejectedStage(s, svc, config.errors) };
  const pools = poolReportFor(r.allocator, claimOf(parsed), familyRequestOf(parsed), parsed.requestedPool);
  const d = convergeService(parsed, r.allocator, { holdsOwn: false, ...(s.lbClass === undefined ? {} : { lbClass: s.lbClass }) });
  if (d.action === 'ignore') return { ...base, handledBy: 'otherClass' };
  const condition = allocationConditionFor(parsed, d, pools);
  const announce = r.view.reportFor(withAllocation(svc, { ingress: d.ingress, pool: d.pool }), parsed.key);
  return {
    ...base, handledBy: 'metallb',
    ...(condition === undefined ? {} : { allocation: { pools, ingress: d.ingress, pool: d.pool, events: d.events.map((e) => `${e.type} ${e.reason}: ${e.message}`), condition } }),
    ...(announce === undefined ? {} : { announce }),
  };
}
