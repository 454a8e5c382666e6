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
import { claimsOfMessage, L2_CONFLICT_CONDITION } from '@metallb-ts/lib/plan/l2-conflict-text.ts';
import { announceReportFor, type AnnounceReport, type PlanReport } from './announce-stage.ts';
import { REACHABLE, type StoredCondition } from './conditions.ts';

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
  const peers = p.status?.peers ?? [];
  const advertised = new Map(peers.flatMap((s) => (s.advertised === undefined ? [] : [[s.name, {
    planSha256: s.advertised.planSha256, expected: s.advertised.expected, missingCount: s.advertised.missingCount, missing: (s.advertised.missing ?? []).map((x) => x.toLowerCase()),
  }] as const])));
  const conflict = p.status?.conditions?.find((c) => c.type === L2_CONFLICT_CONDITION && c.status === 'True');
  return {
    applied, sessions: new Map(peers.map((s) => [s.name, s.bgpState])), planSha256: p.spec.frr.sha256, advertised,
    conflicts: conflict === undefined ? [] : claimsOfMessage(conflict.message),
  };
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

/**
 * What of a plan report the conditions read (sessions, adj-rib-out verdicts, conflicts; not the
 * apply state, see announce-stage.ts, nor which plan a report is of: {@link reportShas}).
 */
const planKey = (r: PlanReport): string => JSON.stringify([
  [...r.sessions].sort(), [...(r.advertised ?? [])].map(([n, a]) => [n, a.missingCount > a.missing.length]).sort(), r.conflicts ?? [],
]);

/** `node peer prefix` of every listed missing prefix. */
const missingOf = (plans: ReadonlyMap<string, PlanReport>): Set<string> =>
  new Set([...plans].flatMap(([n, r]) => [...(r.advertised ?? [])].flatMap(([p, a]) => a.missing.map((x) => `${n} ${p} ${x}`))));

/** Which plan each node's adj-rib-out reports are of. */
const reportShas = (plans: ReadonlyMap<string, PlanReport>): string =>
  JSON.stringify([...plans].map(([n, r]) => [n, [...(r.advertised ?? [])].map(([p, a]) => [p, a.planSha256 === r.planSha256])]));

/** See the module comment. */
export class AnnounceView {
  readonly #o: AnnounceViewOptions;
  #config: Config | undefined;
  #nodes: readonly NodeFacts[] | undefined;
  #serving: ReadonlyMap<string, ReadonlySet<string>> | undefined;
  #plans: ReadonlyMap<string, PlanReport> | undefined;
  #l2: ReadonlyMap<string, string> | undefined;
  /** Services whose Reachable verdict waited for a report (re-queued when reports catch up). */
  readonly #waiting = new Set<string>();
  /** The Services each announced prefix belongs to, as last evaluated (lower case). */
  readonly #byPrefix = new Map<string, Set<string>>();
  /** The other direction: the prefixes each Service was last evaluated with (so the index shrinks). */
  readonly #prefixesOf = new Map<string, ReadonlySet<string>>();

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
        const old = this.#plans;
        const before = old === undefined ? undefined : JSON.stringify([...old].map(([n, r]) => [n, planKey(r)]));
        this.#plans = undefined;
        const now = this.#plansNow();
        if (old === undefined || before !== JSON.stringify([...now].map(([n, r]) => [n, planKey(r)]))) return 'all';
        // Otherwise: the Services of prefixes that went missing or came back, and, when a report
        // now covers another plan, the Services that waited for one.
        const [was, is] = [missingOf(old), missingOf(now)];
        const moved = [...was].filter((x) => !is.has(x)).concat([...is].filter((x) => !was.has(x)));
        const keys = new Set(moved.flatMap((x) => [...(this.#byPrefix.get(x.slice(x.lastIndexOf(' ') + 1)) ?? [])]));
        if (reportShas(old) !== reportShas(now)) {
          for (const k of this.#waiting) keys.add(k);
          this.#waiting.clear();
        }
        return [...keys];
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
    const previous = ((svc.status?.conditions ?? []) as unknown as StoredCondition[]).find((c) => c.type === REACHABLE);
    const report = announceReportFor({
      config, nodes: this.#nodesNow(), service: facts, key,
      plan: (n) => plans.get(n), l2Announcer: (s) => l2.get(s),
      ...(this.#o.ignoreExcludeLb === undefined ? {} : { ignoreExcludeLb: this.#o.ignoreExcludeLb }),
      ...(previous === undefined ? {} : { previousReachable: previous }),
    });
    if (report.reachableWaits) this.#waiting.add(key);
    else this.#waiting.delete(key);
    const prefixes = new Set<string>();
    for (const n of report.nodes) {
      if (n.bgp === undefined || 'skipped' in n.bgp) continue;
      for (const p of n.bgp.prefixes) prefixes.add(p.toLowerCase());
    }
    this.#index(key, prefixes);
    return report;
  }

  /** A Service is gone: drop it from the prefix index and the waiting set. */
  forget(key: string): void {
    this.#index(key, new Set());
    this.#waiting.delete(key);
  }

  /** Records `key`'s prefixes, removing it from those it no longer has (empty entries deleted). */
  #index(key: string, prefixes: ReadonlySet<string>): void {
    for (const p of this.#prefixesOf.get(key) ?? []) {
      if (prefixes.has(p)) continue;
      const keys = this.#byPrefix.get(p);
      keys?.delete(key);
      if (keys?.size === 0) this.#byPrefix.delete(p);
    }
    for (const p of prefixes) {
      const keys = this.#byPrefix.get(p) ?? new Set<string>();
      keys.add(key);
      this.#byPrefix.set(p, keys);
    }
    if (prefixes.size === 0) this.#prefixesOf.delete(key);
    else this.#prefixesOf.set(key, prefixes);
  }

  /** How many prefixes and Services the index holds (for tests: it must not grow without bound). */
  get indexSize(): { prefixes: number; services: number } {
    return { prefixes: this.#byPrefix.size, services: this.#prefixesOf.size };
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
