/**
 * JSON with exact int64 numbers. IPAddressPool status counters are int64 (MetalLB reports
 * MaxInt64 for huge IPv6 pools), which a JS number cannot carry; bigints are written as bare
 * digits instead. The raw client sends a string body as it is (kube-ports.ts).
 */

const MARK = '\u0000int64:';

/** `JSON.stringify` where every bigint becomes an exact JSON integer. */
export function int64Json(value: unknown): string {
  const text = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${MARK}${v.toString()}` : v));
  return text.replace(/"\\u0000int64:(-?\d+)"/g, '$1');
}
