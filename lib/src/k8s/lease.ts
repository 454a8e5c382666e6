/**
 * The Lease side of leader election: the narrow store port, its real implementation, and the
 * pure per-round decision (see leader-election.ts for the algorithm).
 */
import type { V1Lease, V1LeaseSpec } from '@kubernetes/client-node';
import type { Result } from '../result.ts';
import { apiResult, orMissing } from './api-errors.ts';
import type { KubeClient } from './kube-client.ts';
import { microTime, type MicroTime } from './micro-time.ts';

/** A Lease's spec as the API stores it (times as MicroTime strings). */
export interface LeaseSpec extends Omit<V1LeaseSpec, 'acquireTime' | 'renewTime'> {
  acquireTime?: MicroTime;
  renewTime?: MicroTime;
}

/** A coordination.k8s.io/v1 Lease as plain JSON. */
export interface Lease extends Omit<V1Lease, 'spec'> {
  spec?: LeaseSpec;
}

/** The narrow Lease port the elector needs (a fake in unit tests). */
export interface LeaseStore {
  /** The lease, or undefined when it does not exist. */
  get(): Promise<Lease | undefined>;
  /** Creates it; `'conflict'` when someone else created it first. */
  create(lease: Lease): Promise<Result<Lease, 'conflict'>>;
  /** Replaces it (optimistic concurrency on resourceVersion); `'conflict'` when it changed. */
  update(lease: Lease): Promise<Result<Lease, 'conflict'>>;
}

/** Identifies the Lease object. */
export interface LeaseRef {
  readonly namespace: string;
  readonly name: string;
}

/** A {@link LeaseStore} on the real API (coordination.k8s.io/v1). */
export function leaseStoreFor(kube: KubeClient, ref: LeaseRef): LeaseStore {
  const leases = `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(ref.namespace)}/leases`;
  const one = `${leases}/${encodeURIComponent(ref.name)}`;
  return {
    get: () => orMissing(kube.request<Lease>({ method: 'GET', path: one }), undefined),
    create: (body) => apiResult(() => kube.request<Lease>({ method: 'POST', path: leases, body }), ['conflict']),
    update: (body) => apiResult(() => kube.request<Lease>({ method: 'PUT', path: one, body }), ['conflict']),
  };
}

/** Inputs of {@link decideLease}. */
export interface LeaseInput {
  /** The lease as read, or undefined. */
  readonly current: Lease | undefined;
  /** Our identity. */
  readonly identity: string;
  /** Now, in ms. */
  readonly now: number;
  /** Local time at which the current holder/renewTime record was first observed. */
  readonly observedAt: number;
  /** Our lease duration, used for a new lease and when the lease has none. */
  readonly leaseDurationMs: number;
  /** Where the lease lives. */
  readonly ref: LeaseRef;
}

/** What to do with the lease this round. */
export type LeaseDecision =
  | { readonly kind: 'create'; readonly lease: Lease }
  | { readonly kind: 'update'; readonly lease: Lease }
  | { readonly kind: 'follow'; readonly holder: string };

/** The lease record we write: ourselves, renewed `now`. */
function ownSpec(input: LeaseInput, acquireTime: MicroTime, transitions: number): LeaseSpec {
  return {
    holderIdentity: input.identity,
    leaseDurationSeconds: Math.ceil(input.leaseDurationMs / 1000),
    acquireTime,
    renewTime: microTime(input.now),
    leaseTransitions: transitions,
  };
}

/** Decides create / take over / renew / follow; pure. */
export function decideLease(input: LeaseInput): LeaseDecision {
  const { current, identity, now } = input;
  if (current === undefined) {
    return { kind: 'create', lease: { metadata: { ...input.ref }, spec: ownSpec(input, microTime(now), 0) } };
  }
  const spec = current.spec ?? {};
  const holder = spec.holderIdentity ?? '';
  const durationMs = (spec.leaseDurationSeconds ?? input.leaseDurationMs / 1000) * 1000;
  if (holder !== identity && holder !== '' && input.observedAt + durationMs > now) return { kind: 'follow', holder };
  const mine = holder === identity;
  const transitions = (spec.leaseTransitions ?? 0) + (mine ? 0 : 1);
  const acquireTime = mine && spec.acquireTime !== undefined ? spec.acquireTime : microTime(now);
  return { kind: 'update', lease: { ...current, spec: ownSpec(input, acquireTime, transitions) } };
}
