/**
 * Structured validation errors of configFor. MetalLB stops at the first error; we collect all
 * of them, each naming the object, the field path, the rule id (listed in docs/validation.md) and MetalLB's
 * wording where the reference gives it.
 */

/** The object an error is about. */
export interface ObjectRef {
  /** CR kind, e.g. `IPAddressPool`. */
  readonly kind: string;
  /** `metadata.name` ('' when missing). */
  readonly name: string;
}

/** One validation finding. */
export interface ConfigError {
  /**
   * `invalid`: the configuration is wrong. `transient`: it references an object (Secret, BFD
   * profile, community alias) that may simply not exist yet.
   */
  readonly kind: 'invalid' | 'transient';
  /** The object at fault. */
  readonly object: ObjectRef;
  /** Field path inside the object, e.g. `spec.addresses[1]`; '' for the whole object. */
  readonly field: string;
  /** Human-readable message. */
  readonly message: string;
  /** Rule id of the reference table, e.g. `P5`. */
  readonly rule: string;
}

/** A parsed value plus the errors found while parsing it. */
export interface Checked<T> {
  /** The value, built from the parts that were valid. */
  readonly value: T;
  /** Every error found. */
  readonly errors: readonly ConfigError[];
}

/** Builds errors about one object. */
export interface ErrorSink {
  /** Records an `invalid` error. */
  invalid(rule: string, field: string, message: string): void;
  /** Records a `transient` error. */
  transient(rule: string, field: string, message: string): void;
}

/** Creates a sink that appends to `out`, every error naming `object`. */
export function sinkFor(object: ObjectRef, out: ConfigError[]): ErrorSink {
  return {
    invalid: (rule, field, message) => out.push({ kind: 'invalid', object, field, message, rule }),
    transient: (rule, field, message) => out.push({ kind: 'transient', object, field, message, rule }),
  };
}

/** Compares strings with embedded numbers numerically (`a[2]` before `a[10]`). */
export function naturalCompare(a: string, b: string): number {
  const pa = a.split(/(\d+)/);
  const pb = b.split(/(\d+)/);
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const [x, y] = [pa[i] ?? '', pb[i] ?? ''];
    if (x === y) continue;
    const numeric = i % 2 === 1;
    if (numeric && x.length !== y.length) return x.length - y.length;
    return x < y ? -1 : 1;
  }
  return pa.length - pb.length;
}

/** Sorts errors by kind of object, name, field, rule, then message: a stable total order. */
export function sortErrors(errors: readonly ConfigError[]): ConfigError[] {
  const key = (e: ConfigError): string[] => [e.object.kind, e.object.name, e.field, e.rule, e.message, e.kind];
  return [...errors].sort((a, b) => {
    const [ka, kb] = [key(a), key(b)];
    for (let i = 0; i < ka.length; i++) {
      const c = naturalCompare(ka[i] ?? '', kb[i] ?? '');
      if (c !== 0) return c;
    }
    return 0;
  });
}

/** `metadata.name` of an object, '' when missing. */
export const nameOf = (o: { metadata?: { name?: string | undefined } | undefined }): string => o.metadata?.name ?? '';

/** Copies `items` sorted by name (stable: duplicates keep their input order). */
export function byName<T extends { metadata?: { name?: string | undefined } | undefined }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => (nameOf(a) < nameOf(b) ? -1 : nameOf(a) > nameOf(b) ? 1 : 0));
}
