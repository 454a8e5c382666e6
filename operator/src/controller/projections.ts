/**
 * What the controller's informers keep of each object (applied at the informer edge, before the
 * cache): only the fields the operator reads. Measured on the IPAM bench, full Services (with
 * `managedFields`, every spec field, kubectl's last-applied annotation) were most of the heap at
 * 10,000 Services. A field read anywhere in operator/src must be kept here; projections.test.ts
 * lists them, so removing one breaks a test.
 *
 * - Service: identity (name, namespace, uid, resourceVersion), labels (service selectors),
 *   `metallb.io/` and `metallb.universe.tf/` annotations only, the spec fields of the allocator
 *   (type, class, cluster IPs, families, policy, loadBalancerIP, ports as protocol+port,
 *   externalTrafficPolicy, and the selector only when that policy is Local) and
 *   `status.loadBalancer.ingress`, and `status.conditions` whole (the operator's are rewritten in
 *   a merge patch, which replaces the list: other controllers' conditions must be in it).
 * - Node, Namespace: identity and labels (node and namespace selectors).
 * - everything else (metallb.io CRs, Secrets): the whole object without `managedFields` and
 *   without kubectl's last-applied-configuration annotation.
 *
 * The projected objects are read-only views: nothing may send one back to the apiserver as a
 * full object (writes are patches or read the object fresh).
 */
import type { KubernetesObject, V1Node, V1ObjectMeta, V1Service, V1ServicePort, V1ServiceSpec } from '@kubernetes/client-node';
import { ANNOTATION_PREFIX, DEPRECATED_PREFIX } from '../service/annotations.ts';

/** kubectl apply's copy of the whole object. */
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** Identity fields every projection keeps. */
function identity(m: V1ObjectMeta | undefined): V1ObjectMeta {
  const out: V1ObjectMeta = {};
  if (m?.name !== undefined) out.name = m.name;
  if (m?.namespace !== undefined) out.namespace = m.namespace;
  if (m?.uid !== undefined) out.uid = m.uid;
  if (m?.resourceVersion !== undefined) out.resourceVersion = m.resourceVersion;
  if (m?.deletionTimestamp !== undefined) out.deletionTimestamp = m.deletionTimestamp;
  return out;
}

/** Only the annotations the operator reads (`metallb.io/…`, `metallb.universe.tf/…`), or undefined. */
function metallbAnnotations(a: Record<string, string> | undefined): Record<string, string> | undefined {
  if (a === undefined) return undefined;
  let out: Record<string, string> | undefined;
  for (const [k, v] of Object.entries(a)) {
    if (k.startsWith(`${ANNOTATION_PREFIX}/`) || k.startsWith(`${DEPRECATED_PREFIX}/`)) (out ??= {})[k] = v;
  }
  return out;
}

const SPEC_FIELDS = ['type', 'loadBalancerClass', 'clusterIP', 'clusterIPs', 'ipFamilies', 'ipFamilyPolicy', 'loadBalancerIP', 'externalTrafficPolicy'] as const;

/** The Service as the allocator reads it; see the module comment. */
export function projectService(svc: V1Service): V1Service {
  const metadata = identity(svc.metadata);
  if (svc.metadata?.labels !== undefined) metadata.labels = svc.metadata.labels;
  const annotations = metallbAnnotations(svc.metadata?.annotations);
  if (annotations !== undefined) metadata.annotations = annotations;
  const out: V1Service = { metadata };
  const s = svc.spec;
  if (s !== undefined) {
    const spec: V1ServiceSpec = {};
    const target = spec as Record<string, unknown>;
    for (const f of SPEC_FIELDS) if (s[f] !== undefined) target[f] = s[f];
    if (s.ports !== undefined) spec.ports = s.ports.map((p): V1ServicePort => (p.protocol === undefined ? { port: p.port } : { protocol: p.protocol, port: p.port }));
    if (s.externalTrafficPolicy === 'Local' && s.selector !== undefined) spec.selector = s.selector;
    out.spec = spec;
  }
  const ingress = svc.status?.loadBalancer?.ingress;
  const conditions = svc.status?.conditions;
  if (ingress !== undefined || conditions !== undefined) {
    out.status = {
      ...(ingress === undefined ? {} : { loadBalancer: { ingress: ingress.map(definedOnly) } }),
      ...(conditions === undefined ? {} : { conditions }),
    };
  }
  return out;
}

/** A copy without the keys whose value is undefined (so nothing else of the parsed response is kept). */
function definedOnly<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as T;
}

/** A Node or Namespace as the selectors read it: identity and labels. */
export function projectLabelled<T extends KubernetesObject>(obj: T): T {
  const metadata = identity(obj.metadata);
  if (obj.metadata?.labels !== undefined) metadata.labels = obj.metadata.labels;
  return { ...(obj.apiVersion === undefined ? {} : { apiVersion: obj.apiVersion }), ...(obj.kind === undefined ? {} : { kind: obj.kind }), metadata } as T;
}

/**
 * A Node: identity, labels, and only the `NetworkUnavailable` condition (the plan pipeline withdraws
 * announcements from a node whose network is down; nothing else of its status is read).
 */
export function projectNode(node: V1Node): V1Node {
  const projected = projectLabelled(node);
  const conditions = (node.status?.conditions ?? []).filter((c) => c.type === 'NetworkUnavailable');
  return conditions.length === 0 ? projected : { ...projected, status: { conditions } };
}

/** Any other object: without managedFields and kubectl's last-applied copy. */
export function projectWhole<T extends KubernetesObject>(obj: T): T {
  const m = obj.metadata;
  if (m === undefined || (m.managedFields === undefined && m.annotations?.[LAST_APPLIED] === undefined)) return obj;
  const { managedFields: _mf, annotations, ...rest } = m;
  const kept = annotations === undefined ? undefined : Object.fromEntries(Object.entries(annotations).filter(([k]) => k !== LAST_APPLIED));
  const metadata: V1ObjectMeta = kept === undefined || Object.keys(kept).length === 0 ? rest : { ...rest, annotations: kept };
  return { ...obj, metadata };
}
