/**
 * Which V8 heap flags a long-running binary (the operator) should restart itself with. Pure: the
 * caller passes what its process was started with and re-executes (see relaunch.ts).
 *
 * Why: under the allocation rate of a large backlog, V8's defaults let the young generation grow
 * to tens of MiB per semi-space and the old generation grow by a factor sized for multi-GiB heaps,
 * so the committed heap ended at several times the live heap (docs/operator-memory.md). The
 * defaults below cap the young generation and make the old generation grow like a small-heap
 * process; the limit is well above the live heap at 10,000 Services.
 *
 * A flag the operator sets wins only when the user did not: a flag NAME already present in the
 * process's exec arguments or in NODE_OPTIONS is left alone, and `METALLB_TS_NODE_FLAGS` replaces
 * the defaults (empty = none).
 */

/** The default heap flags. */
export const DEFAULT_HEAP_FLAGS: readonly string[] = ['--max-semi-space-size=2', '--max-old-space-size=512'];

/** Variable holding the flags to use instead of the defaults (space separated, empty = none). */
export const NODE_FLAGS_ENV = 'METALLB_TS_NODE_FLAGS';

/** Variable set on the re-executed process so it never re-executes again. */
export const RELAUNCHED_ENV = 'METALLB_TS_RELAUNCHED';

/** What the process was started with. */
export interface ProcessFlags {
  readonly execArgv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** `--max-old-space-size=512` → `--max-old-space-size` (underscores read as dashes, as node does). */
function flagName(flag: string): string {
  const eq = flag.indexOf('=');
  return (eq < 0 ? flag : flag.slice(0, eq)).replaceAll('_', '-');
}

/** The flags to add by re-executing; empty when nothing is to add or the process already was re-executed. */
export function heapFlagsToAdd(p: ProcessFlags): string[] {
  if (p.env[RELAUNCHED_ENV] !== undefined) return [];
  const wanted = p.env[NODE_FLAGS_ENV] === undefined ? DEFAULT_HEAP_FLAGS : p.env[NODE_FLAGS_ENV].split(/\s+/).filter((f) => f !== '');
  const given = new Set([...p.execArgv, ...(p.env['NODE_OPTIONS'] ?? '').split(/\s+/)].filter((f) => f.startsWith('--')).map(flagName));
  return wanted.filter((f) => !given.has(flagName(f)));
}
