/**
 * What `metallb-ts explain` reads, from a cluster or from manifests, and the replay that turns
 * it into the operator's own state: configFor over the metallb.io objects, then every other
 * Service converged through a fresh Allocator in the order of the operator's initial pass
 * (convergeService, initialOrder), so the explained Service meets the address space as the
 * operator sees it. Pure: the CLI shell fills the snapshot.
 */
import type { V1EndpointSlice, V1Service } from '@kubernetes/client-node';
import type { ConfigurationState, NodePlan, ServiceL2Status } from '@metallb-ts/lib/api/types.generated.ts';
import { Allocator } from '../allocator/allocator.ts';
import { convergeService } from '../allocator/converge-service.ts';
import { configFor } from '../config/config-for.ts';
import type { ConfigError } from '../config/errors.ts';
import type { ClusterResources } from '../config/resources.ts';
import type { Config } from '../config/types.ts';
import { initialOrder, keyOf, parseService } from '../service/parse-service.ts';
import { AnnounceView } from '../conditions/announce-view.ts';

/** Everything explain reads. */
export interface ClusterSnapshot {
  /** configFor's input (the MetalLB namespace's CRs and Secrets, Nodes, Namespaces). */
  readonly resources: ClusterResources;
  readonly services: readonly V1Service[];
  readonly slices: readonly V1EndpointSlice[];
  readonly plans: readonly NodePlan[];
  readonly l2Statuses: readonly ServiceL2Status[];
  /** The controller's ConfigurationState (absent offline). */
  readonly configState?: ConfigurationState;
  /** `--lb-class` of the operator. */
  readonly lbClass?: string;
  /** Offline: manifests, not a cluster (no speaker reports). */
  readonly offline: boolean;
}

/** The operator's state rebuilt from a snapshot. */
export interface Replay {
  readonly config: Config | undefined;
  readonly configErrors: readonly ConfigError[];
  readonly allocator: Allocator;
  readonly view: AnnounceView;
}

const opt = <K extends string, V>(k: K, v: V | undefined): { [P in K]?: V } => (v === undefined ? {} : ({ [k]: v } as { [P in K]?: V }));

/** configFor, then every Service but `skip` converged in the initial pass's order. */
export function replay(s: ClusterSnapshot, skip?: string): Replay {
  const r = configFor(s.resources);
  const config = r.ok ? r.value : undefined;
  const allocator = new Allocator();
  if (config !== undefined) {
    allocator.setPools(config.pools);
    for (const svc of initialOrder(s.services)) {
      if (keyOf(svc) !== skip) convergeService(parseService(svc), allocator, { holdsOwn: false, ...opt('lbClass', s.lbClass) });
    }
  }
  const view = new AnnounceView({
    nodes: () => s.resources.nodes, slices: () => s.slices, plans: () => s.plans as never, l2Statuses: () => s.l2Statuses as never, ...opt('lbClass', s.lbClass),
  });
  if (config !== undefined) view.setConfig(config);
  return { config, configErrors: r.ok ? [] : r.error, allocator, view };
}
