/**
 * Where `metallb-ts explain` gets its snapshot (explain/snapshot.ts): a cluster, read once with
 * the user's kubeconfig through the raw client (lib/src/k8s), or manifests on disk, judged as the
 * apiserver would store them (the same path as `validate`).
 */
import type { V1EndpointSlice, V1Service } from '@kubernetes/client-node';
import {
  BFDPROFILE, BGPADVERTISEMENT, BGPPEER, COMMUNITY, CONFIGURATIONSTATE, IPADDRESSPOOL, L2ADVERTISEMENT, NODEPLAN, SERVICEL2STATUS,
  type ConfigurationState,
} from '@metallb-ts/lib/api/types.generated.ts';
import { apiStatusOf } from '@metallb-ts/lib/k8s/api-errors.ts';
import { kubeClientFor, type KubeClient } from '@metallb-ts/lib/k8s/kube-client.ts';
import { loadKubeTarget } from '@metallb-ts/lib/k8s/kube-target.ts';
import { err, ok, type Result } from '@metallb-ts/lib/result.ts';
import type { ClusterResources } from '../config/resources.ts';
import { SERVICE_NAME_LABEL } from '../plan/plan-inputs.ts';
import type { ClusterSnapshot } from '../explain/snapshot.ts';
import { sortDocuments } from './documents.ts';
import { readCrds } from './files.ts';
import { judgeAsStored, loadAll } from './validate.ts';

/** Where the cluster is. */
export interface ClusterSource {
  readonly kubeconfig?: string;
  /** The MetalLB namespace (default metallb-system). */
  readonly namespace: string;
  readonly lbClass?: string;
}

interface Kind {
  readonly group: string;
  readonly version: string;
  readonly plural: string;
}

/** Reads a list; a list the user may not read (403) is empty, named in `forbidden`. */
async function list<T>(kube: KubeClient, path: string, forbidden: string[]): Promise<T[]> {
  try {
    return (await kube.request<{ items?: T[] }>({ method: 'GET', path })).items ?? [];
  } catch (e) {
    if (apiStatusOf(e) !== 403) throw e;
    forbidden.push(path);
    return [];
  }
}

/** The snapshot of a cluster, and the lists the user may not read. */
export async function clusterSnapshot(src: ClusterSource): Promise<{ snapshot: ClusterSnapshot; forbidden: string[] }> {
  const kube = kubeClientFor(loadKubeTarget(src.kubeconfig));
  const forbidden: string[] = [];
  const ns = src.namespace;
  const cr = <T>(k: Kind): Promise<T[]> => list<T>(kube, `/apis/${k.group}/${k.version}/namespaces/${ns}/${k.plural}`, forbidden);
  try {
    const [pools, peers, bfdProfiles, communities, l2Advertisements, bgpAdvertisements, secrets, nodes, namespaces, services, slices, plans, l2Statuses, states] = await Promise.all([
      cr(IPADDRESSPOOL), cr(BGPPEER), cr(BFDPROFILE), cr(COMMUNITY), cr(L2ADVERTISEMENT), cr(BGPADVERTISEMENT),
      list(kube, `/api/v1/namespaces/${ns}/secrets`, forbidden), list(kube, '/api/v1/nodes', forbidden), list(kube, '/api/v1/namespaces', forbidden),
      list<V1Service>(kube, '/api/v1/services', forbidden), list<V1EndpointSlice>(kube, '/apis/discovery.k8s.io/v1/endpointslices', forbidden),
      cr(NODEPLAN), cr(SERVICEL2STATUS), cr<ConfigurationState>(CONFIGURATIONSTATE),
    ]);
    const resources = { pools, peers, bfdProfiles, communities, l2Advertisements, bgpAdvertisements, secrets, nodes, namespaces } as unknown as ClusterResources;
    const configState = states.find((s) => s.metadata?.name === 'controller');
    return {
      snapshot: {
        resources, services, slices, plans: plans as never, l2Statuses: l2Statuses as never, offline: false,
        ...(configState === undefined ? {} : { configState }), ...(src.lbClass === undefined ? {} : { lbClass: src.lbClass }),
      },
      forbidden,
    };
  } finally {
    await kube.close();
  }
}

const kindOf = (d: unknown): string => (typeof d === 'object' && d !== null ? String((d as { kind?: unknown }).kind ?? '') : '');

/** The snapshot of manifests (`--config` paths) and the Service to explain (`--service` file). */
export function fileSnapshot(configPaths: readonly string[], serviceFile: string, lbClass?: string): Result<{ snapshot: ClusterSnapshot; service: V1Service; notes: string[] }, string> {
  const loaded = loadAll(configPaths);
  if ('problem' in loaded) return err(loaded.problem);
  const svcDocs = loadAll([serviceFile]);
  if ('problem' in svcDocs) return err(svcDocs.problem);
  const service = svcDocs.docs.find((d) => kindOf(d) === 'Service') as V1Service | undefined;
  if (service === undefined) return err(`no Service in ${serviceFile}`);
  const crds = readCrds();
  if (!crds.ok) return err(crds.error);
  const judged = judgeAsStored(loaded.docs, crds.value);
  const { resources } = sortDocuments(judged.docs);
  const others = loaded.docs.filter((d) => kindOf(d) === 'Service') as V1Service[];
  const slices = loaded.docs.filter((d) => kindOf(d) === 'EndpointSlice') as V1EndpointSlice[];
  const notes = [...judged.dropped];
  const filled = withClusterIps(service, notes);
  const name = filled.metadata?.name ?? '';
  if (!slices.some((x) => x.metadata?.namespace === filled.metadata?.namespace && x.metadata?.labels?.[SERVICE_NAME_LABEL] === name)) {
    const nodes = resources.nodes.map((n) => n.metadata?.name ?? '');
    slices.push(everywhere(filled, nodes));
    notes.push(`no EndpointSlice of the Service given: it is assumed served on every node given (${nodes.join(', ') || 'none'})`);
  }
  return ok({
    service: filled,
    notes,
    snapshot: {
      resources, services: others, slices,
      plans: [], l2Statuses: [], offline: true, ...(lbClass === undefined ? {} : { lbClass }),
    },
  });
}

/** A manifest has no clusterIPs (the apiserver assigns them): documentation addresses stand in, per family. */
function withClusterIps(svc: V1Service, notes: string[]): V1Service {
  if (svc.spec?.clusterIP !== undefined || svc.spec?.clusterIPs !== undefined) return svc;
  const families = svc.spec?.ipFamilies ?? (svc.spec?.ipFamilyPolicy === 'RequireDualStack' || svc.spec?.ipFamilyPolicy === 'PreferDualStack' ? ['IPv4', 'IPv6'] : ['IPv4']);
  const clusterIPs = families.map((f) => (f === 'IPv6' ? '2001:db8::1' : '192.0.2.1'));
  notes.push(`the Service has no clusterIP (the apiserver assigns one): ${clusterIPs.join(', ')} stand in`);
  return { ...svc, spec: { ...svc.spec, clusterIP: clusterIPs[0] ?? '', clusterIPs } };
}

/** An EndpointSlice with one serving endpoint on each node. */
const everywhere = (svc: V1Service, nodes: readonly string[]): V1EndpointSlice => ({
  metadata: { name: `${svc.metadata?.name ?? ''}-assumed`, namespace: svc.metadata?.namespace ?? 'default', labels: { [SERVICE_NAME_LABEL]: svc.metadata?.name ?? '' } },
  addressType: 'IPv4', endpoints: nodes.map((nodeName) => ({ addresses: ['192.0.2.2'], nodeName, conditions: { ready: true, serving: true } })),
});
