/**
 * The controller (what the leader runs): informers feed three work queues.
 *
 * - `config` (one coalesced key): any change of a config input → configFor → allocator pools,
 *   ConfigurationState, stale metric. Transient errors retry with backoff.
 * - services (`namespace/name` keys): ignored until the first valid config; then an initial
 *   pass in `initialOrder` (Services holding addresses first, so they keep them), then one
 *   key per Service event. `reprocessAll` re-adds every Service.
 * - `pools` (one coalesced key): IPAddressPool status and allocator gauges after any change.
 */
import type { KubeConfig, KubernetesObject, V1Service } from '@kubernetes/client-node';
import type { Clock } from '@metallb-ts/lib/time/clock.ts';
import { EventRecorder, eventSinkFor } from '@metallb-ts/lib/k8s/events.ts';
import { objectKey } from '@metallb-ts/lib/k8s/informer.ts';
import { serviceStatusPort, splitKey, StatusWriter } from '@metallb-ts/lib/k8s/status-writer.ts';
import { WorkQueue, type ReconcileOutcome } from '@metallb-ts/lib/k8s/work-queue.ts';
import type { Logger } from '@metallb-ts/lib/log.ts';
import type { K8sClientMetrics } from '@metallb-ts/lib/metrics.ts';
import type { AllocatorMetrics } from '../metrics/allocator-metrics.ts';
import { Allocator } from '../allocator/allocator.ts';
import { initialOrder } from '../allocator/converge-service.ts';
import { keyOf } from '../allocator/service-inputs.ts';
import { allInformers, clusterCacheFor, configInputs, resourcesOf, type ClusterCache } from './cluster-cache.ts';
import { ConfigReconciler } from './config-reconciler.ts';
import { ConfigStateWriter } from './config-state-writer.ts';
import { configStatePortFor, poolStatusPortFor, secretPortFor } from './kube-ports.ts';
import { ensureMemberlistSecret } from './memberlist-secret.ts';
import { PoolStatusReconciler } from './pool-status.ts';
import { ServiceReconciler } from './service-reconciler.ts';

/** Name of the controller's ConfigurationState. */
export const CONFIG_STATE_NAME = 'controller';

/** Options of {@link Controller}. */
export interface ControllerOptions {
  readonly kubeConfig: KubeConfig;
  readonly namespace: string;
  readonly lbClass?: string;
  readonly mlSecretName: string;
  readonly deployment?: string;
  /** This replica (Events' reportingInstance). */
  readonly identity: string;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly clientMetrics: K8sClientMetrics;
  readonly allocatorMetrics: AllocatorMetrics;
  readonly randomBytes: (n: number) => Uint8Array;
  /** First retry delay of the queues (default 100 ms). */
  readonly retryBaseMs?: number;
  /** Retry delay cap of the queues (default 60 s). */
  readonly retryMaxMs?: number;
  /** Concurrent Service reconciles (default 8). */
  readonly serviceWorkers?: number;
}

/** The controller; see the module comment. */
export class Controller {
  readonly #o: ControllerOptions;
  readonly #cache: ClusterCache;
  readonly #allocator = new Allocator();
  readonly #status: StatusWriter<V1Service>;
  readonly #config: ConfigReconciler;
  readonly #configQueue: WorkQueue;
  readonly #serviceQueue: WorkQueue;
  readonly #poolQueue: WorkQueue;
  #synced = false;

  /** Builds everything; nothing runs before `start()`. */
  constructor(o: ControllerOptions) {
    this.#o = o;
    const log = (component: string): Logger => o.logger.child({ component });
    this.#cache = clusterCacheFor(o.kubeConfig, { namespace: o.namespace, configStateName: CONFIG_STATE_NAME, clock: o.clock, logger: log('informer') });
    const events = new EventRecorder({
      sink: eventSinkFor(o.kubeConfig), reportingController: 'metallb.io/controller', reportingInstance: o.identity, clock: o.clock, logger: log('events'),
    });
    this.#status = new StatusWriter({ port: serviceStatusPort(o.kubeConfig), concurrency: 8, metrics: o.clientMetrics, logger: log('status') });
    this.#config = new ConfigReconciler({
      resources: () => resourcesOf(this.#cache), allocator: this.#allocator, metrics: o.clientMetrics, logger: log('config'),
      verdicts: new ConfigStateWriter({
        port: configStatePortFor(o.kubeConfig, o.namespace, CONFIG_STATE_NAME), namespace: o.namespace, name: CONFIG_STATE_NAME,
        events, clock: o.clock, metrics: o.clientMetrics, logger: log('config-state'),
      }),
      onPoolsChanged: ({ first }) => this.#reprocessServices(first),
    });
    const services = new ServiceReconciler({
      service: (key) => this.#cache.services.get(splitKey(key).name, splitKey(key).namespace),
      allocator: this.#allocator, status: this.#status, events,
      onUsageChanged: () => this.#poolQueue.add('pools'), logger: log('service'),
      ...(o.lbClass === undefined ? {} : { lbClass: o.lbClass }),
    });
    const pools = new PoolStatusReconciler({
      allocator: this.#allocator, pool: (name) => this.#cache.pools.get(name, o.namespace), port: poolStatusPortFor(o.kubeConfig, o.namespace),
      metrics: o.allocatorMetrics, logger: log('pool-status'),
    });
    this.#configQueue = this.#queue('config', () => this.#config.reconcile(), () => ['config']);
    this.#poolQueue = this.#queue('pool-status', () => pools.reconcile(), () => ['pools']);
    this.#serviceQueue = this.#queue('service', (key) => (this.#config.loaded ? services.reconcile(key) : Promise.resolve('success')), () => this.#serviceKeys(), o.serviceWorkers ?? 8);
    this.#wire();
  }

  /** Starts the informers, waits for their first sync, ensures the memberlist Secret, loads config. */
  async start(): Promise<void> {
    await Promise.all(allInformers(this.#cache).map((i) => i.start()));
    this.#synced = true;
    await ensureMemberlistSecret({
      port: secretPortFor(this.#o.kubeConfig, this.#o.namespace), namespace: this.#o.namespace, name: this.#o.mlSecretName,
      randomBytes: this.#o.randomBytes, logger: this.#o.logger.child({ component: 'memberlist' }),
      ...(this.#o.deployment === undefined ? {} : { deployment: this.#o.deployment }),
    }).catch((e: unknown) => this.#o.logger.error('creating the memberlist secret failed', { reason: String(e) }));
    this.#configQueue.add('config');
  }

  /** Stops the queues (waiting for running reconciles), the informers, and flushes writes. */
  async stop(): Promise<void> {
    await Promise.all([this.#configQueue.shutdown(), this.#serviceQueue.shutdown(), this.#poolQueue.shutdown()]);
    await Promise.all(allInformers(this.#cache).map((i) => i.stop()));
    await this.#status.flush();
  }

  /** Caches synced and a configuration loaded. */
  ready(): boolean {
    return this.#synced && this.#config.loaded;
  }

  /** Resolves when no queue has work queued or running (retry timers aside); for tests. */
  async idle(): Promise<void> {
    await Promise.all([this.#configQueue.idle(), this.#serviceQueue.idle(), this.#poolQueue.idle()]);
  }

  #queue(name: string, reconcile: (key: string) => Promise<ReconcileOutcome>, listKeys: () => Iterable<string>, workers = 1): WorkQueue {
    const logger = this.#o.logger.child({ component: name });
    return new WorkQueue({
      reconcile, listKeys, clock: this.#o.clock, workers,
      ...(this.#o.retryBaseMs === undefined ? {} : { baseDelayMs: this.#o.retryBaseMs }),
      ...(this.#o.retryMaxMs === undefined ? {} : { maxDelayMs: this.#o.retryMaxMs }),
      onError: (key, e) => {
        this.#o.clientMetrics.updateErrors.inc();
        logger.error('reconcile failed', { key, reason: String(e) });
      },
    });
  }

  /** Every Service key: cached ones in allocation order, then allocated ones no longer cached. */
  #serviceKeys(): string[] {
    const cached = initialOrder(this.#cache.services.list()).map(keyOf);
    const known = new Set<string>(cached);
    return [...cached, ...this.#allocator.services().filter((k) => !known.has(k))];
  }

  #reprocessServices(first: boolean): void {
    if (first) this.#o.logger.info('first configuration loaded; processing every service', { services: this.#cache.services.list().length });
    this.#serviceQueue.reprocessAll();
    this.#poolQueue.add('pools');
  }

  #wire(): void {
    const config = (): void => {
      if (this.#synced) this.#configQueue.add('config');
    };
    for (const inf of configInputs(this.#cache)) {
      for (const ev of ['add', 'update', 'delete'] as const) inf.on(ev, config);
      inf.on('resync', config);
    }
    this.#cache.configState.on('delete', config);
    const service = (svc: KubernetesObject): void => {
      if (this.#config.loaded) this.#serviceQueue.add(objectKey(svc));
    };
    for (const ev of ['add', 'update', 'delete'] as const) this.#cache.services.on(ev, service);
    this.#cache.services.on('resync', () => {
      if (this.#config.loaded) this.#serviceQueue.reprocessAll();
    });
    this.#cache.pools.on('add', () => this.#poolQueue.add('pools'));
  }
}
