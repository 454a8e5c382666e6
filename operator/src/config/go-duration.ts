/**
 * Go `time.Duration` text (what `metav1.Duration` serialises to): parsing into milliseconds and
 * printing back in Go's `Duration.String()` style for messages.
 */

const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000,
};

const TERM = /^([0-9]*(?:\.[0-9]*)?)(ns|us|µs|μs|ms|s|m|h)/;

/** Parses e.g. `90s`, `1m30s`, `1.5h`, `-2s`, `0`; undefined when Go would reject it. */
export function parseGoDuration(text: string): number | undefined {
  let rest = text;
  const sign = rest.startsWith('-') ? -1 : 1;
  if (rest.startsWith('-') || rest.startsWith('+')) rest = rest.slice(1);
  if (rest === '0') return 0;
  if (rest === '') return undefined;
  let total = 0;
  while (rest !== '') {
    const m = TERM.exec(rest);
    const [whole, num, unit] = m ?? [];
    if (whole === undefined || num === undefined || unit === undefined || num === '' || num === '.') return undefined;
    total += Number(num) * (UNIT_MS[unit] ?? 0);
    rest = rest.slice(whole.length);
  }
  return sign * total;
}

/** Prints milliseconds as Go does (`1m30s`, `500ms`, `0s`), to millisecond precision. */
export function formatGoDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 0) return `-${formatGoDuration(-ms)}`;
  if (ms < 1000) return `${Number(ms.toFixed(6))}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Number(((ms % 60_000) / 1000).toFixed(9));
  if (h > 0) return `${h}h${m}m${s}s`;
  return m > 0 ? `${m}m${s}s` : `${s}s`;
}
