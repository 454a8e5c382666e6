/**
 * Layer-2 duties per node (pure): for every announced VIP, who may answer ARP/NDP for it, as
 * MetalLB's election defines it (metallb-behaviour.md §4.3 steps 1–6 and 9). The operator does the
 * policy here; the speaker only adds liveness and ranks (weight, then sha256(node + "#" + key)).
 *
 * Each distinct eligible set and interface list is published once per plan and referred to by
 * index, so 10,000 Services over 100 nodes stay far below the object size limit (see the test).
 */
import type { NodePlanSpecL2, NodePlanSpecL2CandidateSet, NodePlanSpecL2Vip } from '@metallb-ts/lib/api/types.generated.ts';
import type { NodeName, ServiceKey } from '@metallb-ts/lib/ids/ids.ts';
import type { L2Advertisement } from '../config/types.ts';

/** The label that keeps a node out of every election (presence only, any value). */
export const EXCLUDE_LB_LABEL = 'node.kubernetes.io/exclude-from-external-load-balancers';

/** A Node, as the election needs it. */
export interface L2Node {
  readonly name: NodeName;
  readonly labels: Readonly<Record<string, string>>;
  /** Condition `NetworkUnavailable=True`. */
  readonly networkUnavailable: boolean;
}

/** A LoadBalancer Service with assigned IPs, parsed. */
export interface L2Service {
  readonly key: ServiceKey;
  readonly labels: Readonly<Record<string, string>>;
  /** Ingress IPs in status order, canonical text; the first is the election key of all. */
  readonly ips: readonly string[];
  /** The pool the IPs came from. */
  readonly pool: string;
  readonly externalTrafficPolicy: 'Cluster' | 'Local';
  /** Nodes hosting a serving endpoint of the Service (empty: no serving endpoint anywhere). */
  readonly servingNodes: ReadonlySet<string>;
  /** Carries a sharing key (`allow-shared-ip`). */
  readonly sharingKey: boolean;
}

/** Inputs of {@link l2DutiesFor}. */
export interface L2DutiesInput {
  readonly l2Advertisements: readonly L2Advertisement[];
  readonly nodes: readonly L2Node[];
  readonly services: readonly L2Service[];
  /** The speaker's `--ignore-exclude-lb`: the exclude label is not honoured. */
  readonly ignoreExcludeLb?: boolean;
}

/** Per eligible node: preference weight and interfaces (undefined = all). */
type Candidates = Map<string, { readonly weight: number; readonly interfaces: readonly string[] | undefined }>;

interface VipAcc {
  readonly ip: string;
  readonly key: string;
  readonly services: string[];
  candidates: Candidates;
}

const selects = (ad: L2Advertisement, n: L2Node): boolean => ad.nodeSelectors.length === 0 || ad.nodeSelectors.some((s) => s.matches(n.labels));

/** The nodes the advertisements `ads` let announce, with weights and interfaces (§4.3 step 5). */
function nodesFor(ads: readonly L2Advertisement[], input: L2DutiesInput): Candidates {
  const out: Candidates = new Map();
  for (const n of input.nodes) {
    if (n.networkUnavailable) continue;
    if (input.ignoreExcludeLb !== true && Object.hasOwn(n.labels, EXCLUDE_LB_LABEL)) continue;
    const mine = ads.filter((ad) => selects(ad, n));
    if (mine.length === 0) continue;
    let weight = 0;
    for (const ad of ads) for (const p of ad.preferredNodes) if (p.selector.matches(n.labels)) weight += p.weight;
    const all = mine.some((ad) => ad.interfaces.length === 0);
    const interfaces = all ? undefined : [...new Set(mine.flatMap((ad) => ad.interfaces))].sort();
    out.set(n.name, { weight, interfaces });
  }
  return out;
}

/**
 * The eligible nodes of one Service (empty when it is not announced in layer 2). `memo` caches
 * the node part per advertisement list: thousands of Services share a handful of lists.
 */
export function candidatesFor(svc: L2Service, input: L2DutiesInput, memo = new Map<string, Candidates>()): Candidates {
  if (svc.servingNodes.size === 0) return new Map();
  const ads = input.l2Advertisements.filter((ad) => ad.pools.includes(svc.pool)
    && (ad.serviceSelectors.length === 0 || ad.serviceSelectors.some((s) => s.matches(svc.labels))));
  if (ads.length === 0 || (svc.sharingKey && ads.some((ad) => ad.serviceSelectors.length > 0))) return new Map();
  const key = ads.map((ad) => ad.name).join('\n');
  let base = memo.get(key);
  if (base === undefined) memo.set(key, (base = nodesFor(ads, input)));
  if (svc.externalTrafficPolicy === 'Cluster') return base;
  return new Map([...base].filter(([name]) => svc.servingNodes.has(name)));
}

/** Candidates eligible for every Service of a shared IP, so they all elect the same node. */
function intersect(a: Candidates, b: Candidates): Candidates {
  const out: Candidates = new Map();
  for (const [name, c] of a) {
    const o = b.get(name);
    if (o === undefined) continue;
    const union = c.interfaces === undefined || o.interfaces === undefined ? undefined : [...new Set([...c.interfaces, ...o.interfaces])].sort();
    out.set(name, { weight: c.weight, interfaces: union });
  }
  return out;
}

/** Every VIP with its eligible nodes, sorted by address text; VIPs nobody may announce are left out. */
export function eligibleVips(input: L2DutiesInput): VipAcc[] {
  const byIp = new Map<string, VipAcc>();
  const memo = new Map<string, Candidates>();
  for (const svc of [...input.services].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) {
    const c = candidatesFor(svc, input, memo);
    for (const ip of svc.ips) {
      const known = byIp.get(ip);
      if (known === undefined) byIp.set(ip, { ip, key: svc.ips[0] ?? ip, services: [svc.key], candidates: c });
      else {
        known.services.push(svc.key);
        known.candidates = intersect(known.candidates, c);
      }
    }
  }
  for (const v of byIp.values()) v.services.sort();
  return [...byIp.values()].filter((v) => v.candidates.size > 0).sort((a, b) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0));
}

/** Interns values by a string key into an array; returns the index. */
class Interner<T> {
  readonly items: T[] = [];
  readonly #index = new Map<string, number>();
  of(key: string, make: () => T): number {
    let i = this.#index.get(key);
    if (i === undefined) {
      i = this.items.push(make()) - 1;
      this.#index.set(key, i);
    }
    return i;
  }
}

/**
 * `spec.l2` of every node that is eligible for at least one VIP (nodes without any are absent:
 * their plan carries no `l2`). Deterministic: same input, byte-identical output.
 */
export function l2DutiesFor(input: L2DutiesInput): Map<NodeName, NodePlanSpecL2> {
  const vips = eligibleVips(input);
  // Set keys and objects are computed once per VIP and shared by every node's plan.
  const sets = new Map<string, NodePlanSpecL2CandidateSet>();
  const setKeyOf = vips.map((v) => {
    const nodes = [...v.candidates].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, c]) => (c.weight > 0 ? { name, weight: c.weight } : { name }));
    const key = JSON.stringify(nodes);
    if (!sets.has(key)) sets.set(key, { nodes });
    return key;
  });
  const out = new Map<NodeName, NodePlanSpecL2>();
  for (const node of input.nodes) {
    const setIx = new Interner<NodePlanSpecL2CandidateSet>();
    const ifIx = new Interner<string[]>();
    const mine: NodePlanSpecL2Vip[] = [];
    vips.forEach((v, i) => {
      const c = v.candidates.get(node.name);
      if (c === undefined) return;
      const setKey = setKeyOf[i]!;
      const vip: NodePlanSpecL2Vip = { ip: v.ip, set: setIx.of(setKey, () => sets.get(setKey)!), services: v.services };
      if (v.key !== v.ip) vip.electionKey = v.key;
      if (c.interfaces !== undefined) vip.interfaces = ifIx.of(c.interfaces.join(' '), () => [...c.interfaces!]);
      mine.push(vip);
    });
    if (mine.length === 0) continue;
    out.set(node.name, { candidateSets: setIx.items, ...(ifIx.items.length > 0 ? { interfaceSets: ifIx.items } : {}), vips: mine });
  }
  return out;
}
