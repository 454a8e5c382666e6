/** The plan status condition that reports layer-2 address conflicts (pure). */
import type { AddressConflict } from '../responder-types.ts';

/** Condition type in the NodePlan status. */
export const CONFLICT_CONDITION = 'Layer2AddressConflict';

/** A NodePlan status condition, without its transition time (the writer keeps or sets it). */
export interface ConflictCondition {
  readonly type: typeof CONFLICT_CONDITION;
  readonly status: 'True' | 'False';
  readonly reason: 'AddressInUse' | 'NoConflict';
  readonly message: string;
}

/** At most this many conflicts are spelled out in the message. */
const LISTED = 20;

/**
 * `True` while another MAC claims a VIP this node owns (refused at the probe, or seen while
 * announcing: a foreign host or a split brain between our own nodes), `False` otherwise.
 */
export function conflictCondition(conflicts: readonly AddressConflict[]): ConflictCondition {
  if (conflicts.length === 0) return { type: CONFLICT_CONDITION, status: 'False', reason: 'NoConflict', message: 'no address conflict' };
  const listed = conflicts.slice(0, LISTED).map((c) => `${c.ip} is also claimed by ${c.mac} on ${c.iface} (${c.phase === 'probe' ? 'not announced' : 'while announcing'})`);
  const more = conflicts.length > LISTED ? `; and ${conflicts.length - LISTED} more` : '';
  return { type: CONFLICT_CONDITION, status: 'True', reason: 'AddressInUse', message: `${listed.join('; ')}${more}` };
}
