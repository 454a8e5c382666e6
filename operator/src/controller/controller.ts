/**
 * The controller (what the leader runs): informers feed one pipeline each (a queue, its
 * reconciler and its event wiring):
 *
 * - config (config-pipeline.ts): configFor → the last good Config, handed to each consumer
 *   whose part changed (the allocator's pools today), ConfigurationState, stale metric;
 * - services (service-pipeline.ts): one key per Service, after the first valid config;
 * - pool status (pool-status-pipeline.ts): IPAddressPool status and allocator gauges;
 * - memberlist (memberlist-pipeline.ts): the speakers' memberlist Secret, retried and recreated;
 * - node plans (node-plan-pipeline.ts): one NodePlan (rendered frr.conf) and password Secret per
 *   node, after the first valid config; written only when a node's rendering changed.
 *
 * This file is the composition: it builds the real ports and hands them to the reconcilers.
 */
import type { V1Service } from '@kubernetes/client-node';
import type { KubeClient } from '@metallb-ts/lib/k8s/kube-client.ts';
import type { Clock } from '@metallb-ts/lib/time/clock.ts';
import { EventRecorder, eventSinkFor } from '@metallb-ts/lib/k8s/events.ts';
import { serviceStatusPort, splitKey, StatusWriter } from '@metallb-ts/lib/k8s/status-writer.ts';
import type { Logger } from '@metallb-ts/lib/log.ts';
import type { CounterPort, K8sClientMetrics } from '@metallb-ts/lib/metrics.ts';
import type { AllocatorMetrics } from '../metrics/allocator-metrics.ts';
import type { NodePlanMetrics } from '../metrics/node-plan-metrics.ts';
import { createFrrRenderer } from '../frr/render.ts';
import { loadFrrTemplates } from '../plan/frr-templates.ts';
import { Allocator } from '../allocator/allocator.ts';
import { allocatorConsumer } from './allocator-consumer.ts';
import { allInformers, clusterCacheFor, configInputs, resourcesOf, type ClusterCache } from './cluster-cache.ts';
import { ConfigPipeline } from './config-pipeline.ts';
import { ConfigReconciler } from './config-reconciler.ts';
import { ConfigStateWriter } from './config-state-writer.ts';
import { configStatePortFor, nodePlanWriterFor, poolStatusPortFor, secretPortFor, secretWriterFor } from './kube-ports.ts';
import { MemberlistPipeline } from './memberlist-pipeline.ts';
import { MemberlistSecretReconciler } from './memberlist-secret.ts';
import { nodePlanConsumer, NodePlanPipeline, PlanInputs } from './node-plan-pipeline.ts';
import { NodePlanReconciler } from './node-plan-reconciler.ts';
import type { Pipeline, QueueSettings } from './pipeline.ts';
import { PoolStatusPipeline } from './pool-status-pipeline.ts';
import { PoolStatusReconciler } from './pool-status.ts';
import { ServicePipeline } from './service-pipeline.ts';
import { AnnounceView } from '../conditions/announce-view.ts';
import { renderingPartOf } from './node-plan-pipeline.ts';
import type { ConfigConsumer } from './config-reconciler.ts';
import type { KubernetesObject } from '@kubernetes/client-node';
import { ServiceReconciler } from './service-reconciler.ts';

/** How long a stopping controller waits for its queued Events to be written. */
const EVENT_FLUSH_MS = 10_000;
/**
 * Service status writes at once, and Event writes at once too: one `IPAllocated` per allocation,
 * so the Events keep pace with a backlog's allocations instead of queueing behind them for
 * minutes (at the mercy of a restart's grace period). A stopping controller drains wider.
 */
const WRITES_IN_FLIGHT = 8;

/** Name of the controller's ConfigurationState. */
export const CONFIG_STATE_NAME = 'controller';

/** Options of {@link Controller}. */
export interface ControllerOptions {
  /** The API client every informer and writer uses (the raw client: one keep-alive pool). */
  readonly kube: KubeClient;
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
  /** `metallb_ts_node_plan_*`. */
  readonly planMetrics: NodePlanMetrics;
  /** MetalLB's `--ignore-exclude-lb`: the exclude-from-external-load-balancers label is ignored. */
  readonly ignoreExcludeLb?: boolean;
  /** `metallb_ts_event_write_errors_total`. */
  readonly eventErrors: CounterPort;
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
  readonly #cache: ClusterCache;
  readonly #status: StatusWriter<V1Service>;
  readonly #events: EventRecorder;
  readonly #logger: Logger;
  readonly #config: ConfigReconciler;
  readonly #pipelines: {
    readonly memberlist: MemberlistPipeline; readonly config: ConfigPipeline; readonly services: ServicePipeline; readonly pools: PoolStatusPipeline;
    readonly plans: NodePlanPipeline;
  };
  #synced = false;

  /** Builds everything; nothing runs before `start()`. */
  constructor(o: ControllerOptions) {
    const log = (component: string): Logger => o.logger.child({ component });
    const cache = clusterCacheFor(o.kube, { namespace: o.namespace, configStateName: CONFIG_STATE_NAME, clock: o.clock, logger: log('informer') });
    const allocator = new Allocator();
    const events = new EventRecorder({
      sink: eventSinkFor(o.kube), maxInFlight: WRITES_IN_FLIGHT, reportingController: 'metallb.io/controller', reportingInstance: o.identity, clock: o.clock, logger: log('events'), errors: o.eventErrors,
    });
    const cachedService = (key: string): V1Service | undefined => cache.services.get(splitKey(key).name, splitKey(key).namespace);
    // `cached`: one guarded merge patch per write instead of a read and a write.
    const status = new StatusWriter({ port: serviceStatusPort(o.kube), concurrency: WRITES_IN_FLIGHT, metrics: o.clientMetrics, logger: log('status'), cached: cachedService });
    const settings: QueueSettings = {
      clock: o.clock, logger: o.logger, updateErrors: o.clientMetrics.updateErrors,
      ...(o.retryBaseMs === undefined ? {} : { retryBaseMs: o.retryBaseMs }), ...(o.retryMaxMs === undefined ? {} : { retryMaxMs: o.retryMaxMs }),
    };
    const pools = new PoolStatusPipeline({
      settings, pools: cache.pools,
      reconciler: new PoolStatusReconciler({
        allocator, pool: (name) => cache.pools.get(name, o.namespace), port: poolStatusPortFor(o.kube, o.namespace),
        metrics: o.allocatorMetrics, updateErrors: o.clientMetrics.updateErrors, logger: log('pool-status'),
      }),
    });
    const announce = announceViewFor(o, cache);
    const serviceReconciler = new ServiceReconciler({
      service: cachedService,
      allocator, status, events, onUsageChanged: () => pools.kick(), logger: log('service'),
      conditions: {
        clock: o.clock, announce: (svc, key) => announce.reportFor(svc, key),
        stale: () => {
          const errors = this.#config.rejected;
          return errors === undefined ? undefined : { errors, state: `${o.namespace}/${CONFIG_STATE_NAME}` };
        },
      },
      ...(o.lbClass === undefined ? {} : { lbClass: o.lbClass }),
    });
    const services = new ServicePipeline({
      settings, services: cache.services, reconcile: (key) => serviceReconciler.reconcile(key), allocated: () => allocator.services(),
      active: () => this.#config.loaded, ...(o.serviceWorkers === undefined ? {} : { workers: o.serviceWorkers }),
    });
    wireAnnounceInputs(cache, announce, services, () => this.#config.loaded);
    const plans = nodePlanPipelineFor(o, cache, settings, log('node-plan'));
    this.#config = new ConfigReconciler({
      resources: () => resourcesOf(cache), metrics: o.clientMetrics, logger: log('config'),
      // A Service without an address says whether the rejected configuration is why (ConfigInvalid).
      onRejectedChanged: () => {
        if (this.#config.loaded) services.reprocessAll();
      },
      verdicts: new ConfigStateWriter({
        port: configStatePortFor(o.kube, o.namespace, CONFIG_STATE_NAME), namespace: o.namespace, name: CONFIG_STATE_NAME,
        events, clock: o.clock, metrics: o.clientMetrics, logger: log('config-state'),
      }),
      // First: the Announced condition must see the Config the Services are reprocessed under.
      consumers: [announceConsumer(announce, services), allocatorConsumer({
        allocator, logger: log('config'),
        onPoolsChanged: ({ first }) => {
          if (first) o.logger.info('first configuration loaded; processing every service', { services: cache.services.list().length });
          services.reprocessAll();
          pools.kick();
        },
      }), nodePlanConsumer(plans)],
    });
    const memberlist = new MemberlistPipeline({
      settings, name: o.mlSecretName, secrets: cache.secrets,
      reconciler: new MemberlistSecretReconciler({
        port: secretPortFor(o.kube, o.namespace), namespace: o.namespace, name: o.mlSecretName, randomBytes: o.randomBytes,
        updateErrors: o.clientMetrics.updateErrors, logger: log('memberlist'), ...(o.deployment === undefined ? {} : { deployment: o.deployment }),
      }),
    });
    const config = new ConfigPipeline({ settings, reconciler: this.#config, inputs: configInputs(cache), configState: cache.configState });
    this.#cache = cache;
    this.#status = status;
    this.#events = events;
    this.#logger = o.logger;
    this.#pipelines = { memberlist, config, services, pools, plans };
  }

  /** Starts the informers, waits for their first sync, then every pipeline (memberlist Secret, config…). */
  async start(): Promise<void> {
    await Promise.all(allInformers(this.#cache).map((i) => i.start()));
    this.#synced = true;
    for (const p of this.#all()) p.start();
  }

  /** Stops the pipelines (waiting for running reconciles), the informers, and flushes writes. */
  async stop(): Promise<void> {
    await Promise.all(this.#all().map((p) => p.shutdown()));
    await Promise.all(allInformers(this.#cache).map((i) => i.stop()));
    await this.#status.flush();
    const unwritten = await this.#events.flush(EVENT_FLUSH_MS);
    if (unwritten > 0) this.#logger.warn('stopping with events not yet written', { events: unwritten });
  }

  /** Caches synced and a configuration loaded. */
  ready(): boolean {
    return this.#synced && this.#config.loaded;
  }

  /** Resolves when no pipeline has work queued or running (retry timers aside); for tests. */
  async idle(): Promise<void> {
    await Promise.all(this.#all().map((p) => p.idle()));
  }

  #all(): readonly Pipeline[] {
    const p = this.#pipelines;
    return [p.memberlist, p.config, p.services, p.pools, p.plans];
  }
}

/** The NodePlan pipeline over the caches and the real API. */
function nodePlanPipelineFor(o: ControllerOptions, cache: ClusterCache, settings: QueueSettings, logger: Logger): NodePlanPipeline {
  const inputs = new PlanInputs({
    services: () => cache.services.list(), slices: () => cache.endpointSlices.list(), nodes: () => cache.nodes.list(),
    ...(o.lbClass === undefined ? {} : { lbClass: o.lbClass }), ...(o.ignoreExcludeLb === undefined ? {} : { ignoreExcludeLb: o.ignoreExcludeLb }),
  });
  const reconciler = new NodePlanReconciler({
    namespace: o.namespace, node: (name) => cache.nodes.get(name), snapshot: () => inputs.snapshot(),
    plans: { get: (name) => cache.nodePlans.get(name, o.namespace), writer: nodePlanWriterFor(o.kube, o.namespace) },
    secrets: { get: (name) => cache.secrets.get(name, o.namespace), writer: secretWriterFor(o.kube, o.namespace) },
    render: createFrrRenderer(loadFrrTemplates()), metrics: o.planMetrics, logger,
    ...(o.ignoreExcludeLb === undefined ? {} : { ignoreExcludeLb: o.ignoreExcludeLb }),
  });
  return new NodePlanPipeline({
    settings, reconciler, inputs, nodes: cache.nodes, plans: cache.nodePlans, secrets: cache.secrets, services: cache.services, slices: cache.endpointSlices,
  });
}

/** The Announced condition's inputs over the caches. */
function announceViewFor(o: ControllerOptions, cache: ClusterCache): AnnounceView {
  return new AnnounceView({
    nodes: () => cache.nodes.list(), slices: () => cache.endpointSlices.list(), plans: () => cache.nodePlans.list(),
    l2Statuses: () => cache.serviceL2Statuses.list(),
    ...(o.lbClass === undefined ? {} : { lbClass: o.lbClass }), ...(o.ignoreExcludeLb === undefined ? {} : { ignoreExcludeLb: o.ignoreExcludeLb }),
  });
}

/**
 * Re-queues the Services whose Announced stage an input change may move: all of them for a Node
 * or BGP session change, the one of an EndpointSlice or ServiceL2Status.
 */
function wireAnnounceInputs(cache: ClusterCache, view: AnnounceView, services: ServicePipeline, active: () => boolean): void {
  const on = (what: 'node' | 'plan' | 'slice' | 'l2') => (obj?: KubernetesObject): void => {
    const keys = view.changed(what, obj);
    if (keys === 'all') {
      if (active()) services.reprocessAll();
    } else for (const k of keys) services.add(k, active());
  };
  cache.services.on('delete', (svc) => view.forget(`${svc.metadata?.namespace ?? ''}/${svc.metadata?.name ?? ''}`));
  const sources = [[cache.nodes, 'node'], [cache.nodePlans, 'plan'], [cache.endpointSlices, 'slice'], [cache.serviceL2Statuses, 'l2']] as const;
  for (const [src, what] of sources) {
    for (const ev of ['add', 'update', 'delete'] as const) (src as { on(e: typeof ev, cb: (o: KubernetesObject) => void): void }).on(ev, on(what));
    src.on('resync', () => {
      view.invalidate();
      if (active()) services.reprocessAll();
    });
  }
}

/** The Announced condition as a consumer of the validated configuration (its part: what renderings read). */
function announceConsumer(view: AnnounceView, services: Pick<ServicePipeline, 'reprocessAll'>): ConfigConsumer {
  return {
    name: 'announce', partOf: renderingPartOf,
    apply: (config, { first }) => {
      view.setConfig(config);
      // The first config reprocesses every Service through the allocator consumer.
      if (!first) services.reprocessAll();
    },
  };
}
