/**
 * The controller's view of everything the Announced condition reads besides the Service: the
 * Config, the Nodes, which nodes serve each Service (EndpointSlices), each NodePlan's reported
 * state and the ServiceL2Status objects. Each input is parsed once per change (the informers
 * call `changed(...)`), so thousands of Service reconciles share one parse. `changed` answers
 * which Services the change may concern, so the caller re-queues only those (every Service for a
 * Node or session change, one for an EndpointSlice or a ServiceL2Status).
 */
import type { KubernetesObject, V1EndpointSlice, V1Node, V1Service } from '@kubernetes/client-node';
import type { NodePlan, ServiceL2Status } from '@metallb-ts/lib/api/types.generated.ts';
import type { Config } from '../config/types.ts';
import type { NodeFacts } from '../frr/announcements.ts';
import { nodeFactsFrom, serviceFactsFrom, servingNodesOf, SERVICE_NAME_LABEL } from '../plan/plan-inputs.ts';
import { announceReportFor, type AnnounceReport, type PlanReport } from './announce-stage.ts';

/** Options of {@link AnnounceView}. */
export interface AnnounceViewOptions {
  readonly nodes: () => readonly V1Node[];
  readonly slices: () => readonly V1EndpointSlice[];
  readonly plans: () => readonly (NodePlan & KubernetesObject)[];
  readonly l2Statuses: () => readonly (ServiceL2Status & KubernetesObject)[];
  readonly lbClass?: string;
  readonly ignoreExcludeLb?: boolean;
}

/** A NodePlan's status as the stage reads it. */
export function planReportOf(p: NodePlan): PlanReport {
  const applied = (p.status?.appliedSha256 ?? '') !== '' && p.status?.appliedSha256 === p.spec.frr.sha256;
  return { applied, sessions: new Map((p.status?.peers ?? []).map((s) => [s.name, s.bgpState])) };
}

/** The announcing node of every Service with a ServiceL2Status. */
export function l2AnnouncersOf(list: readonly ServiceL2Status[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const o of list) {
    const s = o.status;
    if (s?.node !== undefined && s.serviceName !== undefined) out.set(`${s.serviceNamespace ?? ''}/${s.serviceName}`, s.node);
  }
  return out;
}

/** What of a plan report the condition reads (sessions; not the apply state, see announce-stage.ts). */
const planKey = (r: PlanReport): string => JSON.stringify([...r.sessions].sort());

/** See the module comment. */
export class AnnounceView {
  readonly #o: AnnounceViewOptions;
  #config: Config | undefined;
  #nodes: readonly NodeFacts[] | undefined;
  #serving: ReadonlyMap<string, ReadonlySet<string>> | undefined;
  #plans: ReadonlyMap<string, PlanReport> | undefined;
  #l2: ReadonlyMap<string, string> | undefined;

  /** Reads the caches through `o`. */
  constructor(o: AnnounceViewOptions) {
    this.#o = o;
  }

  /** A new configuration. */
  setConfig(config: Config): void {
    this.#config = config;
  }

  /** Whether a configuration is known. */
  get ready(): boolean {
    return this.#config !== undefined;
  }

  /**
   * An input changed: which Service keys to re-queue (`'all'`, or the ones named; empty when the
   * parsed view did not change).
   */
  changed(what: 'node' | 'plan' | 'slice' | 'l2', obj?: KubernetesObject): 'all' | string[] {
    switch (what) {
      case 'node': {
        const before = JSON.stringify(this.#nodes);
        this.#nodes = undefined;
        return before === JSON.stringify(this.#nodesNow()) ? [] : 'all';
      }
      case 'plan': {
        const before = this.#plans === undefined ? undefined : JSON.stringify([...this.#plans].map(([n, r]) => [n, planKey(r)]));
        this.#plans = undefined;
        return before === JSON.stringify([...this.#plansNow()].map(([n, r]) => [n, planKey(r)])) ? [] : 'all';
      }
      case 'slice': {
        this.#serving = undefined;
        const svc = obj?.metadata?.labels?.[SERVICE_NAME_LABEL];
        return svc === undefined ? [] : [`${obj?.metadata?.namespace ?? ''}/${svc}`];
      }
      case 'l2': {
        const before = this.#l2 ?? new Map<string, string>();
        this.#l2 = undefined;
        const now = this.#l2Now();
        return [...new Set([...before.keys(), ...now.keys()])].filter((k) => before.get(k) !== now.get(k));
      }
    }
  }

  /** Every input re-read (after a cache resync). */
  invalidate(): void {
    this.#nodes = undefined;
    this.#serving = undefined;
    this.#plans = undefined;
    this.#l2 = undefined;
  }

  /** The stage of `svc` as it will be written (its ingress); undefined before the first config. */
  reportFor(svc: V1Service, key: string): AnnounceReport | undefined {
    const config = this.#config;
    if (config === undefined) return undefined;
    const servingNodes = (this.#serving ??= servingNodesOf(this.#o.slices()));
    const facts = serviceFactsFrom(svc, { pools: config.pools, servingNodes, ...(this.#o.lbClass === undefined ? {} : { lbClass: this.#o.lbClass }) });
    const plans = this.#plansNow();
    const l2 = this.#l2Now();
    return announceReportFor({
      config, nodes: this.#nodesNow(), service: facts, key,
      plan: (n) => plans.get(n), l2Announcer: (s) => l2.get(s),
      ...(this.#o.ignoreExcludeLb === undefined ? {} : { ignoreExcludeLb: this.#o.ignoreExcludeLb }),
    });
  }

  #nodesNow(): readonly NodeFacts[] {
    const opts = this.#o.ignoreExcludeLb === undefined ? {} : { ignoreExcludeLb: this.#o.ignoreExcludeLb };
    return (this.#nodes ??= this.#o.nodes().map((n) => nodeFactsFrom(n, opts)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)));
  }

  #plansNow(): ReadonlyMap<string, PlanReport> {
    return (this.#plans ??= new Map(this.#o.plans().map((p) => [p.spec.nodeName, planReportOf(p)])));
  }

  #l2Now(): ReadonlyMap<string, string> {
    return (this.#l2 ??= l2AnnouncersOf(this.#o.l2Statuses()));
  }
}
