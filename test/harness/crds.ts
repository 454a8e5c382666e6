/**
 * Installs the metallb.io CRDs (crds/*.yaml, the API's source of truth) into a test control plane.
 * Create-or-replace, so it is idempotent and picks up CRD edits; returns once every CRD is
 * Established and its kinds are served.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { pollUntil } from '@metallb-ts/lib/time/poll.ts';
import { ApiException, ApiextensionsV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import type { KubeConfig, V1CustomResourceDefinition } from '@kubernetes/client-node';
// The generated API classes serialise their typed models: a plain object parsed from YAML would
// lose every key whose model name differs from the wire name (`enum` is `_enum`, `default` is
// `_default`, `x-kubernetes-validations` is `xKubernetesValidations`), silently installing CRDs
// without their enums, defaults and CEL rules. Deserialising into the model first keeps them all.
import { ObjectSerializer } from '@kubernetes/client-node/dist/gen/models/ObjectSerializer.js';

/** The repository's crds/ folder. */
export const CRDS_DIR = join(import.meta.dirname, '..', '..', 'crds');

/** How long installCrds waits for the CRDs to become Established, polling every 50 ms. */
const ESTABLISH_TIMEOUT_MS = 10_000;
const POLL_MS = 50;

/** Parses every CustomResourceDefinition in crds/*.yaml (wire format), in file-name order. */
export function loadCrds(dir: string = CRDS_DIR): V1CustomResourceDefinition[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .flatMap((f) => parseAllDocuments(readFileSync(join(dir, f), 'utf8')).map((d) => d.toJS() as V1CustomResourceDefinition))
    .filter((crd) => crd.kind === 'CustomResourceDefinition');
}

/** Converts a wire-format CRD into client-node's model, so that its API classes send it whole. */
function toModel(crd: V1CustomResourceDefinition): V1CustomResourceDefinition {
  return ObjectSerializer.deserialize(crd, 'V1CustomResourceDefinition', '') as V1CustomResourceDefinition;
}

/** Creates or replaces every metallb.io CRD and waits (bounded) until all are Established. */
export async function installCrds(kubeConfig: KubeConfig, dir: string = CRDS_DIR): Promise<void> {
  const api = kubeConfig.makeApiClient(ApiextensionsV1Api);
  const crds = loadCrds(dir).map(toModel);
  await Promise.all(crds.map((crd) => createOrReplace(api, crd)));
  await Promise.all(crds.map((crd) => waitEstablished(api, crd.metadata?.name ?? '')));
}

/** Waits (bounded) until every CRD of `dir` is Established, e.g. after `helm install` created them. */
export async function waitCrdsEstablished(kubeConfig: KubeConfig, dir: string = CRDS_DIR): Promise<void> {
  const api = kubeConfig.makeApiClient(ApiextensionsV1Api);
  await Promise.all(loadCrds(dir).map((crd) => waitEstablished(api, crd.metadata?.name ?? '')));
}

async function createOrReplace(api: ApiextensionsV1Api, crd: V1CustomResourceDefinition): Promise<void> {
  try {
    await api.createCustomResourceDefinition({ body: crd });
  } catch (e) {
    if (!(e instanceof ApiException && e.code === 409)) throw e;
    const name = crd.metadata?.name ?? '';
    const current = await api.readCustomResourceDefinition({ name });
    const body = { ...crd, metadata: { ...crd.metadata, resourceVersion: current.metadata?.resourceVersion ?? '' } };
    await api.replaceCustomResourceDefinition({ name, body });
  }
}

async function waitEstablished(api: ApiextensionsV1Api, name: string): Promise<void> {
  const established = await pollUntil(async () => {
    const crd = await api.readCustomResourceDefinition({ name });
    return crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') === true ? true : undefined;
  }, { timeoutMs: ESTABLISH_TIMEOUT_MS, intervalMs: POLL_MS });
  if (!established.ok) throw new Error(`CRD ${name} not Established after ${String(ESTABLISH_TIMEOUT_MS)} ms`);
}

/** API coordinates of a custom resource (the generated `IPADDRESSPOOL`-style constants fit). */
export interface ResourceCoords {
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly kind: string;
}

/** Outcome of a write that the apiserver may refuse: the stored object, or the refusal. */
export type WriteOutcome =
  | { readonly ok: true; readonly object: Record<string, unknown> }
  | { readonly ok: false; readonly code: number; readonly message: string };

/** Creates a namespaced custom object; a refusal (4xx) is returned, anything else throws. */
export async function tryCreate(
  kubeConfig: KubeConfig, coords: ResourceCoords, namespace: string, body: object,
): Promise<WriteOutcome> {
  const api = kubeConfig.makeApiClient(CustomObjectsApi);
  const { group, version, plural } = coords;
  return outcomeOf(api.createNamespacedCustomObject({ group, version, plural, namespace, body }));
}

/** Replaces a namespaced custom object (or its status); a refusal (4xx) is returned. */
export async function tryReplace(
  kubeConfig: KubeConfig, coords: ResourceCoords, namespace: string, name: string, body: object,
  subresource: 'object' | 'status' = 'object',
): Promise<WriteOutcome> {
  const api = kubeConfig.makeApiClient(CustomObjectsApi);
  const req = { group: coords.group, version: coords.version, plural: coords.plural, namespace, name, body };
  return outcomeOf(subresource === 'status'
    ? api.replaceNamespacedCustomObjectStatus(req)
    : api.replaceNamespacedCustomObject(req));
}

async function outcomeOf(call: Promise<unknown>): Promise<WriteOutcome> {
  try {
    return { ok: true, object: (await call) as Record<string, unknown> };
  } catch (e) {
    if (!(e instanceof ApiException) || e.code < 400 || e.code >= 500) throw e;
    return { ok: false, code: e.code, message: statusMessage(e.body) };
  }
}

/** The `message` of a Kubernetes Status body (client-node hands it over as a string or object). */
function statusMessage(body: unknown): string {
  const parsed: unknown = typeof body === 'string' ? safeJson(body) : body;
  if (typeof parsed === 'object' && parsed !== null && 'message' in parsed) return String(parsed.message);
  return String(body);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
