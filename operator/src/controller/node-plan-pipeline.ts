/**
 * The NodePlan pipeline: one key per node (coalesced by the queue), run by the
 * NodePlanReconciler. It waits for the first valid configuration, then:
 *
 * - its part of the Config (peers, BFD profiles, BGP and L2 advertisements, communities, pools)
 *   changed → every node;
 * - a Service or EndpointSlice changed → the parsed Services are rebuilt once and every node
 *   recomputed; only nodes whose rendering changed are written (the reconciler compares);
 * - a Node changed or was deleted → that node; every node when the layer-2 election can see the
 *   change (a node added or gone, its labels or NetworkUnavailable changed: candidate sets);
 * - a NodePlan deleted or its spec changed by someone else, or a password Secret deleted →
 *   that node (the operator's own writes come back as events with the spec it wrote: skipped);
 * - any cache resync → every node.
 */
import type { KubernetesObject, V1EndpointSlice, V1Node, V1Secret, V1Service } from '@kubernetes/client-node';
import type { NodePlan, NodePlanSpecL2 } from '@metallb-ts/lib/api/types.generated.ts';
import type { Config } from '../config/types.ts';
import type { ServiceFacts } from '../frr/announcements.ts';
import { l2DutiesOfCluster, l2FactsKeyOf } from '../layer2/l2-inputs.ts';
import { MANAGED_BY, MANAGED_BY_LABEL, NODE_LABEL } from '../plan/desired-plan.ts';
import { ServiceFactsMemo } from '../plan/plan-inputs.ts';
import type { ConfigConsumer } from './config-reconciler.ts';
import type { NodePlanReconciler, PlanSnapshot } from './node-plan-reconciler.ts';
import { QueuedPipeline, type QueueSettings } from './pipeline.ts';

/** A cache as this pipeline uses it (the supervised informers fit). */
export interface CacheSource<T> {
  list(): readonly T[];
  on(event: 'add' | 'update' | 'delete', cb: (obj: T) => void): void;
  on(event: 'resync', cb: () => void): void;
}

/**
 * The inputs every node's rendering shares: the Config the pipeline was handed, the Services
 * parsed from the caches (rebuilt lazily after a Service or EndpointSlice change), and the
 * layer-2 duties of every node (recomputed lazily after those, or after a Node change that the
 * election can see: labels, NetworkUnavailable, a node added or gone).
 */
export class PlanInputs {
  readonly #services: () => readonly V1Service[];
  readonly #slices: () => readonly V1EndpointSlice[];
  readonly #nodes: () => readonly V1Node[];
  readonly #lbClass: string | undefined;
  readonly #ignoreExcludeLb: boolean;
  #config: Config | undefined;
  #parsed: readonly ServiceFacts[] | undefined;
  /** Parses only the objects that changed since the last snapshot (unchanged ones keep their facts object). */
  readonly #memo = new ServiceFactsMemo();
  #l2: ReadonlyMap<string, NodePlanSpecL2> | undefined;
  #snapshot: PlanSnapshot | undefined;
  /** Node → {@link l2FactsKeyOf} of the nodes the current duties were computed from. */
  #usedFacts: Map<string, string> | undefined;

  /** Reads the caches through the given functions. */
  constructor(o: {
    services: () => readonly V1Service[]; slices: () => readonly V1EndpointSlice[]; nodes?: () => readonly V1Node[];
    lbClass?: string; ignoreExcludeLb?: boolean;
  }) {
    this.#services = o.services;
    this.#slices = o.slices;
    this.#nodes = o.nodes ?? (() => []);
    this.#lbClass = o.lbClass;
    this.#ignoreExcludeLb = o.ignoreExcludeLb ?? false;
  }

  /** A new configuration. */
  setConfig(config: Config): void {
    this.#config = config;
    this.invalidate();
  }

  /** Services or EndpointSlices changed. */
  invalidate(): void {
    this.#parsed = undefined;
    this.#l2 = undefined;
    this.#usedFacts = undefined;
    this.#snapshot = undefined;
  }

  /**
   * A Node was added, changed or deleted; whether the election may see a difference (then every
   * node's duties are recomputed, and the caller queues every node).
   */
  nodeChanged(node: V1Node, deleted: boolean): boolean {
    // Not computed yet (the next snapshot reads every Node), or no layer 2 configured at all.
    if (this.#usedFacts === undefined || this.#config?.l2Advertisements.length === 0) return false;
    const name = node.metadata?.name ?? '';
    if (this.#usedFacts.get(name) === (deleted ? undefined : l2FactsKeyOf(node))) return false;
    this.#l2 = undefined;
    this.#usedFacts = undefined;
    this.#snapshot = undefined;
    return true;
  }

  /** The current snapshot (undefined before the first configuration). */
  snapshot(): PlanSnapshot | undefined {
    const config = this.#config;
    if (config === undefined) return undefined;
    if (this.#snapshot !== undefined) return this.#snapshot;
    const services = (this.#parsed ??= this.#memo.factsOf(this.#services(), this.#slices(), { pools: config.pools, ...(this.#lbClass === undefined ? {} : { lbClass: this.#lbClass }) }));
    if (this.#l2 === undefined) {
      const nodes = this.#nodes();
      this.#l2 = l2DutiesOfCluster({ l2Advertisements: config.l2Advertisements, nodes, services, ignoreExcludeLb: this.#ignoreExcludeLb });
      this.#usedFacts = new Map(nodes.map((n) => [n.metadata?.name ?? '', l2FactsKeyOf(n)]));
    }
    this.#snapshot = { config, services, l2: this.#l2 };
    return this.#snapshot;
  }
}

/** The part of the Config that renderings depend on. */
export const renderingPartOf = (c: Config): unknown => ({
  pools: c.pools, peers: c.peers, bfdProfiles: c.bfdProfiles, bgpAdvertisements: c.bgpAdvertisements, communities: c.communities,
  l2Advertisements: c.l2Advertisements,
});

/** Options of {@link NodePlanPipeline}. */
export interface NodePlanPipelineOptions {
  readonly settings: QueueSettings;
  readonly reconciler: Pick<NodePlanReconciler, 'reconcile' | 'isWanted'>;
  readonly inputs: PlanInputs;
  readonly nodes: CacheSource<V1Node>;
  readonly plans: CacheSource<NodePlan & KubernetesObject>;
  readonly secrets: CacheSource<V1Secret>;
  /** Informers whose every change concerns every node (Services, EndpointSlices). */
  readonly services: CacheSource<V1Service>;
  readonly slices: CacheSource<V1EndpointSlice>;
}

const nameOf = (o: KubernetesObject): string => o.metadata?.name ?? '';
const managedNodeOf = (o: KubernetesObject): string | undefined =>
  o.metadata?.labels?.[MANAGED_BY_LABEL] === MANAGED_BY ? o.metadata.labels[NODE_LABEL] : undefined;

/** See the module comment. */
export class NodePlanPipeline extends QueuedPipeline {
  readonly #inputs: PlanInputs;
  #active = false;

  /** Builds the queue and subscribes to every input. */
  constructor(o: NodePlanPipelineOptions) {
    super(o.settings, 'node-plan', { reconcile: (key) => o.reconciler.reconcile(key), listKeys: () => nodeKeys(o) });
    this.#inputs = o.inputs;
    const one = (name: string | undefined): void => {
      if (this.#active && name !== undefined && name !== '') this.queue.add(name);
    };
    const all = (): void => {
      this.#inputs.invalidate();
      if (this.#active) this.queue.reprocessAll();
    };
    for (const src of [o.services, o.slices] as const) {
      for (const ev of ['add', 'update', 'delete'] as const) (src as CacheSource<KubernetesObject>).on(ev, all);
    }
    // A Node the election sees differently changes other nodes' duties too (their candidate sets).
    for (const ev of ['add', 'update', 'delete'] as const) {
      o.nodes.on(ev, (n) => {
        if (!this.#inputs.nodeChanged(n, ev === 'delete')) one(nameOf(n));
        else if (this.#active) this.queue.reprocessAll();
      });
    }
    o.plans.on('delete', (p) => one(nameOf(p)));
    o.plans.on('update', (p) => one(o.reconciler.isWanted(p) ? undefined : nameOf(p)));
    o.secrets.on('delete', (s) => one(managedNodeOf(s)));
    for (const src of [o.services, o.slices, o.nodes, o.plans, o.secrets] as const) (src as CacheSource<KubernetesObject>).on('resync', all);
  }

  /** Nothing before the first configuration (see {@link nodePlanConsumer}). */
  start(): void {}

  /** A configuration whose rendering part changed: every node. */
  configChanged(config: Config): void {
    this.#inputs.setConfig(config);
    this.#active = true;
    this.queue.reprocessAll();
  }
}

/** Every node, and every plan whose node may be gone. */
function nodeKeys(o: NodePlanPipelineOptions): string[] {
  return [...new Set([...o.nodes.list().map(nameOf), ...o.plans.list().map(nameOf)])];
}

/** The pipeline as a consumer of the validated configuration. */
export function nodePlanConsumer(pipeline: Pick<NodePlanPipeline, 'configChanged'>): ConfigConsumer {
  return { name: 'node-plans', partOf: renderingPartOf, apply: (config) => pipeline.configChanged(config) };
}
