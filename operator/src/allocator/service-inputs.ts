/**
 * What the allocator reads from a Service (MetalLB's `controller/service.go`,
 * `k8salloc` and `ipfamily` helpers): annotations with the old `metallb.universe.tf/` prefix
 * as fallback, requested addresses, ports, backend key and address families. Error texts
 * follow MetalLB's.
 */
import type { V1Service } from '@kubernetes/client-node';
import type { IpFamily } from '../config/types.ts';
import { type IpAddress, parseIp } from '@metallb-ts/lib/ip/ip.ts';
import { err, ok, type Result } from '@metallb-ts/lib/result.ts';
import { serviceKey, type ServiceKey } from '@metallb-ts/lib/ids/ids.ts';
import { type FamilyRequest, type IpFamilyPolicy, type Port, type ServiceClaim } from './types.ts';

/** Current annotation prefix. */
export const ANNOTATION_PREFIX = 'metallb.io';
/** Deprecated prefix, still read; its use triggers a `deprecatedAnnotation` event. */
export const DEPRECATED_PREFIX = 'metallb.universe.tf';
/** The annotation the controller writes: the pool an address came from. */
export const POOL_ANNOTATION = `${ANNOTATION_PREFIX}/ip-allocated-from-pool`;

/** Family of one or two addresses, or `dual`. */
export type ServiceFamily = IpFamily | 'dual';

/** Go's `%q` of a string list. */
export const quoteList = (items: readonly string[]): string => `[${items.map((s) => JSON.stringify(s)).join(' ')}]`;

/** Value of `metallb.io/<name>`, else of the deprecated key; a present new key wins even if empty. */
export function annotation(svc: V1Service, name: string): string {
  const a = svc.metadata?.annotations ?? {};
  return a[`${ANNOTATION_PREFIX}/${name}`] ?? a[`${DEPRECATED_PREFIX}/${name}`] ?? '';
}

/** Key of the Service (`namespace/name`). */
export const keyOf = (svc: V1Service): ServiceKey => serviceKey(svc.metadata?.namespace ?? '', svc.metadata?.name ?? '');

/** Parses an address as Go's ParseIP (IPv4-mapped IPv6 counts as IPv4). */
export function parseServiceIp(text: string): IpAddress | undefined {
  const a = parseIp(text);
  if (a === undefined) return undefined;
  const mapped = a.family === 'ipv6' && a.value >> 32n === 0xffffn;
  return mapped ? { family: 'ipv4', value: a.value & 0xffffffffn } : { family: a.family, value: a.value };
}

/** MetalLB's `ipfamily.ForAddresses`. */
export function familyOfAddresses(texts: readonly string[]): Result<ServiceFamily, string> {
  const ips = texts.map(parseServiceIp);
  if (texts.length < 1 || texts.length > 2) return err(`IPFamilyForAddresses: invalid ips length ${texts.length} ${quoteList(texts)}`);
  if (ips.some((x) => x === undefined)) return err(`IPFamilyForAddresses: Invalid address ${quoteList(texts)}`);
  const [a, b] = ips;
  if (b === undefined) return ok(a?.family ?? 'ipv4');
  return a?.family === b.family ? err(`IPFamilyForAddresses: same address family ${quoteList(texts)}`) : ok('dual');
}

/** The clusterIPs MetalLB looks at: `clusterIPs`, else `[clusterIP]`. */
export const clusterIpsOf = (svc: V1Service): string[] =>
  svc.spec?.clusterIPs?.length ? svc.spec.clusterIPs : [svc.spec?.clusterIP ?? ''];

/** MetalLB's `ipfamily.ForService`. */
export const serviceFamilyOf = (svc: V1Service): Result<ServiceFamily, string> => familyOfAddresses(clusterIpsOf(svc));

/** `spec.ipFamilyPolicy`, SingleStack by default. */
export function policyOf(svc: V1Service): IpFamilyPolicy {
  const p = svc.spec?.ipFamilyPolicy;
  return p === 'PreferDualStack' || p === 'RequireDualStack' ? p : 'SingleStack';
}

/** The family request for allocation. */
export function familyRequestOf(svc: V1Service, family: ServiceFamily): FamilyRequest {
  return { family, policy: policyOf(svc), primary: svc.spec?.ipFamilies?.[0] === 'IPv6' ? 'ipv6' : 'ipv4' };
}

/** Requested addresses (annotation or `spec.loadBalancerIP`), if any. */
export interface DesiredIps {
  /** The addresses, in the order given. */
  readonly ips: readonly IpAddress[];
  /** Their family. */
  readonly family: ServiceFamily;
  /** Their text, as given (trimmed). */
  readonly texts: readonly string[];
}

/** MetalLB's `getDesiredLbIPs`: undefined when nothing is requested. */
export function desiredIpsOf(svc: V1Service): Result<DesiredIps | undefined, string> {
  const fromAnnotation = annotation(svc, 'loadBalancerIPs');
  const fromSpec = svc.spec?.loadBalancerIP ?? '';
  if (fromAnnotation === '' && fromSpec === '') return ok(undefined);
  if (fromAnnotation !== '' && fromSpec !== '') {
    return err(`service can not have both ${ANNOTATION_PREFIX}/loadBalancerIPs and svc.Spec.LoadBalancerIP`);
  }
  const texts = fromAnnotation !== '' ? fromAnnotation.split(',').map((s) => s.trim()) : [fromSpec];
  const ips = texts.map(parseServiceIp).filter((x): x is IpAddress => x !== undefined);
  if (ips.length !== texts.length) {
    const what = fromAnnotation !== '' ? `invalid ${ANNOTATION_PREFIX}/loadBalancerIPs: ${JSON.stringify(fromAnnotation)}` : `invalid spec.loadBalancerIP ${JSON.stringify(fromSpec)}`;
    return err(what);
  }
  const family = familyOfAddresses(texts);
  return family.ok ? ok({ ips, family: family.value, texts }) : family;
}

/** `spec.ports` as (protocol, port), protocol defaulting to TCP. */
export const portsOf = (svc: V1Service): Port[] =>
  (svc.spec?.ports ?? []).map((p) => ({ protocol: p.protocol ?? 'TCP', port: p.port }));

/** MetalLB's backend key: for ETP=Local the selector as a sorted `k=v,…` string, else ''. */
export function backendKeyOf(svc: V1Service): string {
  if (svc.spec?.externalTrafficPolicy !== 'Local') return '';
  const selector = svc.spec.selector ?? {};
  return Object.keys(selector).sort().map((k) => `${k}=${selector[k] ?? ''}`).join(',');
}

/** Everything the allocator needs about the Service. */
export function claimOf(svc: V1Service): ServiceClaim {
  return {
    service: keyOf(svc),
    namespace: svc.metadata?.namespace ?? '',
    labels: svc.metadata?.labels ?? {},
    ports: portsOf(svc),
    sharingKey: annotation(svc, 'allow-shared-ip'),
    backendKey: backendKeyOf(svc),
  };
}
