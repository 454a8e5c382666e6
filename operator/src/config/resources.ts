/**
 * Everything configFor reads: the metallb.io CRs of the MetalLB namespace plus the core objects
 * they refer to. The reconciler fills it from informers; the offline CLI from YAML files.
 */
import type { V1Namespace, V1Node, V1Secret } from '@kubernetes/client-node';
import type {
  BFDProfile, BGPAdvertisement, BGPPeer, Community, IPAddressPool, L2Advertisement,
} from './cr-types.ts';

/** The inputs of configFor; order does not matter (configFor sorts by name). */
export interface ClusterResources {
  /** IPAddressPools. */
  readonly pools: readonly IPAddressPool[];
  /** BGPPeers (v1beta2; v1beta1 objects carry a subset of the same fields). */
  readonly peers: readonly BGPPeer[];
  /** BFDProfiles. */
  readonly bfdProfiles: readonly BFDProfile[];
  /** Community alias CRs. */
  readonly communities: readonly Community[];
  /** L2Advertisements. */
  readonly l2Advertisements: readonly L2Advertisement[];
  /** BGPAdvertisements. */
  readonly bgpAdvertisements: readonly BGPAdvertisement[];
  /** Secrets of the MetalLB namespace (BGPPeer passwordSecret targets). */
  readonly secrets: readonly V1Secret[];
  /** Nodes (selector resolution and same-node peer checks). */
  readonly nodes: readonly V1Node[];
  /** Namespaces (pool namespaceSelectors are resolved against them). */
  readonly namespaces: readonly V1Namespace[];
}

/** A ClusterResources with every list empty; spread it and override what a caller has. */
export const emptyResources: ClusterResources = {
  pools: [], peers: [], bfdProfiles: [], communities: [], l2Advertisements: [],
  bgpAdvertisements: [], secrets: [], nodes: [], namespaces: [],
};
