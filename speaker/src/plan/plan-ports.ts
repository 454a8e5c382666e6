/**
 * The Kubernetes side of the speaker's BGP work, on client-node: the ports bgp-speaker.ts owns
 * (patch its NodePlan's status; list, create, patch and delete its ServiceBGPStatus objects)
 * and the two informers (its own NodePlan, its password Secret, on the raw client), each selected by name.
 */
import { CustomObjectsApi, type KubeConfig, type KubernetesListObject, type V1Secret } from '@kubernetes/client-node';
import { NODEPLAN, SERVICEBGPSTATUS, type NodePlan, type NodePlanStatus, type ServiceBGPStatus } from '@metallb-ts/lib/api/types.generated.ts';
import { orMissing } from '@metallb-ts/lib/k8s/api-errors.ts';
import { mergePatch } from '@metallb-ts/lib/k8s/client-node-options.ts';
import { informerFor, type SupervisedInformer } from '@metallb-ts/lib/k8s/informer.ts';
import type { KubeClient } from '@metallb-ts/lib/k8s/kube-client.ts';
import type { Logger } from '@metallb-ts/lib/log.ts';
import type { ConditionInput } from './core/plan-status.ts';
import { SBS_LABELS, splitServiceKey, type ExistingServiceStatus } from './core/service-bgp.ts';

/**
 * What the speaker root feeds with its NodePlan (the BGP side, or the plan status writer of a
 * speaker without FRR): every sight of the plan, its deletion, and the conditions layer 2 reports.
 */
export interface PlanSide {
  onPlan(obj: NodePlan): void;
  onPlanDeleted(): void;
  /** The conditions to write after this side's own (layer 2's); a change kicks one status write. */
  setConditions(extra: readonly ConditionInput[]): void;
  /** Stops; resolves once no write runs. */
  stop(): Promise<void>;
}

/** Writes the plan's status (JSON merge patch on /status). */
export interface PlanStatusPort {
  patchStatus(name: string, status: NodePlanStatus): Promise<'patched' | 'not-found'>;
}

/** This node's ServiceBGPStatus objects. */
export interface ServiceStatusPort {
  list(): Promise<ExistingServiceStatus[]>;
  create(service: string, peers: readonly string[]): Promise<void>;
  patchPeers(name: string, service: string, peers: readonly string[]): Promise<void>;
  delete(name: string): Promise<void>;
}

/** {@link PlanStatusPort} on the real API. */
export function planStatusPortFor(kc: KubeConfig, namespace: string): PlanStatusPort {
  const api = kc.makeApiClient(CustomObjectsApi);
  const ref = { group: NODEPLAN.group, version: NODEPLAN.version, plural: NODEPLAN.plural, namespace };
  return {
    patchStatus: async (name, status) => {
      const r = await orMissing(api.patchNamespacedCustomObjectStatus({ ...ref, name, body: { status } }, mergePatch), 'not-found' as const);
      return r === 'not-found' ? 'not-found' : 'patched';
    },
  };
}

/** {@link ServiceStatusPort} for `node` in `namespace` on the real API. */
export function serviceStatusPortFor(kc: KubeConfig, namespace: string, node: string): ServiceStatusPort {
  const api = kc.makeApiClient(CustomObjectsApi);
  const ref = { group: SERVICEBGPSTATUS.group, version: SERVICEBGPSTATUS.version, plural: SERVICEBGPSTATUS.plural, namespace };
  const statusOf = (service: string, peers: readonly string[]) => {
    const s = splitServiceKey(service);
    return { node, serviceName: s.name, serviceNamespace: s.namespace, peers: [...peers] };
  };
  return {
    list: async () => {
      const l = (await api.listNamespacedCustomObject({ ...ref, labelSelector: `${SBS_LABELS.node}=${node}` })) as KubernetesListObject<ServiceBGPStatus>;
      return l.items.map((o) => {
        const labels = o.metadata?.labels ?? {};
        const ns = o.status?.serviceNamespace ?? labels[SBS_LABELS.serviceNamespace] ?? '';
        const name = o.status?.serviceName ?? labels[SBS_LABELS.serviceName] ?? '';
        return { name: o.metadata?.name ?? '', service: `${ns}/${name}`, peers: o.status?.peers ?? [] };
      });
    },
    create: async (service, peers) => {
      const s = splitServiceKey(service);
      const body: ServiceBGPStatus = {
        apiVersion: `${SERVICEBGPSTATUS.group}/${SERVICEBGPSTATUS.version}`, kind: SERVICEBGPSTATUS.kind,
        metadata: {
          generateName: 'bgp-', namespace,
          labels: { [SBS_LABELS.node]: node, [SBS_LABELS.serviceName]: s.name, [SBS_LABELS.serviceNamespace]: s.namespace },
        },
      };
      const created = (await api.createNamespacedCustomObject({ ...ref, body })) as ServiceBGPStatus;
      const name = created.metadata?.name ?? '';
      await api.patchNamespacedCustomObjectStatus({ ...ref, name, body: { status: statusOf(service, peers) } }, mergePatch);
    },
    patchPeers: async (name, service, peers) => {
      await api.patchNamespacedCustomObjectStatus({ ...ref, name, body: { status: statusOf(service, peers) } }, mergePatch);
    },
    delete: async (name) => {
      await orMissing(api.deleteNamespacedCustomObject({ ...ref, name }), undefined);
    },
  };
}

/** An informer on the NodePlan named `node` only (field selector). */
export function planInformerFor(kube: KubeClient, namespace: string, node: string, logger: Logger): SupervisedInformer<NodePlan> {
  return informerFor<NodePlan>(kube, {
    path: `/apis/${NODEPLAN.group}/${NODEPLAN.version}/namespaces/${namespace}/${NODEPLAN.plural}`,
    fieldSelector: `metadata.name=${node}`,
  }, { logger });
}

/** An informer on one Secret, by name (field selector). */
export function secretInformerFor(kube: KubeClient, namespace: string, name: string, logger: Logger): SupervisedInformer<V1Secret> {
  return informerFor<V1Secret>(kube, {
    path: `/api/v1/namespaces/${namespace}/secrets`,
    fieldSelector: `metadata.name=${name}`,
  }, { logger });
}
