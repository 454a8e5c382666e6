/**
 * What the operator wants to exist for one node: its NodePlan (the FRR section, plus any further
 * section such as layer-2 duties, each from its own builder; the BGP peers and Services per peer
 * set, see bgp-fields.ts) owned by the Node, and the node's
 * password Secret (only when a session has a password). Pure given the renderer.
 */
import type { V1OwnerReference, V1Secret } from '@kubernetes/client-node';
import type { NodePlan, NodePlanSpec } from '@metallb-ts/lib/api/types.generated.ts';
import { createHash } from 'node:crypto';
import { packPlanSpec } from '@metallb-ts/lib/plan/plan-sections-codec.ts';
import { err, ok, type Result } from '@metallb-ts/lib/result.ts';
import type { Config } from '../config/types.ts';
import { peersOnNode, type NodeAnnouncements, type NodeFacts, type ServiceFacts, type SkipReason } from '../frr/announcements.ts';
import type { PrefixClassMemo } from '../frr/prefix-classes.ts';
import type { FrrRenderer } from '../frr/render.ts';
import { frrViewFor, passwordSecretDataFor, type FrrViewError } from '../frr/view-model.ts';
import { bgpPlanFieldsFor } from './bgp-fields.ts';
import { nodePlanFor, passwordSecretNameFor } from './node-plan.ts';

/** Labels on every NodePlan and password Secret the operator writes. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
/** Value of {@link MANAGED_BY_LABEL}. */
export const MANAGED_BY = 'metallb-ts-operator';
/** The node a plan or password Secret belongs to. */
export const NODE_LABEL = 'speaker.metallb-ts.io/node';

/** What a section builder sees. */
export interface PlanSectionInput {
  readonly config: Config;
  readonly node: NodeFacts;
  readonly services: readonly ServiceFacts[];
}

/**
 * A further part of the spec built by its own pure function (e.g. layer-2 duties → `l2`);
 * it may not set the FRR or BGP fields.
 */
export type PlanSection = (input: PlanSectionInput) => Omit<Partial<NodePlanSpec>, 'nodeName' | 'frr' | 'passwordSecretName' | 'passwords' | 'bgpPeers' | 'bgpServices'>;

/** Inputs of {@link desiredPlanFor}. */
export interface DesiredPlanInput extends PlanSectionInput {
  /** The operator's namespace. */
  readonly namespace: string;
  /** The Node's uid (the owner reference: plans are garbage-collected with their Node). */
  readonly nodeUid: string;
  readonly render: FrrRenderer;
  /** announcementsFor(config, node, services), computed by the caller. */
  readonly announcements: NodeAnnouncements;
  /** The further sections' output ({@link sectionsFor}). */
  readonly extra: ReturnType<PlanSection>;
  /** The node's per-prefix view results of the last rendering (same Config and node only). */
  readonly memo?: PrefixClassMemo;
}

/** The merged output of the further sections, in order. */
export function sectionsFor(sections: readonly PlanSection[], input: PlanSectionInput): ReturnType<PlanSection> {
  return sections.reduce((acc, s) => ({ ...acc, ...s(input) }), {});
}

/**
 * The key of what a node's rendering depends on besides the Config and its announcements: the
 * node's facts, its uid and the sections' output. Equal keys and the same announcements (under
 * the same Config) mean an equal plan, so the caller may skip rendering.
 */
export function renderKeyOf(input: Pick<DesiredPlanInput, 'node' | 'nodeUid' | 'extra'>): string {
  return createHash('sha256').update(JSON.stringify([input.node, input.nodeUid, input.extra])).digest('hex');
}

/** The node's wanted objects. */
export interface DesiredPlan {
  readonly plan: NodePlan;
  /** The password Secret, undefined when no session on the node has a password. */
  readonly secret: V1Secret | undefined;
  /** Services the node does not announce, with the reason. */
  readonly skipped: ReadonlyMap<string, SkipReason>;
}

/** The owner reference to a Node. */
export const nodeOwnerRef = (name: string, uid: string): V1OwnerReference => ({ apiVersion: 'v1', kind: 'Node', name, uid });

/** Metadata shared by the plan and the Secret of one node. */
function managedMeta(input: DesiredPlanInput, name: string): NonNullable<NodePlan['metadata']> {
  return {
    name, namespace: input.namespace,
    labels: { [MANAGED_BY_LABEL]: MANAGED_BY, [NODE_LABEL]: input.node.name },
    ownerReferences: [nodeOwnerRef(input.node.name, input.nodeUid)],
  };
}

/** The node's NodePlan and password Secret, or why its frr.conf cannot be rendered. */
export function desiredPlanFor(input: DesiredPlanInput): Result<DesiredPlan, FrrViewError> {
  const view = frrViewFor({ config: input.config, node: input.node, announcements: input.announcements.announcements, ...(input.memo === undefined ? {} : { memo: input.memo }) });
  if (!view.ok) return err(view.error);
  const { passwords } = view.value;
  const base = nodePlanFor({ namespace: input.namespace, nodeName: input.node.name, frrConf: input.render(view.value), passwords });
  const bgp = bgpPlanFieldsFor(peersOnNode(input.config, input.node), input.announcements.announcements);
  // Large bgpServices + l2 travel packed (lib/plan/plan-sections-codec.ts); the speaker unpacks them.
  const plan: NodePlan = { ...base, metadata: managedMeta(input, input.node.name), spec: packPlanSpec({ ...base.spec, ...bgp, ...input.extra }) };
  const data = passwordSecretDataFor(input.config, input.node);
  const secret: V1Secret | undefined = passwords.length === 0 ? undefined : {
    apiVersion: 'v1', kind: 'Secret', type: 'Opaque',
    metadata: managedMeta(input, passwordSecretNameFor(input.node.name)),
    data: Object.fromEntries(Object.entries(data).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, Buffer.from(v, 'utf8').toString('base64')])),
  };
  return ok({ plan, secret, skipped: input.announcements.skipped });
}
