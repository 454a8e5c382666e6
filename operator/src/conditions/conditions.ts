/**
 * The Service conditions metallb-ts keeps (`status.conditions`, types in the `metallb.io/` prefix
 * so they never collide with other controllers'), one per stage, and the pure merge that decides
 * whether a write is needed: a condition is rewritten only when its status, reason or message
 * changed, and its `lastTransitionTime` moves only when its status did. Conditions of other
 * types are kept as they are. Reasons are stable CamelCase words, listed in docs/conditions.md.
 */

/** `metallb.io/AddressAllocated`: the allocation stage. */
export const ALLOCATED = 'metallb.io/AddressAllocated';
/** `metallb.io/Announced`: the announcement stage (BGP and layer 2). */
export const ANNOUNCED = 'metallb.io/Announced';
/** `metallb.io/Reachable`: the route is in the adj-rib-out FRR keeps for a peer (BGP only). */
export const REACHABLE = 'metallb.io/Reachable';

/** Reasons of {@link ALLOCATED}. */
export type AllocationReason =
  | 'Allocated' | 'NoMatchingPool' | 'PoolExhausted' | 'RequestedIPUnavailable' | 'SharingRefused' | 'ServiceInvalid' | 'ConfigInvalid';

/** Reasons of {@link ANNOUNCED}. */
export type AnnounceReason =
  | 'Announced' | 'NotAllocated' | 'NoAdvertisement' | 'NoEligibleNode' | 'NoServingEndpoint' | 'NodeExcluded'
  | 'NetworkUnavailable' | 'ConflictingAdvertisements' | 'BGPSessionDown' | 'PlanPending' | 'NoPeer' | 'AddressConflict';

/** Reasons of {@link REACHABLE}. */
export type ReachableReason = 'Advertised' | 'NotAdvertised' | 'NotAnnounced' | 'NotAllocated' | 'ReportPending' | 'Layer2Only';

/** One stage's verdict, before timestamps. */
export interface StageCondition {
  /** {@link ALLOCATED}, {@link ANNOUNCED} or {@link REACHABLE}. */
  readonly type: string;
  /** `Unknown` only for {@link REACHABLE} (layer 2, or no report yet). */
  readonly status: 'True' | 'False' | 'Unknown';
  /** A stable CamelCase word. */
  readonly reason: AllocationReason | AnnounceReason | ReachableReason;
  /** Names the object to fix when the stage failed. */
  readonly message: string;
}

/** A condition as stored on the Service (the raw JSON shape: the time is an RFC 3339 string). */
export interface StoredCondition {
  readonly type: string;
  readonly status: string;
  readonly reason?: string;
  readonly message?: string;
  readonly lastTransitionTime?: string;
  readonly observedGeneration?: number;
}

/** The same verdict (status, reason, message) as a stored condition. */
const sameVerdict = (c: StoredCondition, w: StageCondition): boolean =>
  c.status === w.status && c.reason === w.reason && c.message === w.message;

/** Seconds-precision RFC 3339, as the apiserver stores metav1.Time. */
export const conditionTime = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/**
 * `existing` with every `wanted` condition set (others kept, ours in wanted's order after them);
 * undefined when nothing changes. `now` stamps a condition whose status changed or is new.
 */
export function mergeConditions(existing: readonly StoredCondition[], wanted: readonly StageCondition[], now: string): StoredCondition[] | undefined {
  let changed = false;
  const byType = new Map(existing.map((c) => [c.type, c]));
  const ours = wanted.map((w): StoredCondition => {
    const old = byType.get(w.type);
    if (old !== undefined && sameVerdict(old, w)) return old;
    changed = true;
    const since = old !== undefined && old.status === w.status && old.lastTransitionTime !== undefined ? old.lastTransitionTime : now;
    return { type: w.type, status: w.status, reason: w.reason, message: w.message, lastTransitionTime: since };
  });
  if (!changed) return undefined;
  const types = new Set(wanted.map((w) => w.type));
  return [...existing.filter((c) => !types.has(c.type)), ...ours];
}

/** Whether `existing` already shows every `wanted` verdict. */
export const conditionsCurrent = (existing: readonly StoredCondition[], wanted: readonly StageCondition[]): boolean =>
  mergeConditions(existing, wanted, '') === undefined;
