/**
 * MetalLB's Service annotations: the `metallb.io/` prefix, with the deprecated
 * `metallb.universe.tf/` one still read as a fallback.
 */

/** Current annotation prefix. */
export const ANNOTATION_PREFIX = 'metallb.io';
/** Deprecated prefix, still read; its use triggers a `deprecatedAnnotation` event. */
export const DEPRECATED_PREFIX = 'metallb.universe.tf';
/** The annotation the controller writes: the pool an address came from. */
export const POOL_ANNOTATION = `${ANNOTATION_PREFIX}/ip-allocated-from-pool`;

/** Value of `metallb.io/<name>`, else of the deprecated key; a present new key wins even if empty. */
export function annotationOf(annotations: Readonly<Record<string, string>>, name: string): string {
  return annotations[`${ANNOTATION_PREFIX}/${name}`] ?? annotations[`${DEPRECATED_PREFIX}/${name}`] ?? '';
}
