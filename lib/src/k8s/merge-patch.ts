/**
 * JSON merge patches (RFC 7386) computed from two versions of an object, for writes that start
 * from an informer's cached (possibly projected) object: `mergePatchOf(base, next)` holds only
 * what differs — changed or added keys, removed keys as `null`, arrays and scalars whole — so
 * the fields a projection dropped are never touched. Pure.
 */

type Json = unknown;

const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Deep equality of JSON values (undefined-valued keys count as absent). */
function same(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => same(x, b[i]));
  if (!isObject(a) || !isObject(b)) return false;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) if (!same(a[k], b[k])) return false;
  return true;
}

/** The merge patch turning `base` into `next`; undefined when they are equal. */
export function mergePatchOf(base: Json, next: Json): Json {
  if (!isObject(base) || !isObject(next)) return same(base, next) ? undefined : (next ?? null);
  const patch: Record<string, Json> = {};
  for (const k of new Set([...Object.keys(base), ...Object.keys(next)])) {
    if (next[k] === undefined) {
      if (base[k] !== undefined) patch[k] = null;
      continue;
    }
    const p = base[k] === undefined ? next[k] : mergePatchOf(base[k], next[k]);
    if (p !== undefined) patch[k] = p;
  }
  return Object.keys(patch).length === 0 ? undefined : patch;
}

/**
 * The merge patch from `base` to `next`, guarded by `base`'s resourceVersion (the apiserver
 * answers 409 when the object changed since): undefined when nothing differs.
 */
export function guardedMergePatch(base: { metadata?: { resourceVersion?: string } }, next: object): Record<string, Json> | undefined {
  const patch = mergePatchOf(base, next);
  const rv = base.metadata?.resourceVersion;
  if (!isObject(patch) || rv === undefined) return undefined;
  return { ...patch, metadata: { ...(isObject(patch['metadata']) ? patch['metadata'] : {}), resourceVersion: rv } };
}
