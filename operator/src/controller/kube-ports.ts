/**
 * The real implementations, on client-node, of the narrow ports the controller's reconcilers
 * declare in their own files (each reconciler owns its ports; unit tests pass fakes).
 */
import {
  AppsV1Api, CoreV1Api, CustomObjectsApi, PatchStrategy, type KubeConfig, type V1Secret,
} from '@kubernetes/client-node';
import { apiFailureOf, apiResult, mergePatch, orMissing } from '@metallb-ts/lib/k8s/api-errors.ts';
import { CONFIGURATIONSTATE, IPADDRESSPOOL, NODEPLAN, type ConfigurationState, type NodePlan } from '@metallb-ts/lib/api/types.generated.ts';
import type { ConfigStatePort } from './config-state-writer.ts';
import type { SecretPort } from './memberlist-secret.ts';
import type { ObjectWriter } from './node-plan-reconciler.ts';
import type { PoolStatusPort } from './pool-status.ts';
import { int64BodyOptions } from './int64-json.ts';

/** {@link ConfigStatePort} for `<namespace>/<name>` on the real API. */
export function configStatePortFor(kc: KubeConfig, namespace: string, name: string): ConfigStatePort {
  const api = kc.makeApiClient(CustomObjectsApi);
  const ref = { group: CONFIGURATIONSTATE.group, version: CONFIGURATIONSTATE.version, plural: CONFIGURATIONSTATE.plural, namespace };
  return {
    read: () => orMissing(api.getNamespacedCustomObject({ ...ref, name }) as Promise<ConfigurationState>, undefined),
    create: async (body) => {
      try {
        return (await api.createNamespacedCustomObject({ ...ref, body })) as ConfigurationState;
      } catch (e) {
        if (apiFailureOf(e) === 'conflict') return (await api.getNamespacedCustomObject({ ...ref, name })) as ConfigurationState;
        throw e;
      }
    },
    patchStatus: (status) =>
      orMissing(api.patchNamespacedCustomObjectStatus({ ...ref, name, body: { status } }, mergePatch) as Promise<ConfigurationState>, 'not-found' as const),
  };
}

/** {@link PoolStatusPort} on the real API: merge patch whose int64 values stay exact. */
export function poolStatusPortFor(kc: KubeConfig, namespace: string): PoolStatusPort {
  const api = kc.makeApiClient(CustomObjectsApi);
  const ref = { group: IPADDRESSPOOL.group, version: IPADDRESSPOOL.version, plural: IPADDRESSPOOL.plural, namespace };
  return {
    patchStatus: async (pool, status) => {
      // The body argument is a placeholder: int64BodyOptions sends the exact JSON instead.
      const patch = api.patchNamespacedCustomObjectStatus({ ...ref, name: pool, body: {} }, int64BodyOptions({ status }, PatchStrategy.MergePatch));
      return (await orMissing(patch, 'not-found' as const)) === 'not-found' ? 'not-found' : 'patched';
    },
  };
}

/** {@link SecretPort} for one namespace on the real API. */
export function secretPortFor(kc: KubeConfig, namespace: string): SecretPort {
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  return {
    exists: async (name) => (await orMissing(core.readNamespacedSecret({ namespace, name }), undefined)) !== undefined,
    create: async (body) => {
      try {
        await core.createNamespacedSecret({ namespace, body });
        return 'created';
      } catch (e) {
        if (apiFailureOf(e) === 'conflict') return 'exists';
        throw e;
      }
    },
    deployment: (name) => orMissing(apps.readNamespacedDeployment({ namespace, name }), undefined),
  };
}

/** Maps a create/replace to `'conflict'` on 409 (exists, stale resourceVersion) or 404 (gone). */
async function orConflict(call: () => Promise<unknown>): Promise<'done' | 'conflict'> {
  const r = await apiResult(call, ['conflict', 'not-found']);
  return r.ok ? 'done' : 'conflict';
}

/** Maps a delete to `'gone'` on 404. */
async function orGone(call: () => Promise<unknown>): Promise<'done' | 'gone'> {
  return (await apiResult(call, ['not-found'])).ok ? 'done' : 'gone';
}

/** {@link ObjectWriter} of the NodePlans in `namespace` (the spec only: the status is the speaker's). */
export function nodePlanWriterFor(kc: KubeConfig, namespace: string): ObjectWriter<NodePlan> {
  const api = kc.makeApiClient(CustomObjectsApi);
  const ref = { group: NODEPLAN.group, version: NODEPLAN.version, plural: NODEPLAN.plural, namespace };
  return {
    create: (body) => orConflict(() => api.createNamespacedCustomObject({ ...ref, body })),
    replace: (body) => orConflict(() => api.replaceNamespacedCustomObject({ ...ref, name: body.metadata?.name ?? '', body })),
    delete: (name) => orGone(() => api.deleteNamespacedCustomObject({ ...ref, name })),
  };
}

/** {@link ObjectWriter} of Secrets in `namespace`. */
export function secretWriterFor(kc: KubeConfig, namespace: string): ObjectWriter<V1Secret> {
  const core = kc.makeApiClient(CoreV1Api);
  return {
    create: (body) => orConflict(() => core.createNamespacedSecret({ namespace, body })),
    replace: (body) => orConflict(() => core.replaceNamespacedSecret({ namespace, name: body.metadata?.name ?? '', body })),
    delete: (name) => orGone(() => core.deleteNamespacedSecret({ namespace, name })),
  };
}
