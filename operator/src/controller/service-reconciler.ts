/**
 * The per-Service reconcile (§4.1): converge the Service against the allocator, then write what
 * changed: `status.loadBalancer.ingress` through the status subresource, the
 * `metallb.io/ip-allocated-from-pool` annotation through a metadata merge patch, and the
 * decision's Events on the Service. Nothing is written when nothing changed; Services of
 * another load-balancer class are never written.
 */
import type { V1Service } from '@kubernetes/client-node';
import type { EventRecorder } from '@metallb-ts/lib/k8s/events.ts';
import type { StatusWriter } from '@metallb-ts/lib/k8s/status-writer.ts';
import type { ReconcileOutcome } from '@metallb-ts/lib/k8s/work-queue.ts';
import type { Logger } from '@metallb-ts/lib/log.ts';
import type { Allocator } from '../allocator/allocator.ts';
import { convergeService, releaseService, type ConvergeDecision } from '../allocator/converge-service.ts';
import { POOL_ANNOTATION } from '../allocator/service-inputs.ts';
import type { ServiceKey } from '@metallb-ts/lib/ids/ids.ts';
import type { ServiceAnnotationPort } from './kube-ports.ts';

/** Options of {@link ServiceReconciler}. */
export interface ServiceReconcilerOptions {
  /** The cached Service, undefined when deleted. */
  readonly service: (key: string) => V1Service | undefined;
  readonly allocator: Allocator;
  /** `--lb-class`. */
  readonly lbClass?: string;
  readonly status: StatusWriter<V1Service>;
  readonly annotations: ServiceAnnotationPort;
  readonly events: EventRecorder;
  /** Told after every allocator change (pool status and metrics follow). */
  readonly onUsageChanged: () => void;
  readonly logger: Logger;
}

type SetDecision = Extract<ConvergeDecision, { action: 'set' }>;

/** The status mutation: set the ingress, or undefined when the fresh object already has it. */
export function ingressMutation(ingress: readonly string[]): (fresh: V1Service) => V1Service | undefined {
  return (fresh) => {
    const current = fresh.status?.loadBalancer?.ingress ?? [];
    const same = current.length === ingress.length && current.every((i, n) => i.ip === ingress[n] && i.hostname === undefined && !i.ports?.length);
    if (same) return undefined;
    return { ...fresh, status: { ...fresh.status, loadBalancer: { ingress: ingress.map((ip) => ({ ip })) } } };
  };
}

/** See the module comment. */
export class ServiceReconciler {
  readonly #o: ServiceReconcilerOptions;

  /** Creates a reconciler. */
  constructor(opts: ServiceReconcilerOptions) {
    this.#o = opts;
  }

  /** Reconciles one `namespace/name`; the caller only calls it once a config is loaded. */
  async reconcile(key: string): Promise<ReconcileOutcome> {
    const svc = this.#o.service(key);
    if (svc === undefined) return this.#release(key as ServiceKey);
    // Converge runs before the first await, so queue order is allocation order.
    const decision = convergeService(svc, this.#o.allocator, this.#o.lbClass === undefined ? {} : { lbClass: this.#o.lbClass });
    if (decision.action === 'ignore') return this.#release(key as ServiceKey);
    this.#o.onUsageChanged();
    await this.#emit(svc, decision);
    if (decision.changed && !(await this.#write(key, svc, decision))) return 'retry';
    return decision.outcome;
  }

  /** A Service gone or no longer ours: free its addresses, nothing is written. */
  #release(key: ServiceKey): ReconcileOutcome {
    const outcome = releaseService(key, this.#o.allocator);
    if (outcome === 'reprocessAll') this.#o.onUsageChanged();
    return outcome;
  }

  /**
   * Annotation first, then status — MetalLB's order (Update, then UpdateStatus) — so a client that
   * sees the new ingress also sees the pool it came from.
   */
  async #write(key: string, svc: V1Service, d: SetDecision): Promise<boolean> {
    if ((svc.metadata?.annotations?.[POOL_ANNOTATION] ?? null) !== d.pool) {
      try {
        await this.#o.annotations.patchAnnotation(key, POOL_ANNOTATION, d.pool);
      } catch (e) {
        this.#o.logger.warn('patching the pool annotation failed', { service: key, reason: String(e) });
        return false;
      }
    }
    const status = await this.#o.status.write(key, ingressMutation(d.ingress));
    return status.ok;
  }

  async #emit(svc: V1Service, d: SetDecision): Promise<void> {
    const subject = {
      apiVersion: 'v1', kind: 'Service', namespace: svc.metadata?.namespace ?? '', name: svc.metadata?.name ?? '', uid: svc.metadata?.uid ?? '',
    };
    for (const e of d.events) {
      this.#o.logger.info(e.message, { service: `${subject.namespace}/${subject.name}`, reason: e.reason, type: e.type });
      void this.#o.events.record(subject, { type: e.type, reason: e.reason, note: e.message });
    }
  }
}
