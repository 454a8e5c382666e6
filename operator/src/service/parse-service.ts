/**
 * The edge where a `V1Service` becomes a {@link ParsedService}: every field and annotation the
 * operator decides on is read here, once (MetalLB's `controller/service.go`, `k8salloc` and
 * `ipfamily` helpers). Pure; error texts are MetalLB's, kept as values.
 */
import type { V1Service, V1ServiceSpec } from '@kubernetes/client-node';
import { serviceKey, type ServiceKey } from '@metallb-ts/lib/ids/ids.ts';
import type { IpAddress } from '@metallb-ts/lib/ip/ip.ts';
import { err, ok, type Result } from '@metallb-ts/lib/result.ts';
import { ANNOTATION_PREFIX, annotationOf, DEPRECATED_PREFIX, POOL_ANNOTATION } from './annotations.ts';
import { familyOfAddresses, ingressIpsOf, parseServiceIp } from './ip-family.ts';
import type { IpFamilyPolicy, ParsedService, Port, RequestedIps, ServiceFamilies, ServiceIngress } from './parsed-service.ts';
import type { StoredCondition } from '../conditions/conditions.ts';

const EMPTY: Readonly<Record<string, string>> = Object.freeze({});

/** Key of the Service (`namespace/name`). */
export const keyOf = (svc: V1Service): ServiceKey => serviceKey(svc.metadata?.namespace ?? '', svc.metadata?.name ?? '');

/** `status.loadBalancer.ingress[].ip` of the entries that have one, in order. */
export const ingressTextsOf = (svc: V1Service): string[] => (svc.status?.loadBalancer?.ingress ?? []).flatMap((i) => (i.ip ? [i.ip] : []));

/** MetalLB's `getDesiredLbIPs` over the annotation value and `spec.loadBalancerIP`. */
export function requestedIpsOf(fromAnnotation: string, fromSpec: string): Result<RequestedIps | undefined, string> {
  if (fromAnnotation === '' && fromSpec === '') return ok(undefined);
  if (fromAnnotation !== '' && fromSpec !== '') {
    return err(`service can not have both ${ANNOTATION_PREFIX}/loadBalancerIPs and svc.Spec.LoadBalancerIP`);
  }
  const texts = fromAnnotation !== '' ? fromAnnotation.split(',').map((s) => s.trim()) : [fromSpec];
  const ips = texts.map(parseServiceIp).filter((x): x is IpAddress => x !== undefined);
  if (ips.length !== texts.length) {
    return err(fromAnnotation !== '' ? `invalid ${ANNOTATION_PREFIX}/loadBalancerIPs: ${JSON.stringify(fromAnnotation)}` : `invalid spec.loadBalancerIP ${JSON.stringify(fromSpec)}`);
  }
  const family = familyOfAddresses(texts);
  return family.ok ? ok({ ips, family: family.value, texts }) : family;
}

/** MetalLB's backend key: for ETP=Local the selector as a sorted `k=v,…` string, else ''. */
export function backendKeyOf(spec: V1ServiceSpec | undefined): string {
  if (spec?.externalTrafficPolicy !== 'Local') return '';
  const selector = spec.selector ?? {};
  return Object.keys(selector).sort().map((k) => `${k}=${selector[k] ?? ''}`).join(',');
}

/** `spec.ports` as (protocol, port), protocol defaulting to TCP. */
const portsOf = (spec: V1ServiceSpec | undefined): Port[] => (spec?.ports ?? []).map((p) => ({ protocol: p.protocol ?? 'TCP', port: p.port }));

/** Cluster IPs, MetalLB's `ipfamily.ForService` of them, and the family fields. */
function familiesOf(spec: V1ServiceSpec | undefined): ServiceFamilies {
  const clusterIps = spec?.clusterIPs ?? [];
  const clusterIp = spec?.clusterIP ?? '';
  const p = spec?.ipFamilyPolicy;
  const policy: IpFamilyPolicy = p === 'PreferDualStack' || p === 'RequireDualStack' ? p : 'SingleStack';
  return {
    clusterIps, clusterIp, family: familyOfAddresses(clusterIps.length > 0 ? clusterIps : [clusterIp]), policy,
    primary: spec?.ipFamilies?.[0] === 'IPv6' ? 'ipv6' : 'ipv4',
  };
}

/** The ingress list parsed, and whether it holds only bare addresses. */
function ingressOf(svc: V1Service): ServiceIngress {
  const entries = svc.status?.loadBalancer?.ingress ?? [];
  const plain = entries.every((i) => i.hostname === undefined && !i.ports?.length && !!i.ip);
  return { ...ingressIpsOf(ingressTextsOf(svc)), plain };
}

/** See the module comment. */
export function parseService(svc: V1Service): ParsedService {
  const annotations = svc.metadata?.annotations ?? EMPTY;
  const spec = svc.spec;
  return {
    key: keyOf(svc),
    namespace: svc.metadata?.namespace ?? '',
    name: svc.metadata?.name ?? '',
    uid: svc.metadata?.uid ?? '',
    resourceVersion: svc.metadata?.resourceVersion,
    labels: svc.metadata?.labels ?? EMPTY,
    loadBalancerClass: spec?.loadBalancerClass,
    isLoadBalancer: spec?.type === 'LoadBalancer',
    trafficPolicyLocal: spec?.externalTrafficPolicy === 'Local',
    ports: portsOf(spec),
    sharingKey: annotationOf(annotations, 'allow-shared-ip'),
    backendKey: backendKeyOf(spec),
    requestedIps: requestedIpsOf(annotationOf(annotations, 'loadBalancerIPs'), spec?.loadBalancerIP ?? ''),
    requestedPool: annotationOf(annotations, 'address-pool'),
    families: familiesOf(spec),
    ingress: ingressOf(svc),
    allocatedPool: annotations[POOL_ANNOTATION] ?? null,
    deprecatedAnnotations: Object.keys(annotations).filter((k) => k.startsWith(DEPRECATED_PREFIX)).sort(),
    conditions: (svc.status?.conditions ?? []) as unknown as StoredCondition[],
  };
}

/**
 * The order of a full resync: Services that already hold ingress addresses first (more
 * addresses first), then by key, so a restart re-adopts every existing address before any
 * new allocation could take it.
 */
export function initialOrder(services: readonly V1Service[]): V1Service[] {
  const held = (s: V1Service): number => ingressTextsOf(s).length;
  return [...services].sort((a, b) => held(b) - held(a) || (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
}
