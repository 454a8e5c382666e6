/**
 * Whether what exists already is what the operator wants, so that nothing is written when
 * nothing changed: the plan's spec (compared canonically: key order does not matter), the
 * labels the operator sets, and the owner reference to the Node; for the password Secret its
 * data too. A status (the speaker's) is never compared.
 */
import type { KubernetesObject, V1Secret } from '@kubernetes/client-node';
import type { NodePlan } from '@metallb-ts/lib/api/types.generated.ts';
import { fingerprintOf } from '../config/fingerprint.ts';

/** The labels and owner references of `want` are on `have`. */
function metaUpToDate(have: KubernetesObject, want: KubernetesObject): boolean {
  const labels = have.metadata?.labels ?? {};
  const labelsOk = Object.entries(want.metadata?.labels ?? {}).every(([k, v]) => labels[k] === v);
  const uids = new Set((have.metadata?.ownerReferences ?? []).map((r) => r.uid));
  return labelsOk && (want.metadata?.ownerReferences ?? []).every((r) => uids.has(r.uid));
}

/** Fingerprints already computed, by spec object (cached and wanted specs are never mutated). */
const fingerprints = new WeakMap<NodePlan['spec'], string>();

/**
 * Fingerprint of the spec: the (large) config text and packed sections stand in through their
 * sha256, encoding and size. Remembered per spec object: a 10,000-Service spec takes
 * milliseconds to canonicalise, and every reconcile of an unchanged node compares two.
 */
export function specFingerprintOf(p: NodePlan): string {
  const hit = fingerprints.get(p.spec);
  if (hit !== undefined) return hit;
  const fp = fingerprintOf({
    ...p.spec, frr: { ...p.spec.frr, config: undefined }, packed: p.spec.packed === undefined ? undefined : { ...p.spec.packed, data: undefined },
  });
  fingerprints.set(p.spec, fp);
  return fp;
}

/** Whether `have` (from the cache) already is `want`. */
export function planUpToDate(have: NodePlan | undefined, want: NodePlan): boolean {
  if (have === undefined) return false;
  return specFingerprintOf(have) === specFingerprintOf(want) && metaUpToDate(have as KubernetesObject, want as KubernetesObject);
}

/** Whether the password Secret `have` already is `want`. */
export function secretUpToDate(have: V1Secret | undefined, want: V1Secret): boolean {
  if (have === undefined) return false;
  return fingerprintOf(have.data ?? {}) === fingerprintOf(want.data ?? {}) && metaUpToDate(have, want);
}

/** The object to send when replacing `have` by `want`: want's content at have's resourceVersion. */
export function replacementOf<T extends KubernetesObject>(have: KubernetesObject, want: T): T {
  return { ...want, metadata: { ...want.metadata, resourceVersion: have.metadata?.resourceVersion } } as T;
}
