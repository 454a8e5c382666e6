/**
 * The `Layer2AddressConflict` condition of a NodePlan status, written by the node's speaker and
 * read by the operator (the `AddressConflict` reason of a Service's `metallb.io/Announced`):
 * one text format for both sides, so the operator reads exactly what the speaker wrote. Pure.
 */

/** Condition type in the NodePlan status. */
export const L2_CONFLICT_CONDITION = 'Layer2AddressConflict';

/** One VIP another MAC claims on the LAN. */
export interface ConflictClaim {
  readonly ip: string;
  /** The other claimant's MAC. */
  readonly mac: string;
  readonly iface: string;
  /** `probe`: found before announcing (not announced); `announced`: seen while announcing. */
  readonly phase: 'probe' | 'announced';
}

/** At most this many conflicts are spelled out in the message (the rest are counted). */
export const CONFLICTS_LISTED = 64;

const PHASE_TEXT = { probe: 'not announced', announced: 'while announcing' } as const;

/** The condition message for `claims` (sorted by the caller); '' when there are none. */
export function conflictMessage(claims: readonly ConflictClaim[]): string {
  const listed = claims.slice(0, CONFLICTS_LISTED).map((c) => `${c.ip} is also claimed by ${c.mac} on ${c.iface} (${PHASE_TEXT[c.phase]})`);
  const more = claims.length > CONFLICTS_LISTED ? `; and ${claims.length - CONFLICTS_LISTED} more` : '';
  return `${listed.join('; ')}${more}`;
}

const CLAIM = /^(\S+) is also claimed by (\S+) on (\S+) \((not announced|while announcing)\)$/;

/** The claims a {@link conflictMessage} lists (unlisted ones are not known). */
export function claimsOfMessage(message: string): ConflictClaim[] {
  return message.split('; ').flatMap((part) => {
    const m = CLAIM.exec(part);
    return m === null ? [] : [{ ip: m[1]!, mac: m[2]!, iface: m[3]!, phase: m[4] === 'not announced' ? 'probe' as const : 'announced' as const }];
  });
}
