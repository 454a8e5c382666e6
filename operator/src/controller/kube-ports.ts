/**
 * The real implementations, on the raw client (lib/k8s/kube-client.ts), of the narrow ports the
 * controller's reconcilers declare in their own files (each reconciler owns its ports; unit
 * tests pass fakes).
 */
import type { V1Deployment, V1Secret } from '@kubernetes/client-node';
import { apiFailureOf, apiResult, orMissing } from '@metallb-ts/lib/k8s/api-errors.ts';
import { MERGE_PATCH, type KubeClient } from '@metallb-ts/lib/k8s/kube-client.ts';
import { CONFIGURATIONSTATE, IPADDRESSPOOL, NODEPLAN, type ConfigurationState, type NodePlan } from '@metallb-ts/lib/api/types.generated.ts';
import type { ConfigStatePort } from './config-state-writer.ts';
import type { SecretPort } from './memberlist-secret.ts';
import type { ObjectWriter } from './node-plan-reconciler.ts';
import type { PoolStatusPort } from './pool-status.ts';
import { int64Json } from './int64-json.ts';

interface Kind {
  readonly group: string;
  readonly version: string;
  readonly plural: string;
}

const seg = encodeURIComponent;

/** The collection path of a namespaced custom resource kind. */
const customPath = (k: Kind, namespace: string): string => `/apis/${k.group}/${k.version}/namespaces/${seg(namespace)}/${k.plural}`;

/** Creates `body` in `collection`; on 409 (it exists) reads `name` instead. */
async function createOrRead<T>(kube: KubeClient, collection: string, name: string, body: T): Promise<T> {
  try {
    return await kube.request<T>({ method: 'POST', path: collection, body });
  } catch (e) {
    if (apiFailureOf(e) === 'conflict') return kube.request<T>({ method: 'GET', path: `${collection}/${seg(name)}` });
    throw e;
  }
}

/** {@link ConfigStatePort} for `<namespace>/<name>` on the real API. */
export function configStatePortFor(kube: KubeClient, namespace: string, name: string): ConfigStatePort {
  const collection = customPath(CONFIGURATIONSTATE, namespace);
  const one = `${collection}/${seg(name)}`;
  return {
    read: () => orMissing(kube.request<ConfigurationState>({ method: 'GET', path: one }), undefined),
    create: (body) => createOrRead(kube, collection, name, body),
    patchStatus: (status) =>
      orMissing(kube.request<ConfigurationState>({ method: 'PATCH', path: `${one}/status`, body: { status }, contentType: MERGE_PATCH }), 'not-found' as const),
  };
}

/** {@link PoolStatusPort} on the real API: merge patch whose int64 values stay exact. */
export function poolStatusPortFor(kube: KubeClient, namespace: string): PoolStatusPort {
  const collection = customPath(IPADDRESSPOOL, namespace);
  return {
    patchStatus: async (pool, status) => {
      // A string body is sent as it is: the exact int64 JSON.
      const patch = kube.request({ method: 'PATCH', path: `${collection}/${seg(pool)}/status`, body: int64Json({ status }), contentType: MERGE_PATCH });
      return (await orMissing(patch, 'not-found' as const)) === 'not-found' ? 'not-found' : 'patched';
    },
  };
}

/** {@link SecretPort} for one namespace on the real API. */
export function secretPortFor(kube: KubeClient, namespace: string): SecretPort {
  const secrets = `/api/v1/namespaces/${seg(namespace)}/secrets`;
  return {
    exists: async (name) => (await orMissing(kube.request<V1Secret>({ method: 'GET', path: `${secrets}/${seg(name)}` }), undefined)) !== undefined,
    create: async (body) => {
      try {
        await kube.request({ method: 'POST', path: secrets, body });
        return 'created';
      } catch (e) {
        if (apiFailureOf(e) === 'conflict') return 'exists';
        throw e;
      }
    },
    deployment: (name) => orMissing(kube.request<V1Deployment>({ method: 'GET', path: `/apis/apps/v1/namespaces/${seg(namespace)}/deployments/${seg(name)}` }), undefined),
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

/** An {@link ObjectWriter} of the objects under `collection` (create, replace by name, delete). */
function objectWriterFor<T extends { metadata?: { name?: string } }>(kube: KubeClient, collection: string): ObjectWriter<T> {
  const one = (name: string): string => `${collection}/${seg(name)}`;
  return {
    create: (body) => orConflict(() => kube.request({ method: 'POST', path: collection, body })),
    replace: (body) => orConflict(() => kube.request({ method: 'PUT', path: one(body.metadata?.name ?? ''), body })),
    delete: (name) => orGone(() => kube.request({ method: 'DELETE', path: one(name) })),
  };
}

/** {@link ObjectWriter} of the NodePlans in `namespace` (the spec only: the status is the speaker's). */
export function nodePlanWriterFor(kube: KubeClient, namespace: string): ObjectWriter<NodePlan> {
  return objectWriterFor<NodePlan>(kube, customPath(NODEPLAN, namespace));
}

/** {@link ObjectWriter} of Secrets in `namespace`. */
export function secretWriterFor(kube: KubeClient, namespace: string): ObjectWriter<V1Secret> {
  return objectWriterFor<V1Secret>(kube, `/api/v1/namespaces/${seg(namespace)}/secrets`);
}
