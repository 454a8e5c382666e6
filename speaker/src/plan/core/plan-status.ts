/**
 * The NodePlan status the speaker wants, computed from the last apply, FRR's session state and
 * the previous status; and whether it differs from what is stored (nothing is written when it
 * does not). Every field is always present, so a JSON merge patch of the whole status replaces
 * it exactly. Messages come redacted from the applier; no password reaches here. Pure.
 */
import type { V1Condition } from '@kubernetes/client-node';
import type { NodePlanStatus, NodePlanStatusPeer } from '@metallb-ts/lib/api/types.generated.ts';
import type { AdvertisedReport } from '../../frr/core/adj-rib-out.ts';
import type { BfdSessionState, BgpSessionState } from '../../frr/core/frr-state.ts';
import { normaliseVrf, type PlanPeer } from './plan-model.ts';

/** The last apply of the wanted config, as the status reports it. */
export interface ApplyOutcome {
  /** sha256 of the config the outcome is for. */
  readonly hash: string;
  /** `Applied`: FRR runs it; `Failed`: refused or failing (retried unless refused); `Pending`: not done yet. */
  readonly result: 'Applied' | 'Failed' | 'Pending';
  readonly message: string;
}

/** What {@link desiredStatus} needs. */
export interface StatusInput {
  readonly generation: number;
  readonly wantedHash: string;
  /** The last outcome for any config (undefined before the first). */
  readonly outcome: ApplyOutcome | undefined;
  /** sha256 FRR runs now, as the applier last confirmed ('' = none). */
  readonly runningHash: string;
  /** FRR's sessions (undefined when they could not be read). */
  readonly bgp: readonly BgpSessionState[] | undefined;
  readonly bfd: readonly BfdSessionState[] | undefined;
  readonly peers: readonly PlanPeer[];
  /** RFC 3339 time used for a condition whose status changes. */
  readonly now: string;
  readonly previous: NodePlanStatus | undefined;
  /** Further conditions (layer 2's address-conflict condition), appended after the BGP ones. */
  readonly extra?: readonly ConditionInput[];
  /** The adj-rib-out report of a session (vrf '' = default), if read (core/adj-rib-out.ts). */
  readonly advertised?: (vrf: string, neighbor: string) => AdvertisedReport | undefined;
}

/** A condition without its generation and transition time (those are kept or set here). */
export interface ConditionInput {
  readonly type: string;
  readonly status: 'True' | 'False' | 'Unknown';
  readonly reason: string;
  readonly message: string;
}

const BGP_STATES = new Set(['Idle', 'Connect', 'Active', 'OpenSent', 'OpenConfirm', 'Established']);
const BFD_STATES = new Set(['up', 'down', 'init', 'admin-down']);

/** The status to store. */
export function desiredStatus(i: StatusInput): NodePlanStatus {
  const current = i.outcome?.hash === i.wantedHash ? i.outcome : undefined;
  const result = current?.result ?? 'Pending';
  const message = current?.message ?? (i.outcome === undefined ? 'waiting for the first apply' : 'apply queued');
  const peers = (i.bgp ?? []).map((s) => peerStatus(s, i.bfd ?? [], i.peers, i.advertised)).sort((a, b) => a.name.localeCompare(b.name));
  const up = peers.filter((p) => p.bgpState === 'Established').length;
  const applied = result === 'Applied' && i.runningHash === i.wantedHash;
  const conditions: V1Condition[] = [
    condition(i, 'Applied', applied ? 'True' : result === 'Failed' ? 'False' : 'Unknown',
      applied ? 'Applied' : result === 'Failed' ? 'ApplyFailed' : 'Pending', message),
    condition(i, 'SessionsEstablished',
      i.bgp === undefined ? 'Unknown' : up === peers.length && peers.length > 0 ? 'True' : 'False',
      i.bgp === undefined ? 'StateUnreadable' : peers.length === 0 ? 'NoSessions' : up === peers.length ? 'AllEstablished' : 'NotAllEstablished',
      `${up}/${peers.length} BGP sessions established`),
    ...(i.extra ?? []).map((c) => condition(i, c.type, c.status, c.reason, c.message)),
  ];
  return {
    observedGeneration: i.generation,
    appliedSha256: i.runningHash,
    result,
    message: message.slice(0, 4096),
    sessions: `${up}/${peers.length}`,
    peers,
    conditions,
  };
}

/** Whether `next` differs from what is stored (field order does not matter). */
export function statusChanged(previous: NodePlanStatus | undefined, next: NodePlanStatus): boolean {
  return canonical(previous ?? {}) !== canonical(next);
}

function peerStatus(s: BgpSessionState, bfd: readonly BfdSessionState[], plan: readonly PlanPeer[], advertisedOf: StatusInput['advertised']): NodePlanStatusPeer {
  const vrf = normaliseVrf(s.vrf);
  const adv = advertisedOf?.(vrf, s.peer);
  const named = plan.find((p) => p.neighbor === s.peer && p.vrf === vrf);
  const b = bfd.find((x) => x.peer === s.peer && normaliseVrf(x.vrf) === vrf);
  const bfdState = b === undefined ? undefined : BFD_STATES.has(b.status) ? b.status : 'unknown';
  return {
    name: named?.name ?? s.peer,
    neighbor: s.peer.slice(0, 64),
    vrf,
    bgpState: (BGP_STATES.has(s.state) ? s.state : 'Unknown') as NodePlanStatusPeer['bgpState'],
    ...(bfdState === undefined ? {} : { bfdState: bfdState as NonNullable<NodePlanStatusPeer['bfdState']> }),
    prefixesSent: s.prefixesSent,
    ...(adv === undefined ? {} : { advertised: { planSha256: adv.planSha256, expected: adv.expected, missingCount: adv.missingCount, missing: [...adv.missing] } }),
  };
}

/**
 * The status of a plan whose node runs no FRR (layer 2 only): the generation and the given
 * conditions, transition times kept while a condition's status stays.
 */
export function conditionsOnlyStatus(i: Pick<StatusInput, 'generation' | 'now' | 'previous'> & { readonly extra: readonly ConditionInput[] }): NodePlanStatus {
  return { observedGeneration: i.generation, conditions: i.extra.map((c) => condition(i, c.type, c.status, c.reason, c.message)) };
}

function condition(i: Pick<StatusInput, 'generation' | 'now' | 'previous'>, type: string, status: 'True' | 'False' | 'Unknown', reason: string, message: string): V1Condition {
  const prev = i.previous?.conditions?.find((c) => c.type === type);
  // Custom-object JSON carries the time as an RFC 3339 string (client-node types it as Date).
  const since = prev !== undefined && prev.status === status ? String(prev.lastTransitionTime as unknown) : i.now;
  return { type, status, reason, message, observedGeneration: i.generation, lastTransitionTime: since as unknown as Date };
}

function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (x !== null && typeof x === 'object' && !Array.isArray(x)
    ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
    : x));
}
