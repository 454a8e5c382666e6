/**
 * Values exchanged with the allocator: service identity and usage, address requests, and the
 * structured errors it returns (their `message` follows MetalLB's wording).
 */
import type { ServiceKey } from '@metallb-ts/lib/ids/ids.ts';
import type { IpFamily } from '../config/types.ts';
import type { IpFamilyPolicy, Port } from '../service/parsed-service.ts';

/** Everything the allocator needs to know about the Service asking for addresses. */
export interface ServiceClaim {
  /** The Service's key. */
  readonly service: ServiceKey;
  /** Its namespace (matched by `serviceAllocation.namespaces`). */
  readonly namespace: string;
  /** Its labels (matched by `serviceAllocation.serviceSelectors`). */
  readonly labels: Readonly<Record<string, string>>;
  /** `spec.ports` as (protocol, port) pairs. */
  readonly ports: readonly Port[];
  /** `allow-shared-ip` annotation value; empty = no sharing. */
  readonly sharingKey: string;
  /** Backend key: the pod selector as a label string for ETP=Local, `''` for Cluster. */
  readonly backendKey: string;
}

/** Which families a Service wants, derived from its clusterIPs and ipFamily fields. */
export interface FamilyRequest {
  /** Family of the clusterIPs: one family, or `dual` when there are two. */
  readonly family: IpFamily | 'dual';
  /** `spec.ipFamilyPolicy` (default SingleStack). */
  readonly policy: IpFamilyPolicy;
  /** `spec.ipFamilies[0]` (default ipv4): the family PreferDualStack falls back to first. */
  readonly primary: IpFamily;
}

/** Why a sharing check failed (MetalLB's `sharingOK` reasons). */
export type SharingReason = 'existingNoSharing' | 'newNoSharing' | 'keyMismatch' | 'backendMismatch';

/**
 * Structured detail of a failure, kept out of `message` (which is MetalLB's text byte for byte,
 * because users grep events for it): log fields and the decision's `detail`.
 */
export type ErrorDetail = Readonly<Record<string, string>>;

/**
 * A failed assignment or allocation; `message` is the text MetalLB reports (see
 * messages.test.ts), `detail` what we know beyond it.
 */
export type AllocationError = (
  | { readonly kind: 'notInConfig'; readonly message: string }
  | { readonly kind: 'poolIncompatible'; readonly pool: string; readonly message: string }
  | { readonly kind: 'tooManyAddresses'; readonly message: string }
  | { readonly kind: 'sameFamily'; readonly message: string }
  | { readonly kind: 'sharing'; readonly reason: SharingReason; readonly message: string }
  | { readonly kind: 'portInUse'; readonly port: Port; readonly message: string }
  | { readonly kind: 'unknownPool'; readonly pool: string; readonly message: string }
  | { readonly kind: 'noAvailableIps'; readonly message: string }
  | { readonly kind: 'wrongFamily'; readonly message: string }
) & { readonly detail?: ErrorDetail };
