/**
 * Builds the NodePlan object (speaker.metallb-ts.io/v1alpha1) the operator writes for one node:
 * the encoded frr.conf with its hash, and references to the node's password Secret — never a
 * password. The status belongs to the speaker and is never set here.
 */
import { NODEPLAN, type NodePlan } from '@metallb-ts/lib/api/types.generated.ts';
import { encodeFrrConfig } from '@metallb-ts/lib/plan/frr-config-codec.ts';
import type { PasswordRef } from '../frr/view-types.ts';

/** Inputs of {@link nodePlanFor}. */
export interface NodePlanInput {
  /** The operator's namespace (plans and password Secrets live there). */
  readonly namespace: string;
  /** The node; also the plan's name. */
  readonly nodeName: string;
  /** The rendered frr.conf (with password placeholders). */
  readonly frrConf: string;
  /** The placeholders in it. */
  readonly passwords: readonly PasswordRef[];
}

/** The per-node password Secret's name. */
export const passwordSecretNameFor = (nodeName: string): string => `frr-passwords-${nodeName}`.slice(0, 253);

/** The NodePlan for one node (spec only). */
export function nodePlanFor(input: NodePlanInput): NodePlan {
  const hasPasswords = input.passwords.length > 0;
  return {
    apiVersion: `${NODEPLAN.group}/${NODEPLAN.version}`,
    kind: NODEPLAN.kind,
    metadata: { name: input.nodeName, namespace: input.namespace },
    spec: {
      nodeName: input.nodeName,
      frr: encodeFrrConfig(input.frrConf),
      ...(hasPasswords ? { passwordSecretName: passwordSecretNameFor(input.nodeName), passwords: input.passwords.map((p) => ({ ...p })) } : {}),
    },
  };
}
