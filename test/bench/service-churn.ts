/**
 * Create/delete churn of LoadBalancer Services and an audit of what the operator did to them,
 * shared by the churn integration test and the IPAM bench.
 *
 * - {@link runChurn}: creates every name and deletes most of them while later creates are still
 *   running (bounded concurrency), so addresses are freed and re-used all the time; an optional
 *   `midway` hook runs once half of the operations were issued (an operator restart).
 * - {@link ServiceAudit}: ONE watch over the namespace's Services for the whole run, per Service
 *   UID: the first ingress, every later change of it while the Service lives (a violation: an IP,
 *   once set, may only disappear with its Service) and how many MODIFIED events it had (the
 *   apiserver sends one per write that changed the object, so this counts effective writes).
 * - {@link ipAllocatedEvents}: `IPAllocated` occurrences per Service UID (events.k8s.io; a
 *   repeat folded into a series counts `series.count` times).
 */
import { ApiException, CoreV1Api, EventsV1Api, type KubeConfig, type V1Service } from '@kubernetes/client-node';
import { informerFor, type SupervisedInformer } from '@metallb-ts/lib/k8s/informer.ts';
import type { KubeClient } from '@metallb-ts/lib/k8s/kube-client.ts';
import { pooledKubeConfig } from '@metallb-ts/lib/k8s/kube-config.ts';
import { pollUntil } from '@metallb-ts/lib/time/poll.ts';
import { createService, ingressOf, loadBalancerService } from './service-load.ts';

/** What the audit knows about one Service (one UID). */
export interface AuditedService {
  readonly name: string;
  /** First ingress seen ('' until there is one). */
  firstIngress: string;
  /** MODIFIED events received. */
  updates: number;
  deleted: boolean;
}

/** A live Service whose ingress changed or vanished after it was set. */
export interface IpChange {
  readonly name: string;
  readonly uid: string;
  readonly from: string;
  readonly to: string;
}

/** See the module comment. */
export class ServiceAudit {
  readonly #inf: SupervisedInformer<V1Service>;
  readonly #byUid = new Map<string, AuditedService & { current: string }>();
  readonly #changes: IpChange[] = [];

  /** Watches the Services of `namespace` (not started yet). */
  constructor(kube: KubeClient, namespace: string) {
    this.#inf = informerFor(kube, { path: `/api/v1/namespaces/${namespace}/services` });
    this.#inf.on('add', (s) => this.#observe(s, false));
    this.#inf.on('update', (s) => this.#observe(s, true));
    this.#inf.on('delete', (s) => {
      const a = this.#byUid.get(s.metadata?.uid ?? '');
      if (a !== undefined) a.deleted = true;
    });
  }

  /** Lists and opens the watch. */
  start(): Promise<void> {
    return this.#inf.start();
  }

  /** Stops the watch; the data stays readable. */
  stop(): Promise<void> {
    return this.#inf.stop();
  }

  #observe(svc: V1Service, update: boolean): void {
    const uid = svc.metadata?.uid ?? '';
    const now = ingressOf(svc);
    let a = this.#byUid.get(uid);
    if (a === undefined) {
      a = { name: svc.metadata?.name ?? '', firstIngress: '', current: '', updates: 0, deleted: false };
      this.#byUid.set(uid, a);
    }
    if (update) a.updates++;
    if (a.current !== '' && now !== a.current) this.#changes.push({ name: a.name, uid, from: a.current, to: now });
    if (a.firstIngress === '') a.firstIngress = now;
    a.current = now;
  }

  /** Every Service seen, by UID. */
  get services(): ReadonlyMap<string, AuditedService> {
    return this.#byUid;
  }

  /** Changes of a live Service's ingress once set, in arrival order. */
  get changes(): readonly IpChange[] {
    return this.#changes;
  }

  /** Whether a live Service of that name has an ingress now. */
  hasIngress(name: string): boolean {
    return [...this.#byUid.values()].some((a) => a.name === name && !a.deleted && a.current !== '');
  }

  /** Live Services (seen, not deleted) without an ingress yet. */
  pending(): string[] {
    return [...this.#byUid.values()].filter((a) => !a.deleted && a.firstIngress === '').map((a) => a.name);
  }
}

/** Options of {@link runChurn}. */
export interface ChurnOptions {
  readonly namespace: string;
  /** Services created. */
  readonly creates: number;
  /** Services deleted (the first `deletes` of every 5 in a row are, the fifth stays). */
  readonly deletes: number;
  /** Requests in flight at most (default 32). */
  readonly concurrency?: number;
  /** A delete is issued this many creates after its Service's create (default 16). */
  readonly lag?: number;
  /** Runs once, after half of the operations were issued, while the others continue. */
  readonly midway?: () => Promise<void>;
  /** Name prefix (default `churn`). */
  readonly prefix?: string;
  /**
   * A delete waits (bounded, 20 s) until this says the Service has its IP, so deletes free
   * allocated addresses while others are being allocated; no waiting when absent.
   */
  readonly hasIngress?: (name: string) => boolean;
}

/** What {@link runChurn} did. */
export interface ChurnReport {
  readonly created: readonly string[];
  readonly deleted: readonly string[];
}

/** The operation list: create i, and after create i the delete of create i − lag (if chosen). */
export function churnPlan(o: Pick<ChurnOptions, 'creates' | 'deletes' | 'lag' | 'prefix'>): Array<{ op: 'create' | 'delete'; name: string }> {
  const names = Array.from({ length: o.creates }, (_, i) => `${o.prefix ?? 'churn'}-${String(i).padStart(4, '0')}`);
  const doomed = names.filter((_, i) => i % 5 !== 4).slice(0, o.deletes);
  const doomedSet = new Set(doomed);
  const lag = o.lag ?? 16;
  const plan: Array<{ op: 'create' | 'delete'; name: string }> = [];
  names.forEach((name, i) => {
    plan.push({ op: 'create', name });
    const victim = names[i - lag];
    if (victim !== undefined && doomedSet.has(victim)) plan.push({ op: 'delete', name: victim });
  });
  for (const victim of names.slice(Math.max(0, names.length - lag))) if (doomedSet.has(victim)) plan.push({ op: 'delete', name: victim });
  return plan;
}

/** Runs the churn; see the module comment. Throws on a failed request. */
export async function runChurn(kc: KubeConfig, o: ChurnOptions): Promise<ChurnReport> {
  const core = pooledKubeConfig(kc).makeApiClient(CoreV1Api);
  const plan = churnPlan(o);
  const createdAt = new Map<string, Promise<void>>();
  let next = 0;
  let midway: Promise<void> | undefined;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < plan.length; i = next++) {
      if (i === Math.floor(plan.length / 2) && o.midway !== undefined) midway = o.midway();
      const step = plan[i];
      if (step === undefined) continue;
      if (step.op === 'create') {
        const p = createService(core, loadBalancerService({ namespace: o.namespace, name: step.name }), 5).then(() => undefined);
        createdAt.set(step.name, p);
        await p;
      } else {
        await createdAt.get(step.name);
        const has = o.hasIngress;
        if (has !== undefined) await pollUntil(() => (has(step.name) ? true : undefined), { timeoutMs: 20_000, intervalMs: 20 });
        await core.deleteNamespacedService({ namespace: o.namespace, name: step.name }).catch((e: unknown) => {
          if (!(e instanceof ApiException && e.code === 404)) throw e;
        });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, o.concurrency ?? 32) }, worker));
  await midway;
  return { created: plan.filter((s) => s.op === 'create').map((s) => s.name), deleted: plan.filter((s) => s.op === 'delete').map((s) => s.name) };
}

/** `IPAllocated` occurrences per regarding UID in `namespace`. */
export async function ipAllocatedEvents(kc: KubeConfig, namespace: string): Promise<Map<string, number>> {
  const list = await kc.makeApiClient(EventsV1Api).listNamespacedEvent({ namespace });
  const out = new Map<string, number>();
  for (const e of list.items) {
    if (e.reason !== 'IPAllocated' || e.regarding?.kind !== 'Service') continue;
    const uid = e.regarding.uid ?? '';
    out.set(uid, (out.get(uid) ?? 0) + (e.series?.count ?? 1));
  }
  return out;
}

/** Churn outcome in numbers, for the test's messages and the bench's keys. */
export interface ChurnNumbers {
  /** Services that got an IP. */
  readonly allocated: number;
  /** Changes of a live Service's IP once set. */
  readonly ipChanges: number;
  /** Effective writes (MODIFIED events) per allocated Service. */
  readonly writesPerService: number;
  /** IPAllocated occurrences per allocated Service. */
  readonly eventsPerService: number;
  /** Allocated Services whose IPAllocated count is not exactly 1, as `name×count`. */
  readonly wrongEventCounts: readonly string[];
}

/** How long {@link settleChurn} waits for every allocated Service's `IPAllocated` event. */
export const EVENTS_WAIT_MS = 60_000;

/** Folds the audit and the events into {@link ChurnNumbers}. */
export function churnNumbers(audit: ServiceAudit, events: ReadonlyMap<string, number>): ChurnNumbers {
  const allocated = [...audit.services].filter(([, a]) => a.firstIngress !== '');
  const writes = allocated.reduce((n, [, a]) => n + a.updates, 0);
  const count = allocated.reduce((n, [uid]) => n + (events.get(uid) ?? 0), 0);
  const wrong = allocated.filter(([uid]) => events.get(uid) !== 1).map(([uid, a]) => `${a.name}×${String(events.get(uid) ?? 0)}`);
  const per = (n: number): number => (allocated.length === 0 ? Number.NaN : n / allocated.length);
  return { allocated: allocated.length, ipChanges: audit.changes.length, writesPerService: per(writes), eventsPerService: per(count), wrongEventCounts: wrong };
}

/**
 * Waits (bounded) until every live Service has an IP and every allocated one has an
 * `IPAllocated` event (events are sent asynchronously, and on a loaded apiserver they can trail
 * the allocations by many seconds: up to {@link EVENTS_WAIT_MS}), then 1 s more so late
 * duplicates land too; returns the numbers. Throws naming the Services still without an IP.
 */
export async function settleChurn(audit: ServiceAudit, kc: KubeConfig, namespace: string, timeoutMs: number): Promise<ChurnNumbers> {
  const settled = await pollUntil(() => (audit.pending().length === 0 ? true : undefined), { timeoutMs, intervalMs: 100 });
  if (!settled.ok) throw new Error(`live Services without an IP after ${String(timeoutMs)} ms: ${audit.pending().join(' ')}`);
  const allocated = [...audit.services].filter(([, a]) => a.firstIngress !== '').map(([uid]) => uid);
  await pollUntil(async () => {
    const ev = await ipAllocatedEvents(kc, namespace);
    return allocated.every((u) => ev.has(u)) ? true : undefined;
  }, { timeoutMs: EVENTS_WAIT_MS, intervalMs: 250 });
  await new Promise((r) => setTimeout(r, 1000));
  return churnNumbers(audit, await ipAllocatedEvents(kc, namespace));
}
