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

/** A slice's Service key and the nodes it serves from (no key: not joined to a Service). */
interface SliceServing {
  readonly key: string;
  readonly nodes: ReadonlySet<string>;
}

/**
 * The nodes one EndpointSlice serves from. An endpoint serves when `serving` is true or `ready`
 * is unset or true (MetalLB's epslices rule), and it must have an address; endpoints without a
 * nodeName count for no node.
 */
function sliceServingOf(slice: V1EndpointSlice): SliceServing | undefined {
  const service = slice.metadata?.labels?.[SERVICE_NAME_LABEL];
  if (service === undefined || service === '') return undefined;
  const nodes = new Set<string>();
  for (const ep of slice.endpoints ?? []) {
    const c = ep.conditions ?? {};
    const serves = c.serving === true || c.ready === undefined || c.ready === null || c.ready === true;
    if (serves && ep.addresses.length > 0 && ep.nodeName !== undefined && ep.nodeName !== '') nodes.add(ep.nodeName);
  }
  return { key: `${slice.metadata?.namespace ?? ''}/${service}`, nodes };
}

/** Nodes hosting a serving endpoint, per Service key (`namespace/name`); see {@link sliceServingOf}. */
export function servingNodesOf(slices: readonly V1EndpointSlice[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const slice of slices) {
    const s = sliceServingOf(slice);
    if (s === undefined) continue;
    const nodes = out.get(s.key) ?? new Set<string>();
    for (const n of s.nodes) nodes.add(n);
    out.set(s.key, nodes);
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
  if (svc.spec?.type !== 'LoadBalancer' || ignoredByClass({ loadBalancerClass: svc.spec?.loadBalancerClass }, ctx.lbClass)) return undefined;
  const texts = (svc.status?.loadBalancer?.ingress ?? []).flatMap((i) => (i.ip === undefined || i.ip === '' ? [] : [i.ip]));
  const ips = texts.map(parseIp);
  if (ips.length === 0 || ips.some((ip) => ip === undefined)) return undefined;
  const parsed = ips as ParsedIp[];
  const pool = poolOf(ctx.pools, parsed);
  if (pool === undefined) return undefined;
  const key = keyOf(svc);
  return {
    key, ips: parsed, pool, labels: svc.metadata?.labels ?? {},
    trafficPolicyLocal: svc.spec.externalTrafficPolicy === 'Local',
    servingNodes: ctx.servingNodes.get(key) ?? NO_NODES,
    sharingKey: annotationOf(svc.metadata?.annotations ?? {}, 'allow-shared-ip') !== '',
  };
}

/** Every announced Service's facts, sorted by key. */
export function serviceFactsOf(services: readonly V1Service[], slices: readonly V1EndpointSlice[], ctx: Omit<ServiceFactsContext, 'servingNodes'>): ServiceFacts[] {
  const full = { ...ctx, servingNodes: servingNodesOf(slices) };
  return services.flatMap((s) => serviceFactsFrom(s, full) ?? []).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** What a Service's facts were parsed with, and the result. */
interface ParsedService {
  readonly key: string;
  readonly pools: readonly Pool[];
  readonly lbClass: string | undefined;
  readonly servingNodes: ReadonlySet<string>;
  readonly facts: ServiceFacts | undefined;
}

/** The serving set of one Service key and the slice sets it was merged from. */
interface MergedServing {
  readonly parts: readonly ReadonlySet<string>[];
  readonly union: ReadonlySet<string>;
}

/**
 * {@link serviceFactsOf} across changes. An informer replaces an object when it changes, so an
 * object seen before is parsed again only when what it was parsed with (pools, `--lb-class`, its
 * serving nodes) changed; an unchanged Service keeps the very same facts object, which lets each
 * node's rendering skip it by identity (NodeAnnouncementsMemo). The objects must never be
 * mutated in place. Same output as serviceFactsOf.
 */
export class ServiceFactsMemo {
  readonly #slices = new WeakMap<V1EndpointSlice, SliceServing | undefined>();
  readonly #services = new WeakMap<V1Service, ParsedService>();
  /** Service key → its serving set as merged for the last call. */
  #merged = new Map<string, MergedServing>();

  /** Every announced Service's facts, sorted by key. */
  factsOf(services: readonly V1Service[], slices: readonly V1EndpointSlice[], ctx: Omit<ServiceFactsContext, 'servingNodes'>): ServiceFacts[] {
    const serving = this.#servingNodes(slices);
    const out: ServiceFacts[] = [];
    for (const svc of services) {
      let p = this.#services.get(svc);
      const key = p?.key ?? keyOf(svc);
      const nodes = serving.get(key) ?? NO_NODES;
      if (p === undefined || p.pools !== ctx.pools || p.lbClass !== ctx.lbClass || p.servingNodes !== nodes) {
        const facts = serviceFactsFrom(svc, { ...ctx, servingNodes: serving });
        p = { key, pools: ctx.pools, lbClass: ctx.lbClass, servingNodes: nodes, facts };
        this.#services.set(svc, p);
      }
      if (p.facts !== undefined) out.push(p.facts);
    }
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /** Per Service key, its serving set: the previous set object when its slices did not change. */
  #servingNodes(slices: readonly V1EndpointSlice[]): Map<string, ReadonlySet<string>> {
    // Most Services have one slice: its own set is the Service's; several are merged below.
    const out = new Map<string, ReadonlySet<string>>();
    const several = new Map<string, ReadonlySet<string>[]>();
    for (const slice of slices) {
      let s = this.#slices.get(slice);
      if (s === undefined && !this.#slices.has(slice)) {
        s = sliceServingOf(slice);
        this.#slices.set(slice, s);
      }
      if (s === undefined) continue;
      const first = out.get(s.key);
      if (first === undefined) {
        out.set(s.key, s.nodes);
        continue;
      }
      const list = several.get(s.key);
      if (list === undefined) several.set(s.key, [first, s.nodes]);
      else list.push(s.nodes);
    }
    const merged = new Map<string, MergedServing>();
    for (const [key, parts] of several) {
      const before = this.#merged.get(key);
      const same = before !== undefined && before.parts.length === parts.length && before.parts.every((p, i) => p === parts[i]);
      const m = same ? before : { parts, union: new Set(parts.flatMap((p) => [...p])) };
      merged.set(key, m);
      out.set(key, m.union);
    }
    this.#merged = merged;
    return out;
  }
}
