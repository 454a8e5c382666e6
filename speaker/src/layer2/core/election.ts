/**
 * The layer-2 election on the node (pure): the operator publishes who is eligible for each VIP
 * (`spec.l2`); here each VIP's candidates are ranked once per plan as MetalLB ranks them
 * (preference weight descending, then sha256(node + "#" + key) bytewise ascending), and the
 * owner is the first candidate that gossip reports alive. Every speaker computes the same owner.
 */
import { createHash } from 'node:crypto';
import type { NodePlanSpecL2 } from '@metallb-ts/lib/api/types.generated.ts';

/** One VIP of the plan with its candidates in election order. */
export interface RankedVip {
  readonly ip: string;
  /** Interfaces to announce on; undefined = all usable ones. */
  readonly interfaces: readonly string[] | undefined;
  readonly services: readonly string[];
  /** Candidate node names, best first. */
  readonly order: readonly string[];
}

/** Candidates in MetalLB's order for election key `key` (the Service's first ingress IP). */
export function rankCandidates(nodes: ReadonlyArray<{ readonly name: string; readonly weight?: number | undefined }>, key: string): string[] {
  const scored = nodes.map((n) => ({ name: n.name, weight: n.weight ?? 0, hash: createHash('sha256').update(`${n.name}#${key}`).digest('hex') }));
  // Lower-case hex keeps the bytewise order of the digests.
  scored.sort((a, b) => b.weight - a.weight || (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0));
  return scored.map((s) => s.name);
}

/** Ranks every VIP of a plan (once per plan: membership changes then only scan the order). */
export function rankDuties(l2: NodePlanSpecL2 | undefined): RankedVip[] {
  if (l2 === undefined) return [];
  return l2.vips.flatMap((v) => {
    const set = l2.candidateSets[v.set];
    const interfaces = v.interfaces === undefined ? undefined : l2.interfaceSets?.[v.interfaces];
    // A dangling index is a malformed plan: no candidate, so nobody here announces it.
    if (set === undefined || (v.interfaces !== undefined && interfaces === undefined)) return [];
    return [{ ip: v.ip, interfaces, services: v.services, order: rankCandidates(set.nodes, v.electionKey ?? v.ip) }];
  });
}

/** The first alive candidate, or undefined when none is alive. */
export function ownerOf(vip: RankedVip, alive: (node: string) => boolean): string | undefined {
  return vip.order.find(alive);
}

/**
 * Who owns each VIP given the live members (`self` counts as alive: a running speaker is a
 * member). Only VIPs with an alive candidate appear.
 */
export function owners(vips: readonly RankedVip[], self: string, alive: ReadonlySet<string>): Map<string, string> {
  const isAlive = (n: string): boolean => n === self || alive.has(n);
  const out = new Map<string, string>();
  for (const v of vips) {
    const o = ownerOf(v, isAlive);
    if (o !== undefined) out.set(v.ip, o);
  }
  return out;
}
