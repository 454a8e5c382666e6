/**
 * A Service as the operator reads it: parsed once where it enters (parse-service.ts), immutable,
 * with its parse errors as values. Decision code (the allocation convergence, and whatever
 * else decides about Services) works on this value and never reads an annotation or a raw
 * field of the `V1Service` again.
 */
import type { ServiceKey } from '@metallb-ts/lib/ids/ids.ts';
import type { IpAddress, IpFamily } from '@metallb-ts/lib/ip/ip.ts';
import type { Result } from '@metallb-ts/lib/result.ts';
import type { StoredCondition } from '../conditions/conditions.ts';

/** One (protocol, port) pair a Service uses; two services sharing an IP may not overlap. */
export interface Port {
  /** `TCP`, `UDP` or `SCTP`. */
  readonly protocol: string;
  /** Port number. */
  readonly port: number;
}

/** `spec.ipFamilyPolicy`. */
export type IpFamilyPolicy = 'SingleStack' | 'PreferDualStack' | 'RequireDualStack';

/** Family of one or two addresses, or `dual`. */
export type ServiceFamily = IpFamily | 'dual';

/** Requested addresses (the `loadBalancerIPs` annotation or `spec.loadBalancerIP`). */
export interface RequestedIps {
  /** The addresses, in the order given. */
  readonly ips: readonly IpAddress[];
  /** Their family. */
  readonly family: ServiceFamily;
  /** Their text, as given (trimmed). */
  readonly texts: readonly string[];
}

/** The address fields of the spec. */
export interface ServiceFamilies {
  /** `spec.clusterIPs` as given (empty when absent); messages quote it. */
  readonly clusterIps: readonly string[];
  /** `spec.clusterIP` as given (`''` when absent); messages quote it. */
  readonly clusterIp: string;
  /**
   * MetalLB's `ipfamily.ForService`: the family of `clusterIPs` (else of `[clusterIP]`), or
   * MetalLB's error text when they do not parse or do not make one family.
   */
  readonly family: Result<ServiceFamily, string>;
  /** `spec.ipFamilyPolicy`, SingleStack by default. */
  readonly policy: IpFamilyPolicy;
  /** `spec.ipFamilies[0]` (ipv4 by default): the family PreferDualStack falls back to first. */
  readonly primary: IpFamily;
}

/** Addresses as an ingress list shows them, parsed as Go's `net.ParseIP` would. */
export interface IngressIps {
  /** The texts, in order. */
  readonly texts: readonly string[];
  /** Each text parsed (IPv4-mapped IPv6 counts as IPv4); undefined where it does not parse. */
  readonly ips: readonly (IpAddress | undefined)[];
  /** Go's `net.IP.String()` of each: canonical text, `<nil>` where it did not parse. */
  readonly shown: readonly string[];
  /** MetalLB's `ipfamily.ForAddresses` of {@link shown}, or its error text. */
  readonly family: Result<ServiceFamily, string>;
}

/** `status.loadBalancer.ingress`. */
export interface ServiceIngress extends IngressIps {
  /**
   * Every entry is a bare address, as the operator writes them: no hostname, no ports, no
   * entry without an IP. {@link IngressIps.texts} holds only the entries that have an IP.
   */
  readonly plain: boolean;
}

/** See the module comment. */
export interface ParsedService {
  /** `namespace/name`. */
  readonly key: ServiceKey;
  /** `metadata.namespace` (`''` when absent). */
  readonly namespace: string;
  /** `metadata.name` (`''` when absent). */
  readonly name: string;
  /** `metadata.uid` (`''` when absent): another UID under the same key is another Service. */
  readonly uid: string;
  /** `metadata.resourceVersion`, undefined when absent. */
  readonly resourceVersion: string | undefined;
  /** `metadata.labels` (matched by pools' `serviceSelectors`, advertisements' selectors). */
  readonly labels: Readonly<Record<string, string>>;
  /** `spec.loadBalancerClass`, undefined when absent. */
  readonly loadBalancerClass: string | undefined;
  /** `spec.type` is `LoadBalancer`. */
  readonly isLoadBalancer: boolean;
  /** `spec.externalTrafficPolicy` is `Local`. */
  readonly trafficPolicyLocal: boolean;
  /** `spec.ports` as (protocol, port), protocol defaulting to TCP. */
  readonly ports: readonly Port[];
  /** `allow-shared-ip` annotation (new prefix, else the deprecated one); `''` = no sharing. */
  readonly sharingKey: string;
  /** MetalLB's backend key: for ETP=Local the selector as a sorted `k=v,…` string, else `''`. */
  readonly backendKey: string;
  /**
   * MetalLB's `getDesiredLbIPs`: the requested addresses, undefined when none is requested, or
   * MetalLB's error text (unparseable, both the annotation and `spec.loadBalancerIP` set, …).
   */
  readonly requestedIps: Result<RequestedIps | undefined, string>;
  /** `address-pool` annotation (new prefix, else the deprecated one); `''` = none. */
  readonly requestedPool: string;
  /** Cluster IPs, their family and the family policy. */
  readonly families: ServiceFamilies;
  /** The current `status.loadBalancer.ingress`. */
  readonly ingress: ServiceIngress;
  /** The current `metallb.io/ip-allocated-from-pool` annotation; null when absent. */
  readonly allocatedPool: string | null;
  /** Annotation keys with the deprecated `metallb.universe.tf` prefix, sorted. */
  readonly deprecatedAnnotations: readonly string[];
  /** `status.conditions` as stored (every type: a write must keep other controllers' ones). */
  readonly conditions: readonly StoredCondition[];
}
