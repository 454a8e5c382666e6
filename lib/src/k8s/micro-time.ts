/**
 * Kubernetes `MicroTime` values (Event `eventTime`, Lease `renewTime`…) as the API stores them:
 * RFC 3339 with exactly six fractional digits in UTC, e.g. `2026-12-04T14:33:11.123000Z`. The
 * apiserver's parser wants the six digits; JavaScript time has milliseconds, so the last three are 0.
 */

/** A MicroTime string. */
export type MicroTime = string;

/** The MicroTime of `ms` (epoch milliseconds). */
export function microTime(ms: number): MicroTime {
  return new Date(ms).toISOString().replace(/Z$/, '000Z');
}

/** Epoch milliseconds of a MicroTime or RFC 3339 time (a Date too); 0 when absent or unreadable. */
export function timeMs(v: unknown): number {
  const ms = v instanceof Date ? v.getTime() : typeof v === 'string' ? Date.parse(v) : 0;
  return Number.isNaN(ms) ? 0 : ms;
}
