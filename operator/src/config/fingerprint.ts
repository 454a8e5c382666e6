/**
 * A stable fingerprint of parsed configuration values: the SHA-256 of a canonical JSON form.
 * Equal fingerprints mean a consumer has nothing to redo (ConfigReconciler hands each consumer
 * its part only when its fingerprint changed).
 */
import { createHash } from 'node:crypto';

/**
 * The canonical form of `value`: object keys sorted, bigints as decimal text, Sets as sorted
 * arrays, Maps as key-sorted entry lists, functions and undefined dropped (a compiled selector
 * is fingerprinted by its `text`). Array order is kept: config arrays are already sorted.
 */
export function canonicalFormOf(value: unknown): unknown {
  if (typeof value === 'bigint') return `${value.toString()}n`;
  if (value === null || typeof value !== 'object') return typeof value === 'function' ? undefined : value;
  if (Array.isArray(value)) return value.map((v) => canonicalFormOf(v) ?? null);
  if (value instanceof Set) return [...(value as Set<unknown>)].map((v) => JSON.stringify(canonicalFormOf(v))).sort();
  if (value instanceof Map) {
    const entries = [...(value as Map<unknown, unknown>)].map(([k, v]) => [JSON.stringify(canonicalFormOf(k)), canonicalFormOf(v)] as const);
    return entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value).sort()) {
    const v = canonicalFormOf((value as Record<string, unknown>)[k]);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/** Hex SHA-256 of the canonical form of `value`; see {@link canonicalFormOf}. */
export function fingerprintOf(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(canonicalFormOf(value)) ?? 'undefined').digest('hex');
}
