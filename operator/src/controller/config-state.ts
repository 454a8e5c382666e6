/**
 * What the controller's ConfigurationState (`controller`) says about a configFor result: pure.
 *
 * Two conditions: `poolReconcilerValid` (errors about IPAddressPools, which the allocator
 * reads) and `configReconcilerValid` (any error). A condition keeps its `lastTransitionTime`
 * while its status stays the same, so an unchanged verdict yields an identical status and no
 * write.
 */
import type { ConfigError } from '../config/errors.ts';

/** The verdict of one configFor run. */
export type ConfigVerdict =
  | { readonly kind: 'valid' }
  /** Some error is `invalid`: wait for the objects to change. */
  | { readonly kind: 'invalid'; readonly errors: readonly ConfigError[] }
  /** Only `transient` errors (a referenced object may appear): retry with backoff. */
  | { readonly kind: 'transient'; readonly errors: readonly ConfigError[] };

/** A metav1.Condition as written (times as RFC 3339 strings, whole seconds). */
export interface StateCondition {
  readonly type: 'poolReconcilerValid' | 'configReconcilerValid';
  readonly status: 'True' | 'False';
  readonly reason: 'Reconciled' | 'ConfigurationError';
  readonly message: string;
  readonly lastTransitionTime: string;
}

/** `status` of a ConfigurationState. */
export interface StateStatus {
  readonly result: 'Valid' | 'Invalid' | 'Unknown';
  readonly errorSummary: string;
  readonly conditions: readonly StateCondition[];
}

/** The verdict for configFor's errors (none = valid). */
export function verdictOf(errors: readonly ConfigError[]): ConfigVerdict {
  if (errors.length === 0) return { kind: 'valid' };
  return errors.some((e) => e.kind === 'invalid') ? { kind: 'invalid', errors } : { kind: 'transient', errors };
}

/** One error as a line: `IPAddressPool/x spec.addresses[0]: message`. */
export function formatConfigError(e: ConfigError): string {
  const where = e.field === '' ? `${e.object.kind}/${e.object.name}` : `${e.object.kind}/${e.object.name} ${e.field}`;
  return `${where}: ${e.message}`;
}

/** The errors of a verdict joined with `; ` ('' when valid). */
export function errorSummaryOf(v: ConfigVerdict): string {
  return v.kind === 'valid' ? '' : v.errors.map(formatConfigError).join('; ');
}

/** RFC 3339 with whole seconds, as metav1.Time serialises. */
export const rfc3339 = (ms: number): string => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

/** One condition for `errors`, keeping the previous transition time when status is unchanged. */
function conditionFor(
  type: StateCondition['type'], errors: readonly ConfigError[], previous: readonly StateCondition[], now: number,
): StateCondition {
  const status = errors.length === 0 ? 'True' : 'False';
  const before = previous.find((c) => c.type === type);
  return {
    type,
    status,
    reason: errors.length === 0 ? 'Reconciled' : 'ConfigurationError',
    message: errors.map(formatConfigError).join('; '),
    lastTransitionTime: before?.status === status ? before.lastTransitionTime : rfc3339(now),
  };
}

/** The ConfigurationState status for `v`, given the conditions currently stored. */
export function stateStatusFor(v: ConfigVerdict, previous: readonly StateCondition[], now: number): StateStatus {
  const errors = v.kind === 'valid' ? [] : v.errors;
  const poolErrors = errors.filter((e) => e.object.kind === 'IPAddressPool');
  return {
    result: v.kind === 'valid' ? 'Valid' : 'Invalid',
    errorSummary: errorSummaryOf(v),
    conditions: [conditionFor('poolReconcilerValid', poolErrors, previous, now), conditionFor('configReconcilerValid', errors, previous, now)],
  };
}

/** Whether two statuses are the same (conditions in order). */
export function sameStatus(a: StateStatus | undefined, b: StateStatus): boolean {
  return a !== undefined && JSON.stringify(a) === JSON.stringify(b);
}
