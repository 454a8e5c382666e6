/**
 * The per-Service reconcile: parse the Service once (service/parse-service.ts), converge it
 * against the allocator, then write what changed — the `metallb.io/ip-allocated-from-pool`
 * annotation AND `status.loadBalancer.ingress` in ONE PUT to the status subresource (the Service
 * status strategy keeps metadata changes and resets only spec;
 * test/integration/k8s-events-status.test.ts pins it), guarded by the Service's UID and
 * resourceVersion — and record the decision's Events on the Service.
 *
 * The operator's own allocation is authoritative over an informer cache that has not caught up
 * (see {@link AssignmentLedger}): a reconcile that sees an object older than the operator's last
 * write converges on that write, and a Service of the same UID that shows no ingress keeps what
 * the allocator holds for it, so an assigned IP never moves while its Service lives and every
 * allocation is written once with one `IPAllocated`. A Service re-created under the same name
 * (another UID) first releases the old Service's addresses.
 *
 * Nothing is written when nothing changed; Services of another load-balancer class are never
 * written.
 *
 * Failures: a failed status write is logged and counted in
 * `metallb_k8s_client_update_errors_total` by the {@link ServiceStatusPort} (the StatusWriter
 * does both) and retried through the queue; a failed Event write is logged and counted by the
 * {@link ServiceEventPort} (the EventRecorder does both); a reconcile that throws is logged and
 * counted by the queue (pipeline.ts). This class logs no failure of its own.
 */
import type { V1Service } from '@kubernetes/client-node';
import type { ServiceKey } from '@metallb-ts/lib/ids/ids.ts';
import type { EventInput, EventSubject } from '@metallb-ts/lib/k8s/events.ts';
import type { StatusMutation, Written } from '@metallb-ts/lib/k8s/status-writer.ts';
import type { ReconcileOutcome } from '@metallb-ts/lib/k8s/work-queue.ts';
import type { Logger } from '@metallb-ts/lib/log.ts';
import type { Result } from '@metallb-ts/lib/result.ts';
import type { Allocator } from '../allocator/allocator.ts';
import { AssignmentLedger, withAllocation, type WrittenAllocation } from '../allocator/assignment-ledger.ts';
import { convergeService, releaseService, type ConvergeDecision } from '../allocator/converge-service.ts';
import { claimOf, familyRequestOf } from '../allocator/converge-service.ts';
import { poolReportFor } from '../allocator/pool-report.ts';
import { allocationConditionFor, type StaleConfig } from '../conditions/allocation-stage.ts';
import type { AnnounceReport } from '../conditions/announce-stage.ts';
import { conditionTime, mergeConditions, type StageCondition, type StoredCondition } from '../conditions/conditions.ts';
import type { Clock } from '@metallb-ts/lib/time/clock.ts';
import { POOL_ANNOTATION } from '../service/annotations.ts';
import { parseService } from '../service/parse-service.ts';
import type { ParsedService } from '../service/parsed-service.ts';

/**
 * Writes a Service's status: reads it fresh, applies the mutation, writes /status (retrying
 * conflicts). A failure is logged and counted in `metallb_k8s_client_update_errors_total` by
 * the port and returned; it never rejects. `StatusWriter<V1Service>` fits.
 */
export interface ServiceStatusPort {
  writeObject(key: string, mutate: StatusMutation<V1Service>): Promise<Result<Written<V1Service>, unknown>>;
}

/** Records an Event; a failure is logged and counted by the port, never rejected. `EventRecorder` fits. */
export interface ServiceEventPort {
  record(subject: EventSubject, input: EventInput): Promise<unknown>;
}

/**
 * What the conditions need (absent: no conditions are kept, as in MetalLB): the clock of
 * `lastTransitionTime` and the announcement stage of a Service as it will be written.
 */
export interface ConditionsPort {
  readonly clock: Clock;
  /** The Announced report of the Service with the given ingress; undefined before a config. */
  announce(svc: V1Service, key: string): AnnounceReport | undefined;
  /** The configuration the operator rejected while an older one is in force; undefined when current. */
  stale?(): StaleConfig | undefined;
}

/** Options of {@link ServiceReconciler}. */
export interface ServiceReconcilerOptions {
  /** The cached Service, undefined when deleted. */
  readonly service: (key: string) => V1Service | undefined;
  readonly allocator: Allocator;
  /** `--lb-class`. */
  readonly lbClass?: string;
  /** Writes annotation + ingress through the status subresource. */
  readonly status: ServiceStatusPort;
  readonly events: ServiceEventPort;
  /** Told after every allocator change (pool status and metrics follow). */
  readonly onUsageChanged: () => void;
  readonly logger: Logger;
  /** Keeps the `metallb.io/` conditions in the same write (see {@link ConditionsPort}). */
  readonly conditions?: ConditionsPort;
}

type SetDecision = Extract<ConvergeDecision, { action: 'set' }>;

/**
 * The status mutation of an allocation: the fresh object with `alloc` as ingress and pool
 * annotation; undefined when it already has both, `'gone'` when it is another Service (UID).
 */
export function allocationMutation(uid: string, alloc: WrittenAllocation, stages: Stages = NO_STAGES): (fresh: V1Service) => V1Service | undefined | 'gone' {
  return (fresh) => {
    if ((fresh.metadata?.uid ?? '') !== uid) return 'gone';
    const current = fresh.status?.loadBalancer?.ingress ?? [];
    const sameIngress = current.length === alloc.ingress.length && current.every((i, n) => i.ip === alloc.ingress[n] && i.hostname === undefined && !i.ports?.length);
    const samePool = (fresh.metadata?.annotations?.[POOL_ANNOTATION] ?? null) === alloc.pool;
    const existing = (fresh.status?.conditions ?? []) as unknown as StoredCondition[];
    const conditions = mergeConditions(existing, stages.wanted, stages.now);
    if (sameIngress && samePool && conditions === undefined) return undefined;
    return withAllocation(fresh, conditions === undefined ? alloc : { ...alloc, conditions });
  };
}

/** The stage conditions a write sets, and the time stamped on those that change. */
export interface Stages {
  readonly wanted: readonly StageCondition[];
  /** RFC 3339. */
  readonly now: string;
}

const NO_STAGES: Stages = { wanted: [], now: '' };

/** See the module comment. */
export class ServiceReconciler {
  readonly #o: ServiceReconcilerOptions;
  readonly #ledger = new AssignmentLedger();

  /** Creates a reconciler. */
  constructor(opts: ServiceReconcilerOptions) {
    this.#o = opts;
  }

  /** Reconciles one `namespace/name`; the caller only calls it once a config is loaded. */
  async reconcile(key: string): Promise<ReconcileOutcome> {
    const cached = this.#o.service(key);
    if (cached === undefined) return this.#release(key as ServiceKey);
    // The one parse: of the Service as the apiserver has it, as far as the operator knows.
    const svc = parseService(this.#ledger.view(cached));
    // Another Service (UID) held this name: its addresses go first, as on its delete.
    const owner = this.#ledger.ownerOf(svc.key);
    const freed = owner !== undefined && owner !== svc.uid && this.#release(svc.key) === 'reprocessAll';
    // Converge runs before the first await, so queue order is allocation order.
    const opts = { holdsOwn: owner === svc.uid, ...(this.#o.lbClass === undefined ? {} : { lbClass: this.#o.lbClass }) };
    const decision = convergeService(svc, this.#o.allocator, opts);
    if (decision.action === 'ignore') return this.#release(svc.key);
    if (this.#o.allocator.ipsOf(svc.key) !== undefined) this.#ledger.own(svc);
    this.#o.onUsageChanged();
    await this.#emit(svc, decision);
    const stages = this.#stages(cached, svc, decision);
    const write = decision.changed || mergeConditions(svc.conditions, stages.wanted, stages.now) !== undefined;
    if (write && !(await this.#write(svc, decision, stages))) return 'retry';
    return freed && decision.outcome === 'success' ? 'reprocessAll' : decision.outcome;
  }

  /** A Service gone or no longer ours: free its addresses, nothing is written. */
  #release(key: ServiceKey): ReconcileOutcome {
    this.#ledger.forget(key);
    const outcome = releaseService(key, this.#o.allocator);
    if (outcome === 'reprocessAll') this.#o.onUsageChanged();
    return outcome;
  }

  /**
   * One write of annotation + ingress; false when it failed (the port logged and counted it;
   * the allocation is kept and the queue retries).
   */
  async #write(svc: ParsedService, d: SetDecision, stages: Stages): Promise<boolean> {
    const alloc = { ingress: d.ingress, pool: d.pool };
    const r = await this.#o.status.writeObject(svc.key, allocationMutation(svc.uid, alloc, stages));
    if (!r.ok) return false;
    const written = r.value.object;
    const rv = written?.metadata?.resourceVersion;
    const conditions = (written?.status?.conditions ?? []) as unknown as StoredCondition[];
    if (rv !== undefined) this.#ledger.wrote(svc, stages.wanted.length === 0 ? alloc : { ...alloc, conditions }, rv);
    return true;
  }

  /**
   * The AddressAllocated, Announced and Reachable verdicts of the Service as it will be written (none for
   * a Service that is not a LoadBalancer, or without a {@link ConditionsPort}).
   */
  #stages(cached: V1Service, svc: ParsedService, d: SetDecision): Stages {
    const port = this.#o.conditions;
    if (port === undefined || !svc.isLoadBalancer) return NO_STAGES;
    const report = poolReportFor(this.#o.allocator, claimOf(svc), familyRequestOf(svc), svc.requestedPool);
    const allocated = allocationConditionFor(svc, d, report, port.stale?.());
    const announce = port.announce(withAllocation(cached, { ingress: d.ingress, pool: d.pool }), svc.key);
    const wanted = [allocated, announce?.condition, announce?.reachable].filter((c): c is StageCondition => c !== undefined);
    return { wanted, now: conditionTime(port.clock.now()) };
  }

  /** Logs and records the decision's Events (the port logs and counts its own failures). */
  async #emit(svc: ParsedService, d: SetDecision): Promise<void> {
    const subject: EventSubject = { apiVersion: 'v1', kind: 'Service', namespace: svc.namespace, name: svc.name, uid: svc.uid };
    for (const e of d.events) {
      this.#o.logger.info(e.message, { service: svc.key, reason: e.reason, type: e.type });
      void this.#o.events.record(subject, { type: e.type, reason: e.reason, note: e.message });
    }
  }
}
