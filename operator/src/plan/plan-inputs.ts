/**
 * The plan pipeline's inputs, parsed once at the edge (MetalLB's speaker rules, reference §2 and
 * §4.2/§4.6): a Node becomes {@link NodeFacts}, a Service with ingress IPs becomes
 * {@link ServiceFacts}, and EndpointSlices become the set of nodes serving each Service.
 * Decision code (announcementsFor, the view model) never reads a raw object.
 */
import type { V1EndpointSlice, V1Node, V1Service } from '@kubernetes/client-node';
import { parseIp, type ParsedIp } from '@metallb-ts/lib/ip/ip.ts';
import { ignoredByClass } from '../allocator/converge-service.ts';
import { annotationOf } from '../service/annotations.ts';
import { keyOf } from '../service/parse-service.ts';
import type { Pool } from '../config/types.ts';
import type { NodeFacts, ServiceFacts } from '../frr/announcements.ts';

/** The label that takes a node out of external load balancing. */
export const EXCLUDE_LB_LABEL = 'node.kubernetes.io/exclude-from-external-load-balancers';
/** The label that joins an EndpointSlice to its Service. */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

/** Options of {@link nodeFactsFrom}. */
export interface NodeFactsOptions {
  /** MetalLB's `--ignore-exclude-lb`: the exclude label is ignored. */
  readonly ignoreExcludeLb?: boolean;
}

/** A Node's facts: labels, `NetworkUnavailable=True`, the exclude label. */
export function nodeFactsFrom(node: V1Node, o: NodeFactsOptions = {}): NodeFacts {
  const labels = node.metadata?.labels ?? {};
  return {
    name: node.metadata?.name ?? '',
    labels,
    networkUnavailable: (node.status?.conditions ?? []).some((c) => c.type === 'NetworkUnavailable' && c.status === 'True'),
    excludedFromLoadBalancers: o.ignoreExcludeLb !== true && EXCLUDE_LB_LABEL in labels,
  };
}

/**
 * Nodes hosting a serving endpoint, per Service key (`namespace/name`). An endpoint serves when
 * `serving` is true or `ready` is unset or true (MetalLB's epslices rule), and it must have an
 * address; endpoints without a nodeName count for no node.
 */
export function servingNodesOf(slices: readonly V1EndpointSlice[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const slice of slices) {
    const service = slice.metadata?.labels?.[SERVICE_NAME_LABEL];
    if (service === undefined || service === '') continue;
    const key = `${slice.metadata?.namespace ?? ''}/${service}`;
    const nodes = out.get(key) ?? new Set<string>();
    for (const ep of slice.endpoints ?? []) {
      const c = ep.conditions ?? {};
      const serves = c.serving === true || c.ready === undefined || c.ready === null || c.ready === true;
      if (serves && ep.addresses.length > 0 && ep.nodeName !== undefined && ep.nodeName !== '') nodes.add(ep.nodeName);
    }
    out.set(key, nodes);
  }
  return out;
}

/** Options of {@link serviceFactsFrom}. */
export interface ServiceFactsContext {
  /** The configured pools (the pool of an IP is the one containing it). */
  readonly pools: readonly Pool[];
  /** {@link servingNodesOf} of every EndpointSlice. */
  readonly servingNodes: ReadonlyMap<string, ReadonlySet<string>>;
  /** `--lb-class`. */
  readonly lbClass?: string;
}

/** The pool that contains every IP, if one does (MetalLB's speaker `poolFor`). */
function poolOf(pools: readonly Pool[], ips: readonly ParsedIp[]): string | undefined {
  const inPool = (p: Pool, ip: ParsedIp): boolean => p.cidrs.some((c) => c.family === ip.family && c.first <= ip.value && ip.value <= c.last);
  return pools.find((p) => ips.every((ip) => inPool(p, ip)))?.name;
}

const NO_NODES: ReadonlySet<string> = new Set();

/**
 * A Service's facts, or undefined when nothing of it is announced: not a LoadBalancer, another
 * load-balancer class, no ingress IP, an IP that does not parse, or IPs outside one pool.
 */
export function serviceFactsFrom(svc: V1Service, ctx: ServiceFactsContext): ServiceFacts | undefined {
  const base = parsedFactsOf(svc, ctx);
  return base === undefined ? undefined : { ...base, servingNodes: ctx.servingNodes.get(base.key) ?? NO_NODES };
}

/** What parsing a Service yields (everything but its serving nodes, which come from the slices). */
type ParsedFacts = Omit<ServiceFacts, 'servingNodes'>;

/** {@link serviceFactsFrom} without the EndpointSlice join: the costly part (IP parsing, pool lookup). */
function parsedFactsOf(svc: V1Service, ctx: Omit<ServiceFactsContext, 'servingNodes'>): ParsedFacts | undefined {
  if (svc.spec?.type !== 'LoadBalancer' || ignoredByClass({ loadBalancerClass: svc.spec?.loadBalancerClass }, ctx.lbClass)) return undefined;
  const texts = (svc.status?.loadBalancer?.ingress ?? []).flatMap((i) => (i.ip === undefined || i.ip === '' ? [] : [i.ip]));
  const ips = texts.map(parseIp);
  if (ips.length === 0 || ips.some((ip) => ip === undefined)) return undefined;
  const parsed = ips as ParsedIp[];
  const pool = poolOf(ctx.pools, parsed);
  if (pool === undefined) return undefined;
  return {
    key: keyOf(svc), ips: parsed, pool, labels: svc.metadata?.labels ?? {},
    trafficPolicyLocal: svc.spec.externalTrafficPolicy === 'Local',
    sharingKey: annotationOf(svc.metadata?.annotations ?? {}, 'allow-shared-ip') !== '',
  };
}

/**
 * The parse of each Service object, kept while the object (an informer's cached version) and the
 * pools it was parsed against live: a snapshot rebuilt after ONE Service changed re-parses that
 * Service, not all of them.
 */
export class ParsedFactsMemo {
  readonly #byObject = new WeakMap<V1Service, { readonly pools: readonly Pool[]; readonly facts: ParsedFacts | undefined }>();

  /** {@link parsedFactsOf}, remembered. */
  get(svc: V1Service, ctx: Omit<ServiceFactsContext, 'servingNodes'>): ParsedFacts | undefined {
    const hit = this.#byObject.get(svc);
    if (hit !== undefined && hit.pools === ctx.pools) return hit.facts;
    const facts = parsedFactsOf(svc, ctx);
    this.#byObject.set(svc, { pools: ctx.pools, facts });
    return facts;
  }
}

/** Every announced Service's facts, sorted by key; `memo` spares re-parsing unchanged Services. */
export function serviceFactsOf(
  services: readonly V1Service[], slices: readonly V1EndpointSlice[], ctx: Omit<ServiceFactsContext, 'servingNodes'>, memo?: ParsedFactsMemo,
): ServiceFacts[] {
  const serving = servingNodesOf(slices);
  return services.flatMap((s) => {
    const base = memo === undefined ? parsedFactsOf(s, ctx) : memo.get(s, ctx);
    return base === undefined ? [] : [{ ...base, servingNodes: serving.get(base.key) ?? NO_NODES }];
  }).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
