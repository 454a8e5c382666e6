/** The plan status condition that reports layer-2 address conflicts (pure). */
import { conflictMessage, L2_CONFLICT_CONDITION } from '@metallb-ts/lib/plan/l2-conflict-text.ts';
import type { AddressConflict } from '../responder-types.ts';

/** Condition type in the NodePlan status (the operator reads it: lib/plan/l2-conflict-text.ts). */
export const CONFLICT_CONDITION = L2_CONFLICT_CONDITION;

/** A NodePlan status condition, without its transition time (the writer keeps or sets it). */
export interface ConflictCondition {
  readonly type: typeof CONFLICT_CONDITION;
  readonly status: 'True' | 'False';
  readonly reason: 'AddressInUse' | 'NoConflict';
  readonly message: string;
}

/**
 * `True` while another MAC claims a VIP this node owns (refused at the probe, or seen while
 * announcing: a foreign host or a split brain between our own nodes), `False` otherwise.
 */
export function conflictCondition(conflicts: readonly AddressConflict[]): ConflictCondition {
  if (conflicts.length === 0) return { type: CONFLICT_CONDITION, status: 'False', reason: 'NoConflict', message: 'no address conflict' };
  return { type: CONFLICT_CONDITION, status: 'True', reason: 'AddressInUse', message: conflictMessage(conflicts) };
}
