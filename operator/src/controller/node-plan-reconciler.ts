/**
 * One node's plan reconcile (key = node name): render the node's frr.conf from the current
 * inputs (and take its layer-2 duties from the snapshot), then make its password Secret and its NodePlan match, writing only what differs from
 * the cache (one write per real change; a stale cache ends in a conflict and a retry, never a
 * blind overwrite). The Secret is written before the plan, so that a speaker never sees a plan
 * whose passwords it cannot find. A node that is gone loses its plan and Secret (garbage
 * collection would too, through the owner reference, where a GC runs).
 *
 * Passwords stay out of logs: only node names, object names and reasons are logged.
 */
import type { KubernetesObject, V1Node, V1Secret } from '@kubernetes/client-node';
import type { NodePlan, NodePlanSpecL2 } from '@metallb-ts/lib/api/types.generated.ts';
import type { ReconcileOutcome } from '@metallb-ts/lib/k8s/work-queue.ts';
import type { Result } from '@metallb-ts/lib/result.ts';
import type { Logger } from '@metallb-ts/lib/log.ts';
import type { Config } from '../config/types.ts';
import type { ServiceFacts } from '../frr/announcements.ts';
import { describeFrrStringProblem } from '../frr/grammar.ts';
import type { FrrRenderer } from '../frr/render.ts';
import type { FrrViewError } from '../frr/view-model.ts';
import type { NodePlanMetrics, PlanWriteKind } from '../metrics/node-plan-metrics.ts';
import type { NodeAnnouncements } from '../frr/announcements.ts';
import { NodeAnnouncementsMemo } from '../frr/announcements-memo.ts';
import { desiredPlanFor, renderKeyOf, sectionsFor, type DesiredPlan, type PlanSection } from '../plan/desired-plan.ts';
import { passwordSecretNameFor } from '../plan/node-plan.ts';
import { nodeFactsFrom } from '../plan/plan-inputs.ts';
import { planUpToDate, replacementOf, secretUpToDate, specFingerprintOf } from '../plan/plan-diff.ts';

/** Writes of one kind of object in the operator's namespace. */
export interface ObjectWriter<T> {
  /** Creates it; `'conflict'` when it exists already (the cache lags). */
  create(obj: T): Promise<'done' | 'conflict'>;
  /** Replaces it at its resourceVersion; `'conflict'` when that is stale or the object is gone. */
  replace(obj: T): Promise<'done' | 'conflict'>;
  /** Deletes it; `'gone'` when it was gone already. */
  delete(name: string): Promise<'done' | 'gone'>;
}

/** A cached kind and its writer. */
export interface ObjectAccess<T> {
  /** The cached object of that name in the operator's namespace. */
  get(name: string): T | undefined;
  readonly writer: ObjectWriter<T>;
}

/** Everything the renderings of all nodes share, parsed once per change. */
export interface PlanSnapshot {
  readonly config: Config;
  /** Every announced Service, sorted by key. */
  readonly services: readonly ServiceFacts[];
  /** `spec.l2` of each node that has layer-2 duties (l2DutiesFor over every node at once). */
  readonly l2: ReadonlyMap<string, NodePlanSpecL2>;
}

/** Options of {@link NodePlanReconciler}. */
export interface NodePlanReconcilerOptions {
  readonly namespace: string;
  /** The cached Node. */
  readonly node: (name: string) => V1Node | undefined;
  /** The current inputs; undefined before the first valid configuration. */
  readonly snapshot: () => PlanSnapshot | undefined;
  readonly plans: ObjectAccess<NodePlan>;
  readonly secrets: ObjectAccess<V1Secret>;
  readonly render: FrrRenderer;
  /** Further spec sections (layer-2 duties…). */
  readonly sections?: readonly PlanSection[];
  /** MetalLB's `--ignore-exclude-lb`. */
  readonly ignoreExcludeLb?: boolean;
  readonly metrics: NodePlanMetrics;
  readonly logger: Logger;
}

/** A node's last rendering: its Config, announcements and {@link renderKeyOf}, what it wanted. */
interface RenderMemo {
  readonly config: Config;
  /** The object NodeAnnouncementsMemo returned (the same object again: nothing changed). */
  readonly announcements: NodeAnnouncements;
  readonly key: string;
  readonly want: Pick<DesiredPlan, 'plan' | 'secret'>;
}

/** The plan without its (large) config text: enough for {@link planUpToDate}. */
const withoutConfigText = (p: NodePlan): NodePlan => ({ ...p, spec: { ...p.spec, frr: { ...p.spec.frr, config: '' } } });

/** Why a rendering failed, without any password. */
export function renderFailureReason(e: FrrViewError): string {
  return e.kind === 'invalidString' ? e.problems.map(describeFrrStringProblem).join('; ') : e.message;
}

/** See the module comment. */
export class NodePlanReconciler {
  readonly #o: NodePlanReconcilerOptions;
  /** Node → fingerprint of the spec last wanted for it. */
  readonly #wanted = new Map<string, string>();
  /** Node → its last rendering's inputs and outputs (the config text left out), to skip renders. */
  readonly #memo = new Map<string, RenderMemo>();
  /** Node → its announcements, decided again only for the Services that changed. */
  readonly #announcements = new Map<string, NodeAnnouncementsMemo>();

  /** Creates a reconciler. */
  constructor(o: NodePlanReconcilerOptions) {
    this.#o = o;
  }

  /** Whether `plan`'s spec is the one last wanted for its node (an event of the operator's own write). */
  isWanted(plan: NodePlan): boolean {
    return this.#wanted.get(plan.spec.nodeName) === specFingerprintOf(plan);
  }

  /** Reconciles the plan of node `name`. */
  async reconcile(name: string): Promise<ReconcileOutcome> {
    const node = this.#o.node(name);
    if (node === undefined) return this.#remove(name);
    const snap = this.#o.snapshot();
    if (snap === undefined) return 'success';
    const want = this.#desired(name, node, snap);
    if (want === 'unchanged') return 'success';
    if (!want.ok) {
      this.#o.metrics.renderFailure();
      this.#o.logger.error('cannot render the node\'s frr.conf; its plan is left as it was', { node: name, reason: renderFailureReason(want.error) });
      return 'noRetry';
    }
    return this.#write(name, want.value);
  }

  /**
   * The node's wanted objects; `'unchanged'` when its render inputs are those of the last
   * rendering and the cache still holds what that wanted (no render needed).
   */
  #desired(name: string, node: V1Node, snap: PlanSnapshot): Result<DesiredPlan, FrrViewError> | 'unchanged' {
    const o = this.#o;
    const facts = nodeFactsFrom(node, { ignoreExcludeLb: o.ignoreExcludeLb ?? false });
    const base = { namespace: o.namespace, nodeUid: node.metadata?.uid ?? '', config: snap.config, node: facts, services: snap.services };
    let annMemo = this.#announcements.get(name);
    if (annMemo === undefined) this.#announcements.set(name, (annMemo = new NodeAnnouncementsMemo()));
    const announcements = annMemo.announcementsFor(snap.config, facts, snap.services);
    const l2 = snap.l2.get(name);
    const extra = { ...sectionsFor(o.sections ?? [], base), ...(l2 === undefined ? {} : { l2 }) };
    const key = renderKeyOf({ ...base, extra });
    const memo = this.#memo.get(name);
    if (memo?.config === snap.config && memo.announcements === announcements && memo.key === key && this.#upToDate(memo.want)) return 'unchanged';
    const want = desiredPlanFor({ ...base, announcements, extra, render: o.render, memo: annMemo.classes });
    if (!want.ok) this.#memo.delete(name);
    else this.#memo.set(name, { config: snap.config, announcements, key, want: { plan: withoutConfigText(want.value.plan), secret: want.value.secret } });
    return want;
  }

  /** The password Secret first, then the plan. */
  async #write(name: string, { plan, secret }: DesiredPlan): Promise<ReconcileOutcome> {
    const o = this.#o;
    this.#wanted.set(name, specFingerprintOf(plan));
    const secretName = passwordSecretNameFor(name);
    const s = secret === undefined ? await this.#delete('secret', o.secrets, secretName, name) : await this.#put('secret', o.secrets, secret, secretUpToDate, name);
    if (s === 'conflict') return 'retry';
    return (await this.#put('plan', o.plans, plan, planUpToDate, name, { sha256: plan.spec.frr.sha256 })) === 'conflict' ? 'retry' : 'success';
  }

  async #remove(name: string): Promise<ReconcileOutcome> {
    this.#wanted.delete(name);
    this.#memo.delete(name);
    this.#announcements.delete(name);
    await this.#delete('plan', this.#o.plans, name, name);
    await this.#delete('secret', this.#o.secrets, passwordSecretNameFor(name), name);
    return 'success';
  }

  /** Whether the cache holds `want` (the plan compared without its config text: see plan-diff.ts). */
  #upToDate(want: Pick<DesiredPlan, 'plan' | 'secret'>): boolean {
    const secretName = passwordSecretNameFor(want.plan.spec.nodeName);
    const secretOk = want.secret === undefined ? this.#o.secrets.get(secretName) === undefined : secretUpToDate(this.#o.secrets.get(secretName), want.secret);
    return secretOk && planUpToDate(this.#o.plans.get(want.plan.spec.nodeName), want.plan);
  }

  /** Creates or replaces `want` unless the cached object already is it. */
  async #put<T extends KubernetesObject>(
    kind: PlanWriteKind, access: ObjectAccess<T>, want: T, upToDate: (have: T | undefined, want: T) => boolean, node: string,
    detail: Readonly<Record<string, string>> = {},
  ): Promise<'unchanged' | 'done' | 'conflict'> {
    const name = want.metadata?.name ?? '';
    const have = access.get(name);
    if (upToDate(have, want)) return 'unchanged';
    const op = have === undefined ? 'create' : 'update';
    const r = have === undefined ? await access.writer.create(want) : await access.writer.replace(replacementOf(have, want));
    if (r === 'conflict') {
      this.#o.logger.debug('write conflicted with a newer object; retrying', { node, kind, name, reason: 'conflict' });
      return r;
    }
    this.#o.metrics.write(kind, op);
    this.#o.logger.info(kind === 'plan' ? 'wrote node plan' : 'wrote node password secret', { node, name, op, ...detail });
    return 'done';
  }

  async #delete<T>(kind: PlanWriteKind, access: ObjectAccess<T>, name: string, node: string): Promise<'unchanged' | 'done'> {
    if (access.get(name) === undefined || (await access.writer.delete(name)) === 'gone') return 'unchanged';
    this.#o.metrics.write(kind, 'delete');
    this.#o.logger.info(kind === 'plan' ? 'deleted node plan' : 'deleted node password secret', { node, name });
    return 'done';
  }
}
