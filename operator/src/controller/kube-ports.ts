/**
 * The narrow API ports the controller's reconcilers write through, and their real
 * implementations on client-node. Reconcilers take the interfaces; tests may pass fakes.
 */
import {
  ApiException, AppsV1Api, CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions,
  type KubeConfig, type V1Deployment, type V1Secret,
} from '@kubernetes/client-node';
import { CONFIGURATIONSTATE, IPADDRESSPOOL, type ConfigurationState } from '../../../lib/src/api/types.generated.ts';
import type { StateStatus } from './config-state.ts';
import { int64Json, rawJsonRequest, RawRequestError } from './int64-json.ts';

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

const code = (e: unknown): number | undefined => (e instanceof ApiException ? e.code : e instanceof RawRequestError ? e.status : undefined);

/** Resolves `onMissing` instead of throwing on 404. */
async function or404<T, M>(p: Promise<T>, onMissing: M): Promise<T | M> {
  try {
    return await p;
  } catch (e) {
    if (code(e) === 404) return onMissing;
    throw e;
  }
}

const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

/** {@link ConfigStatePort} for `<namespace>/<name>` on the real API. */
export function configStatePortFor(kc: KubeConfig, namespace: string, name: string): ConfigStatePort {
  const api = kc.makeApiClient(CustomObjectsApi);
  const ref = { group: CONFIGURATIONSTATE.group, version: CONFIGURATIONSTATE.version, plural: CONFIGURATIONSTATE.plural, namespace };
  return {
    read: () => or404(api.getNamespacedCustomObject({ ...ref, name }) as Promise<ConfigurationState>, undefined),
    create: async (body) => {
      try {
        return (await api.createNamespacedCustomObject({ ...ref, body })) as ConfigurationState;
      } catch (e) {
        if (code(e) === 409) return (await api.getNamespacedCustomObject({ ...ref, name })) as ConfigurationState;
        throw e;
      }
    },
    patchStatus: (status) =>
      or404(api.patchNamespacedCustomObjectStatus({ ...ref, name, body: { status } }, merge) as Promise<ConfigurationState>, 'not-found' as const),
  };
}

/** {@link PoolStatusPort} on the real API: raw merge patch so int64 values stay exact. */
export function poolStatusPortFor(kc: KubeConfig, namespace: string): PoolStatusPort {
  const base = `/apis/${IPADDRESSPOOL.group}/${IPADDRESSPOOL.version}/namespaces/${namespace}/${IPADDRESSPOOL.plural}`;
  return {
    patchStatus: async (pool, status) => {
      const path = `${base}/${encodeURIComponent(pool)}/status`;
      const r = await or404(rawJsonRequest(kc, 'PATCH', path, int64Json({ status }), PatchStrategy.MergePatch), 'not-found' as const);
      return r === 'not-found' ? r : 'patched';
    },
  };
}

/** {@link SecretPort} for one namespace on the real API. */
export function secretPortFor(kc: KubeConfig, namespace: string): SecretPort {
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  return {
    exists: async (name) => (await or404(core.readNamespacedSecret({ namespace, name }), undefined)) !== undefined,
    create: async (body) => {
      try {
        await core.createNamespacedSecret({ namespace, body });
        return 'created';
      } catch (e) {
        if (code(e) === 409) return 'exists';
        throw e;
      }
    },
    deployment: (name) => or404(apps.readNamespacedDeployment({ namespace, name }), undefined),
  };
}
