/**
 * Load generation and latency measurement for LoadBalancer Services, shared by the IPAM bench
 * and the operator-restart integration test.
 *
 * - {@link loadBalancerService}: an IPv6 SingleStack LoadBalancer Service without NodePorts.
 *   IPv6 because the harness apiserver's IPv4 ClusterIP range is a /25 (128 addresses) while its
 *   IPv6 one is a /112; no NodePorts because the default NodePort range holds only 2,768 ports.
 * - {@link createServices}: bounded-concurrency creates, recording when each request was sent.
 * - {@link IngressTracker}: ONE watch on a namespace's Services (the supervised informer), recording
 *   when each Service's `status.loadBalancer.ingress` first appears and every later change or
 *   clearing of it, so a test can assert "no IP ever changed", not only "equal at snapshot time".
 *
 * Times are `performance.now()` milliseconds of this process; latency = watch event received −
 * create request sent, so it includes the watch delivery delay, as a user's client would see it.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiException, CoreV1Api, CustomObjectsApi, type KubeConfig, type V1Service } from '@kubernetes/client-node';
import { informerFor, type SupervisedInformer } from '@metallb-ts/lib/k8s/informer.ts';
import type { KubeClient } from '@metallb-ts/lib/k8s/kube-client.ts';
import { pollUntil } from '@metallb-ts/lib/time/poll.ts';
import { pooledKubeConfig } from '@metallb-ts/lib/k8s/kube-config.ts';
import type { ControlPlane } from '../harness/control-plane.ts';
import { installCrds } from '../harness/crds.ts';

/** What {@link prepareLoadCluster} sets up. */
export interface LoadClusterOptions {
  /** The operator's namespace, where the pool lives. */
  readonly metallbNamespace: string;
  /** Where the Services go. */
  readonly serviceNamespace: string;
  /** The one IPAddressPool. */
  readonly pool: { readonly name: string; readonly cidr: string };
}

/** Installs the CRDs, creates both namespaces and the IPAddressPool on a started control plane. */
export async function prepareLoadCluster(cp: ControlPlane, o: LoadClusterOptions): Promise<void> {
  await installCrds(cp.kubeConfig);
  await cp.ensureNamespace(o.metallbNamespace);
  await cp.ensureNamespace(o.serviceNamespace);
  await cp.kubeConfig.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
    group: 'metallb.io', version: 'v1beta1', namespace: o.metallbNamespace, plural: 'ipaddresspools',
    body: { apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: { name: o.pool.name, namespace: o.metallbNamespace }, spec: { addresses: [o.pool.cidr] } },
  });
}

/** Shape of a generated Service. */
export interface LoadServiceOptions {
  readonly namespace: string;
  readonly name: string;
  /** Pins the Service to one pool (`metallb.io/address-pool`); any pool when absent. */
  readonly pool?: string;
}

/** An IPv6 SingleStack LoadBalancer Service with one TCP port and no NodePort allocation. */
export function loadBalancerService(o: LoadServiceOptions): V1Service {
  return {
    metadata: {
      name: o.name, namespace: o.namespace, labels: { 'metallb-ts/load': 'true' },
      ...(o.pool === undefined ? {} : { annotations: { 'metallb.io/address-pool': o.pool } }),
    },
    spec: {
      type: 'LoadBalancer', ipFamilies: ['IPv6'], ipFamilyPolicy: 'SingleStack',
      allocateLoadBalancerNodePorts: false,
      selector: { app: o.name }, ports: [{ name: 'http', protocol: 'TCP', port: 80 }],
    },
  };
}

/** Options of {@link createServices}. */
export interface CreateOptions {
  readonly namespace: string;
  readonly names: readonly string[];
  /** Requests in flight at most (default 32). */
  readonly concurrency?: number;
  /** Pool annotation passed to {@link loadBalancerService}. */
  readonly pool?: string;
  /** Attempts per Service on 429/5xx/network errors (default 5). */
  readonly attempts?: number;
}

/** What {@link createServices} measured. */
export interface CreateReport {
  /** When the first create request of each Service was sent. */
  readonly requestedAt: ReadonlyMap<string, number>;
  /** First request sent → last response received. */
  readonly durationMs: number;
  /** Requests that had to be retried (429, 5xx, connection errors). */
  readonly retries: number;
}

/** Creates the Services with at most `concurrency` requests in flight; throws on a final failure. */
export async function createServices(kc: KubeConfig, o: CreateOptions): Promise<CreateReport> {
  // Pooled connections, so the load generator is not throttled by a TLS handshake per create.
  const core = pooledKubeConfig(kc).makeApiClient(CoreV1Api);
  const requestedAt = new Map<string, number>();
  let next = 0;
  let retries = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < o.names.length; i = next++) {
      const name = o.names[i] ?? '';
      requestedAt.set(name, performance.now());
      retries += await createService(core, loadBalancerService({ namespace: o.namespace, name, ...(o.pool === undefined ? {} : { pool: o.pool }) }), o.attempts ?? 5);
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: Math.max(1, o.concurrency ?? 32) }, worker));
  return { requestedAt, durationMs: performance.now() - t0, retries };
}

/** One create with bounded retries of transient failures; 409 counts as created. Returns retries. */
export async function createService(core: CoreV1Api, body: V1Service, attempts: number): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    try {
      await core.createNamespacedService({ namespace: body.metadata?.namespace ?? '', body });
      return attempt - 1;
    } catch (e) {
      if (e instanceof ApiException && e.code === 409) return attempt - 1;
      const transient = !(e instanceof ApiException) || e.code === 429 || e.code >= 500;
      if (!transient || attempt >= attempts) {
        throw new Error(`create Service ${body.metadata?.name ?? '?'} failed after ${String(attempt)} attempt(s)`, { cause: e });
      }
      await sleep(100 * attempt);
    }
  }
}

/** The ingress of a Service as one comparable string (`ip`s, then hostnames, sorted); '' if none. */
export function ingressOf(svc: V1Service): string {
  const ing = svc.status?.loadBalancer?.ingress ?? [];
  return ing.map((i) => i.ip ?? i.hostname ?? '').sort().join(',');
}

/** A Service whose ingress changed or was cleared after it had one. */
export interface IngressChange {
  readonly name: string;
  readonly from: string;
  /** '' when the ingress was cleared (or the Service deleted). */
  readonly to: string;
  /** When the event was received. */
  readonly at: number;
}

/** See the module comment. */
export class IngressTracker {
  readonly #inf: SupervisedInformer<V1Service>;
  readonly #current = new Map<string, string>();
  readonly #firstAt = new Map<string, number>();
  readonly #changes: IngressChange[] = [];
  readonly #errors: string[] = [];

  /** Watches Services of `namespace` (not started yet). */
  constructor(kube: KubeClient, namespace: string) {
    this.#inf = informerFor(kube, { path: `/api/v1/namespaces/${namespace}/services` });
    this.#inf.on('add', (s) => this.#observe(s));
    this.#inf.on('update', (s) => this.#observe(s));
    this.#inf.on('delete', (s) => this.#observe(s, ''));
    this.#inf.on('error', (e) => this.#errors.push(String(e)));
  }

  /** Lists and opens the watch; resolves at the first sync. */
  start(): Promise<void> {
    return this.#inf.start();
  }

  /** Stops the watch; the recorded data stays readable. */
  stop(): Promise<void> {
    return this.#inf.stop();
  }

  #observe(svc: V1Service, forced?: string): void {
    const name = svc.metadata?.name ?? '';
    const now = forced ?? ingressOf(svc);
    const before = this.#current.get(name) ?? '';
    if (now !== '' && !this.#firstAt.has(name)) this.#firstAt.set(name, performance.now());
    if (before !== '' && now !== before) this.#changes.push({ name, from: before, to: now, at: performance.now() });
    if (now === '') this.#current.delete(name);
    else this.#current.set(name, now);
  }

  /** Current ingress of a Service as seen by the watch ('' when none). */
  ingress(name: string): string {
    return this.#current.get(name) ?? '';
  }

  /** When the first ingress of each Service was received. */
  get firstIngressAt(): ReadonlyMap<string, number> {
    return this.#firstAt;
  }

  /** Changes and clearings of an ingress once set, in arrival order. */
  get changes(): readonly IngressChange[] {
    return this.#changes;
  }

  /** Watch failures the informer recovered from (it relists and diffs, so no event is lost). */
  get errors(): readonly string[] {
    return this.#errors;
  }

  /** How many of `names` have an ingress right now. */
  countWithIngress(names: readonly string[]): number {
    let n = 0;
    for (const name of names) if (this.#current.has(name)) n++;
    return n;
  }

  /** Waits (bounded) until every one of `names` has an ingress; true if they all do. */
  async waitForIngress(names: readonly string[], timeoutMs: number): Promise<boolean> {
    const r = await pollUntil(() => (this.countWithIngress(names) === names.length ? true : undefined), { timeoutMs, intervalMs: 50 });
    return r.ok;
  }
}

/** Nearest-rank percentile (p in 0..100) of unsorted values; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}

/** Per-Service latency: first ingress received − create request sent, for Services that have both. */
export function createToIngressMs(requestedAt: ReadonlyMap<string, number>, firstAt: ReadonlyMap<string, number>): number[] {
  const out: number[] = [];
  for (const [name, t0] of requestedAt) {
    const t1 = firstAt.get(name);
    if (t1 !== undefined) out.push(t1 - t0);
  }
  return out;
}
