/**
 * The controller's informers: the metallb.io CRs, Secrets and the controller's
 * ConfigurationState of the MetalLB namespace, and Nodes, Namespaces and Services of the
 * cluster. Every one is supervised (restart + relist + resync), lists in pages and keeps only
 * what the operator reads of each object (projections.ts).
 */
import type { KubernetesObject, V1EndpointSlice, V1Namespace, V1Node, V1Secret, V1Service } from '@kubernetes/client-node';
import {
  BFDPROFILE, BGPADVERTISEMENT, BGPPEER, COMMUNITY, CONFIGURATIONSTATE, IPADDRESSPOOL, L2ADVERTISEMENT, NODEPLAN, SERVICEL2STATUS,
  type BFDProfile, type BGPAdvertisement, type BGPPeer, type Community, type ConfigurationState,
  type IPAddressPool, type L2Advertisement, type NodePlan, type ServiceL2Status,
} from '@metallb-ts/lib/api/types.generated.ts';
import type { Clock } from '@metallb-ts/lib/time/clock.ts';
import { informerFor, type SupervisedInformer } from '@metallb-ts/lib/k8s/informer.ts';
import type { KubeClient } from '@metallb-ts/lib/k8s/kube-client.ts';
import type { Logger } from '@metallb-ts/lib/log.ts';
import type { ClusterResources } from '../config/resources.ts';
import { projectLabelled, projectNode, projectService, projectWhole } from './projections.ts';

/** Every informer the controller runs. */
export interface ClusterCache {
  readonly pools: SupervisedInformer<IPAddressPool & KubernetesObject>;
  readonly peers: SupervisedInformer<BGPPeer & KubernetesObject>;
  readonly bfdProfiles: SupervisedInformer<BFDProfile & KubernetesObject>;
  readonly communities: SupervisedInformer<Community & KubernetesObject>;
  readonly l2Advertisements: SupervisedInformer<L2Advertisement & KubernetesObject>;
  readonly bgpAdvertisements: SupervisedInformer<BGPAdvertisement & KubernetesObject>;
  readonly secrets: SupervisedInformer<V1Secret>;
  readonly nodes: SupervisedInformer<V1Node>;
  readonly namespaces: SupervisedInformer<V1Namespace>;
  readonly services: SupervisedInformer<V1Service>;
  /** EndpointSlices of the cluster (which nodes serve each Service: the NodePlan pipeline). */
  readonly endpointSlices: SupervisedInformer<V1EndpointSlice>;
  /** The NodePlans of the MetalLB namespace (what is written already: the NodePlan pipeline). */
  readonly nodePlans: SupervisedInformer<NodePlan & KubernetesObject>;
  /** The speakers' ServiceL2Status objects (which node announces a Service: the Announced condition). */
  readonly serviceL2Statuses: SupervisedInformer<ServiceL2Status & KubernetesObject>;
  /** Only the controller's own ConfigurationState (recreated when deleted). */
  readonly configState: SupervisedInformer<ConfigurationState & KubernetesObject>;
}

/** Options of {@link clusterCacheFor}. */
export interface ClusterCacheOptions {
  readonly namespace: string;
  /** Name of the controller's ConfigurationState. */
  readonly configStateName: string;
  readonly clock?: Clock;
  readonly logger?: Logger;
}

interface Kind {
  readonly group: string;
  readonly version: string;
  readonly plural: string;
}

/** Creates (does not start) every informer. */
export function clusterCacheFor(kube: KubeClient, o: ClusterCacheOptions): ClusterCache {
  const inf = { ...(o.clock === undefined ? {} : { clock: o.clock }), ...(o.logger === undefined ? {} : { logger: o.logger }) };
  const ns = o.namespace;
  const cr = <T extends KubernetesObject>(k: Kind, fieldSelector?: string): SupervisedInformer<T> => informerFor<T>(kube, {
    path: `/apis/${k.group}/${k.version}/namespaces/${ns}/${k.plural}`,
    ...(fieldSelector === undefined ? {} : { fieldSelector }),
    project: projectWhole,
  }, inf);
  return {
    pools: cr(IPADDRESSPOOL),
    peers: cr(BGPPEER),
    bfdProfiles: cr(BFDPROFILE),
    communities: cr(COMMUNITY),
    l2Advertisements: cr(L2ADVERTISEMENT),
    bgpAdvertisements: cr(BGPADVERTISEMENT),
    configState: cr(CONFIGURATIONSTATE, `metadata.name=${o.configStateName}`),
    secrets: informerFor<V1Secret>(kube, { path: `/api/v1/namespaces/${ns}/secrets`, project: projectWhole }, inf),
    nodes: informerFor<V1Node>(kube, { path: '/api/v1/nodes', project: projectNode }, inf),
    namespaces: informerFor<V1Namespace>(kube, { path: '/api/v1/namespaces', project: projectLabelled }, inf),
    services: informerFor<V1Service>(kube, { path: '/api/v1/services', project: projectService }, inf),
    endpointSlices: informerFor<V1EndpointSlice>(kube, { path: '/apis/discovery.k8s.io/v1/endpointslices', project: projectWhole }, inf),
    nodePlans: cr(NODEPLAN),
    serviceL2Statuses: cr(SERVICEL2STATUS),
  };
}

/** What the wiring needs of an informer, whatever its object type. */
export interface Watchable {
  /** Object events (the object itself is not needed). */
  on(event: 'add' | 'update' | 'delete', cb: () => void): void;
  /** Resync after a restart. */
  on(event: 'resync', cb: () => void): void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** The informers whose changes can change the configuration. */
export function configInputs(c: ClusterCache): readonly Watchable[] {
  return [c.pools, c.peers, c.bfdProfiles, c.communities, c.l2Advertisements, c.bgpAdvertisements, c.secrets, c.nodes, c.namespaces];
}

/** Every informer. */
export const allInformers = (c: ClusterCache): readonly Watchable[] =>
  [...configInputs(c), c.services, c.configState, c.endpointSlices, c.nodePlans, c.serviceL2Statuses];

/** configFor's input, from the caches. */
export function resourcesOf(c: ClusterCache): ClusterResources {
  return {
    pools: c.pools.list(),
    peers: c.peers.list(),
    bfdProfiles: c.bfdProfiles.list(),
    communities: c.communities.list(),
    l2Advertisements: c.l2Advertisements.list(),
    bgpAdvertisements: c.bgpAdvertisements.list(),
    secrets: c.secrets.list(),
    nodes: c.nodes.list(),
    namespaces: c.namespaces.list(),
  };
}
