/**
 * Installs the metallb.io CRDs (crds/*.yaml, the API's source of truth) into a test control plane.
 * Create-or-replace, so it is idempotent and picks up CRD edits; returns once every CRD is
 * Established and its kinds are served.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseAllDocuments } from 'yaml';
import { ApiException, ApiextensionsV1Api, CoreV1Api } from '@kubernetes/client-node';
import type { KubeConfig, V1CustomResourceDefinition } from '@kubernetes/client-node';

/** The repository's crds/ folder. */
export const CRDS_DIR = join(import.meta.dirname, '..', '..', 'crds');

/** How long installCrds waits for the CRDs to become Established: 200 polls of 50 ms. */
const ESTABLISH_POLLS = 200;
const POLL_MS = 50;

/** Parses every CustomResourceDefinition in crds/*.yaml, in file-name order. */
export function loadCrds(dir: string = CRDS_DIR): V1CustomResourceDefinition[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .flatMap((f) => parseAllDocuments(readFileSync(join(dir, f), 'utf8')).map((d) => d.toJS() as V1CustomResourceDefinition))
    .filter((crd) => crd.kind === 'CustomResourceDefinition');
}

/** Creates or replaces every metallb.io CRD and waits (bounded) until all are Established. */
export async function installCrds(kubeConfig: KubeConfig, dir: string = CRDS_DIR): Promise<void> {
  const api = kubeConfig.makeApiClient(ApiextensionsV1Api);
  const crds = loadCrds(dir);
  await Promise.all(crds.map((crd) => createOrReplace(api, crd)));
  await Promise.all(crds.map((crd) => waitEstablished(api, crd.metadata?.name ?? '')));
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
  for (let i = 0; i < ESTABLISH_POLLS; i++) {
    const crd = await api.readCustomResourceDefinition({ name });
    const established = crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
    if (established === true) return;
    await sleep(POLL_MS);
  }
  throw new Error(`CRD ${name} not Established after ${String(ESTABLISH_POLLS * POLL_MS)} ms`);
}

/** Creates a namespace unless it already exists. */
export async function ensureNamespace(kubeConfig: KubeConfig, name: string): Promise<void> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  try {
    await core.createNamespace({ body: { metadata: { name } } });
  } catch (e) {
    if (!(e instanceof ApiException && e.code === 409)) throw e;
  }
}
