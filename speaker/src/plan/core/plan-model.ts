/**
 * A NodePlan as the speaker uses it, parsed once where it enters: the encoded frr.conf, the
 * password Secret it references, the peers by name and the Services per peer set. Pure.
 */
import type { NodePlan, NodePlanSpecFrr } from '@metallb-ts/lib/api/types.generated.ts';
import { err, ok, type Result } from '@metallb-ts/lib/result.ts';

/** One BGP session of the plan, by BGPPeer name. */
export interface PlanPeer {
  readonly name: string;
  readonly neighbor: string;
  /** '' for the default VRF. */
  readonly vrf: string;
}

/** The parsed plan. */
export interface ParsedPlan {
  readonly name: string;
  readonly uid: string;
  readonly generation: number;
  readonly frr: NodePlanSpecFrr;
  readonly passwordSecretName: string | undefined;
  readonly peers: readonly PlanPeer[];
  /** `namespace/name` → sorted BGPPeer names; undefined when the plan does not say. */
  readonly services: ReadonlyMap<string, readonly string[]> | undefined;
}

/** Parses the NodePlan named `node`; an error names what is wrong (the CRD schema prevents most). */
export function parsePlan(obj: NodePlan, node: string): Result<ParsedPlan, string> {
  const spec = obj.spec;
  const name = obj.metadata?.name ?? '';
  if (name !== node) return err(`plan ${name} is not this node's (${node})`);
  if (spec === undefined || spec.frr === undefined) return err(`plan ${name} has no spec.frr`);
  let services: Map<string, readonly string[]> | undefined;
  if (spec.bgpServices !== undefined) {
    services = new Map();
    for (const group of spec.bgpServices) {
      const peers = [...new Set(group.peers)].sort();
      for (const s of group.services) {
        // A Service listed in two groups is advertised to the union of their peers.
        const had = services.get(s) ?? [];
        services.set(s, [...new Set([...had, ...peers])].sort());
      }
    }
  }
  return ok({
    name,
    uid: obj.metadata?.uid ?? '',
    generation: obj.metadata?.generation ?? 0,
    frr: spec.frr,
    passwordSecretName: spec.passwordSecretName,
    peers: (spec.bgpPeers ?? []).map((p) => ({ name: p.name, neighbor: p.neighbor, vrf: normaliseVrf(p.vrf) })),
    services,
  });
}

/** FRR calls the default VRF `default`; the plan leaves it empty. */
export function normaliseVrf(vrf: string | undefined): string {
  return vrf === undefined || vrf === 'default' ? '' : vrf;
}
