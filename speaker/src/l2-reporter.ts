/**
 * The speaker's layer-2 reports to the API (shell): this node's ServiceL2Status objects kept in
 * line with what it announces (created with `generateName: l2-` and MetalLB's labels, deleted
 * when it stops), a `nodeAssigned` event on a Service when this node starts announcing it, and a
 * Warning event on a VIP's Services when a new address conflict shows up. The decisions are in
 * layer2/core/l2-reports.ts; this file only reads, calls them and writes, one pass at a time.
 */
import { CoreV1Api, CustomObjectsApi, type KubeConfig, type KubernetesListObject } from '@kubernetes/client-node';
import { SERVICEL2STATUS, type ServiceL2Status } from '@metallb-ts/lib/api/types.generated.ts';
import { orMissing } from '@metallb-ts/lib/k8s/api-errors.ts';
import { mergePatch } from '@metallb-ts/lib/k8s/client-node-options.ts';
import type { KubeClient } from '@metallb-ts/lib/k8s/kube-client.ts';
import { EventRecorder, eventSinkFor } from '@metallb-ts/lib/k8s/events.ts';
import type { Logger } from '@metallb-ts/lib/log.ts';
import type { Clock, TimerHandle } from '@metallb-ts/lib/time/clock.ts';
import type { CounterPort } from '@metallb-ts/lib/metrics.ts';
import {
  assignedEvents, conflictEvents, conflictKey, serviceL2Changes, wantedServiceL2,
  type AnnouncedVip, type ExistingServiceL2, type ServiceEvent,
} from './layer2/core/l2-reports.ts';
import type { AddressConflict } from './layer2/responder-types.ts';
import { SBS_LABELS, splitServiceKey } from './plan/core/service-bgp.ts';
import { serialPasses, type SerialPasses } from './plan/serial-passes.ts';

/** This node's ServiceL2Status objects. */
export interface ServiceL2Port {
  list(): Promise<ExistingServiceL2[]>;
  create(service: string, interfaces: readonly string[]): Promise<void>;
  patchInterfaces(name: string, interfaces: readonly string[]): Promise<void>;
  delete(name: string): Promise<void>;
}

/** Records an event on a Service (`namespace/name`). */
export interface ServiceEventPort {
  record(e: ServiceEvent): Promise<void>;
}

/** {@link ServiceL2Port} for `node` in `namespace` on the real API. */
export function serviceL2PortFor(kc: KubeConfig, namespace: string, node: string): ServiceL2Port {
  const api = kc.makeApiClient(CustomObjectsApi);
  const ref = { group: SERVICEL2STATUS.group, version: SERVICEL2STATUS.version, plural: SERVICEL2STATUS.plural, namespace };
  const patch = (name: string, status: object) => api.patchNamespacedCustomObjectStatus({ ...ref, name, body: { status } }, mergePatch);
  return {
    list: async () => {
      const l = (await api.listNamespacedCustomObject({ ...ref, labelSelector: `${SBS_LABELS.node}=${node}` })) as KubernetesListObject<ServiceL2Status>;
      return l.items.map((o) => {
        const labels = o.metadata?.labels ?? {};
        const ns = o.status?.serviceNamespace ?? labels[SBS_LABELS.serviceNamespace] ?? '';
        const name = o.status?.serviceName ?? labels[SBS_LABELS.serviceName] ?? '';
        return { name: o.metadata?.name ?? '', service: `${ns}/${name}`, interfaces: (o.status?.interfaces ?? []).map((i) => i.name ?? '') };
      });
    },
    create: async (service, interfaces) => {
      const s = splitServiceKey(service);
      const body: ServiceL2Status = {
        apiVersion: `${SERVICEL2STATUS.group}/${SERVICEL2STATUS.version}`, kind: SERVICEL2STATUS.kind,
        metadata: { generateName: 'l2-', namespace, labels: { [SBS_LABELS.node]: node, [SBS_LABELS.serviceName]: s.name, [SBS_LABELS.serviceNamespace]: s.namespace } },
      };
      const created = (await api.createNamespacedCustomObject({ ...ref, body })) as ServiceL2Status;
      await patch(created.metadata?.name ?? '', {
        node, serviceName: s.name, serviceNamespace: s.namespace, ...(interfaces.length === 0 ? {} : { interfaces: interfaces.map((name) => ({ name })) }),
      });
    },
    patchInterfaces: async (name, interfaces) => {
      await patch(name, { interfaces: interfaces.length === 0 ? null : interfaces.map((n) => ({ name: n })) });
    },
    delete: async (name) => {
      await orMissing(api.deleteNamespacedCustomObject({ ...ref, name }), undefined);
    },
  };
}

/** {@link ServiceEventPort} on the real API: the Service is read for its uid (events name it). */
export function serviceEventPortFor(kc: KubeConfig, kube: KubeClient, node: string, logger: Logger, errors?: CounterPort): ServiceEventPort {
  const core = kc.makeApiClient(CoreV1Api);
  const recorder = new EventRecorder({
    sink: eventSinkFor(kube), reportingController: 'metallb.io/speaker', reportingInstance: node, logger, ...(errors === undefined ? {} : { errors }),
  });
  return {
    record: async (e) => {
      const { namespace, name } = splitServiceKey(e.service);
      const svc = await orMissing(core.readNamespacedService({ namespace, name }), undefined);
      if (svc === undefined) return; // gone meanwhile: nothing to attach the event to
      await recorder.record({ apiVersion: 'v1', kind: 'Service', namespace, name, uid: svc.metadata?.uid ?? '' }, { type: e.type, reason: e.reason, note: e.note });
    },
  };
}

/** Options of {@link L2Reporter}. */
export interface L2ReporterOptions {
  readonly node: string;
  readonly statuses: ServiceL2Port;
  readonly events: ServiceEventPort;
  readonly logger: Logger;
  /** Schedules the retry of a failed pass (with backoff up to 30 s). */
  readonly clock: Clock;
}

/** See the module comment. */
export class L2Reporter {
  readonly #o: L2ReporterOptions;
  #announced: readonly AnnouncedVip[] = [];
  /** Services whose nodeAssigned was emitted (announced at the last pass). */
  #assigned = new Set<string>();
  /** The wanted statuses last written ({@link wantedServiceL2} as JSON); undefined = never synced. */
  #synced: string | undefined;
  #conflicts = new Set<string>();
  readonly #passes: SerialPasses;
  /** Events being recorded (awaited by {@link idle}). */
  readonly #recording = new Set<Promise<void>>();
  #failures = 0;
  #retry: TimerHandle | undefined;
  #stopped = false;

  constructor(o: L2ReporterOptions) {
    this.#o = o;
    this.#passes = serialPasses({
      pass: async () => {
        await this.#sync();
        this.#failures = 0;
      },
      onError: (e) => {
        this.#synced = undefined; // re-read at the retry
        const delay = Math.min(30_000, 1000 * 2 ** Math.min(this.#failures++, 5));
        this.#o.logger.warn('ServiceL2Status write failed; retrying', { reason: String(e), delayMs: delay });
        if (this.#stopped) return;
        this.#o.clock.clearTimeout(this.#retry);
        this.#retry = this.#o.clock.setTimeout(() => this.#passes.kick(), delay);
      },
    });
  }

  /** The announced VIPs changed (or the first election was made): sync statuses and events. */
  update(announced: readonly AnnouncedVip[]): void {
    this.#announced = announced;
    this.#passes.kick();
  }

  /** The known conflicts changed: a Warning per Service of each new one. */
  conflicts(now: readonly AddressConflict[], servicesOf: (ip: string) => readonly string[]): void {
    const events = conflictEvents(this.#o.node, this.#conflicts, now, servicesOf);
    this.#conflicts = new Set(now.map(conflictKey));
    for (const e of events) this.#record(e);
  }

  /** No more retries (the process is leaving); what runs finishes. */
  stop(): void {
    this.#stopped = true;
    this.#o.clock.clearTimeout(this.#retry);
  }

  /** Resolves once no pass runs and every event is recorded (tests; before the process exits). */
  async idle(): Promise<void> {
    await this.#passes.idle();
    await Promise.all([...this.#recording]);
  }

  async #sync(): Promise<void> {
    const wanted = wantedServiceL2(this.#announced);
    const now = new Set(wanted.keys());
    const events = assignedEvents(this.#o.node, this.#assigned, now);
    this.#assigned = now;
    for (const e of events) this.#record(e);
    const key = JSON.stringify([...wanted]);
    if (key === this.#synced) return;
    const changes = serviceL2Changes(wanted, await this.#o.statuses.list());
    for (const c of changes.create) await this.#o.statuses.create(c.service, c.peers);
    for (const u of changes.update) await this.#o.statuses.patchInterfaces(u.name, u.peers);
    for (const d of changes.delete) await this.#o.statuses.delete(d);
    if (changes.create.length + changes.update.length + changes.delete.length > 0) {
      this.#o.logger.info('ServiceL2Status updated', { created: changes.create.length, updated: changes.update.length, deleted: changes.delete.length });
    }
    this.#synced = key;
  }

  #record(e: ServiceEvent): void {
    const p = this.#o.events.record(e).catch((err: unknown) => {
      this.#o.logger.warn('cannot record event', { service: e.service, reason: String(err) });
    });
    this.#recording.add(p);
    void p.finally(() => this.#recording.delete(p));
  }
}
