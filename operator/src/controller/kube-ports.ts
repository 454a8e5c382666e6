/**
 * The narrow API ports the controller's reconcilers write through, and their real
 * implementations on client-node. Reconcilers take the interfaces; tests may pass fakes.
 */
import {
  AppsV1Api, CoreV1Api, CustomObjectsApi, PatchStrategy, type KubeConfig, type V1Deployment, type V1Secret,
} from '@kubernetes/client-node';
import { apiFailureOf, mergePatch, orMissing } from '@metallb-ts/lib/k8s/api-errors.ts';
import { CONFIGURATIONSTATE, IPADDRESSPOOL, type ConfigurationState } from '@metallb-ts/lib/api/types.generated.ts';
import type { StateStatus } from './config-state.ts';
import { int64BodyOptions } from './int64-json.ts';

/** Writes the controller's ConfigurationState. */
export interface ConfigStatePort {
  /** The object, or undefined when it does not exist. */
  read(): Promise<ConfigurationState | undefined>;
  /** Creates the (status-less) object; an existing one is returned as is. */
  create(obj: ConfigurationState): Promise<ConfigurationState>;
  /** Replaces its status (merge patch on /status); `'not-found'` when it is gone. */
  patchStatus(status: StateStatus): Promise<ConfigurationState | 'not-found'>;
}

/** IPAddressPool status counters, exact int64. */
export interface PoolCountersStatus {
  readonly assignedIPv4: bigint;
  readonly assignedIPv6: bigint;
  readonly availableIPv4: bigint;
  readonly availableIPv6: bigint;
}

/** Writes IPAddressPool `.status`. */
export interface PoolStatusPort {
  /** Merge-patches the status of a pool; `'not-found'` when the pool is gone. */
  patchStatus(pool: string, status: PoolCountersStatus): Promise<'patched' | 'not-found'>;
}

/** What the memberlist-Secret step needs. */
export interface SecretPort {
  /** Whether the Secret exists. */
  exists(name: string): Promise<boolean>;
  /** Creates it; `'exists'` when someone else did first. */
  create(secret: V1Secret): Promise<'created' | 'exists'>;
  /** The Deployment that should own it, when it exists. */
  deployment(name: string): Promise<V1Deployment | undefined>;
}

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
