/**
 * The whole pure pipeline for one node: Config + node + Services → announcements → view →
 * frr.conf text. The reconciler calls this per node; golden tests and the bench call it too.
 */
import { err, ok, type Result } from '@metallb-ts/lib/result.ts';
import type { Config } from '../config/types.ts';
import { announcementsFor, type NodeFacts, type ServiceFacts, type SkipReason } from './announcements.ts';
import type { FrrRenderer } from './render.ts';
import { frrViewFor, type FrrViewError, type FrrViewInput } from './view-model.ts';
import type { PasswordRef } from './view-types.ts';

/** Inputs of {@link nodeFrrFor}. */
export interface NodeFrrInput {
  /** The validated configuration. */
  readonly config: Config;
  /** The node. */
  readonly node: NodeFacts;
  /** Every LoadBalancer Service with IPs. */
  readonly services: readonly ServiceFacts[];
  /** The compiled templates. */
  readonly render: FrrRenderer;
  /** FRR log level (default informational). */
  readonly logLevel?: FrrViewInput['logLevel'];
}

/** One node's rendered FRR configuration. */
export interface NodeFrr {
  /** frr.conf text, with password placeholders. */
  readonly text: string;
  /** The placeholders in `text` and their Secret keys. */
  readonly passwords: readonly PasswordRef[];
  /** Services this node does not announce, with the reason. */
  readonly skipped: ReadonlyMap<string, SkipReason>;
}

/** Renders one node's frr.conf. */
export function nodeFrrFor(input: NodeFrrInput): Result<NodeFrr, FrrViewError> {
  const { announcements, skipped } = announcementsFor(input.config, input.node, input.services);
  const view = frrViewFor({ config: input.config, node: input.node, announcements, ...(input.logLevel ? { logLevel: input.logLevel } : {}) });
  if (!view.ok) return err(view.error);
  return ok({ text: input.render(view.value), passwords: view.value.passwords, skipped });
}
