/**
 * Project lint, rules declared in hack/lint-config.ts:
 * 1. pure code imports no I/O or shell library, only pure files at runtime (transitively, since
 *    every pure file is checked), and reaches for no ambient time/randomness/timers/process/
 *    network/console (hack/lint-pure.ts);
 * 2. production code imports no test kit (a `testing/` folder or a `*.test.ts` file);
 * 3. lib imports no binary, and operator/ and speaker/ never import each other;
 * 4. no import cycles.
 *
 * Usage: node hack/lint.ts [repo root]   — exits 1 and prints one line per finding.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { FORBIDDEN_PACKAGE_EDGES, PURE, SHELL_FILES } from './lint-config.ts';
import { importsOf, pureGlobalViolations, pureImportViolation } from './lint-pure.ts';

export { pureImportViolation };

const SOURCE_ROOTS = ['lib', 'operator', 'speaker', 'test', 'hack', 'bin', 'kind-e2e'];

/** Test code: tests and test kits. */
const isTestCode = (rel: string): boolean => rel.endsWith('.test.ts') || rel.split('/').includes('testing');

/** Whether a repo-relative file is pure code (declared in {@link PURE}, not a shell file, not a test). */
export function isPure(rel: string): boolean {
  if (isTestCode(rel) || SHELL_FILES.includes(rel)) return false;
  return PURE.some((entry) => rel === entry || rel.startsWith(`${entry}/`));
}

/** Production code: a binary's or lib's sources, not tests or test kits. */
const isProduction = (rel: string): boolean =>
  ['lib', 'operator', 'speaker', 'bin'].includes(rel.split('/')[0] ?? '') && !isTestCode(rel);

/** Lists every .ts file under the source roots, skipping node_modules and dot folders. */
function listSources(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      if (name === 'node_modules' || name.startsWith('.')) continue;
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p);
    }
  };
  for (const r of SOURCE_ROOTS) {
    const p = join(root, r);
    try {
      if (statSync(p).isDirectory()) walk(p);
    } catch {
      // A source root that does not exist yet has nothing to lint.
    }
  }
  return out.sort();
}

/** Resolves a relative or workspace specifier to a repo file, or undefined for packages. */
function resolveLocal(root: string, from: string, spec: string): string | undefined {
  if (spec.startsWith('.')) return resolve(dirname(from), spec);
  const ws = /^@metallb-ts\/(lib|operator|speaker|test)\/(.+)$/.exec(spec);
  if (ws === null) return undefined;
  const [, pkg, rest] = ws;
  return pkg === 'test' ? join(root, 'test', rest ?? '') : join(root, pkg ?? '', 'src', rest ?? '');
}

/** Strongly connected components of size > 1 (or self-loops): the import cycles. */
export function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const strong = (v: string): void => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) ?? 0, idx.get(w) ?? 0));
      }
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string | undefined;
      do {
        w = stack.pop();
        if (w === undefined) break;
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(comp.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!idx.has(v)) strong(v);
  return cycles;
}

/** Runs every check over the repo and returns the findings, one line each. */
export function lint(root: string): string[] {
  const findings: string[] = [];
  const graph = new Map<string, string[]>();
  for (const file of listSources(root)) {
    const rel = relative(root, file);
    const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const pure = isPure(rel);
    const edges: string[] = [];
    for (const ref of importsOf(sf)) {
      const at = `${rel}:${ref.line}:`;
      const target = resolveLocal(root, file, ref.specifier);
      const targetRel = target === undefined ? undefined : relative(root, target);
      if (targetRel === undefined) {
        const why = pure ? pureImportViolation(ref) : undefined;
        if (why !== undefined) findings.push(`${at} ${why}`);
        continue;
      }
      if (pure && !ref.typeOnly && !isPure(targetRel) && existsSync(target ?? '')) {
        findings.push(`${at} imports '${ref.specifier}' (${targetRel}, not pure code) at runtime in a pure folder (use 'import type' or move it)`);
      }
      if (isProduction(rel) && isTestCode(targetRel)) {
        findings.push(`${at} production code imports the test kit '${ref.specifier}'`);
      }
      const [from, to] = [rel.split('/')[0] ?? '', targetRel.split('/')[0] ?? ''];
      if (FORBIDDEN_PACKAGE_EDGES[from]?.includes(to) === true) {
        findings.push(`${at} ${from}/ may not import ${to}/ ('${ref.specifier}')`);
      }
      // Type-only edges cannot form a runtime cycle.
      if (!ref.typeOnly) edges.push(targetRel);
    }
    if (pure) for (const g of pureGlobalViolations(sf)) findings.push(`${rel}:${g.line}: ${g.why}`);
    graph.set(rel, edges);
  }
  for (const cycle of findCycles(graph)) findings.push(`import cycle: ${cycle.join(' -> ')}`);
  return findings;
}

if (import.meta.main) {
  const root = resolve(process.argv[2] ?? join(import.meta.dirname, '..'));
  const findings = lint(root);
  for (const f of findings) console.error(f);
  console.error(`[lint] ${findings.length} finding(s)`);
  process.exitCode = findings.length === 0 ? 0 : 1;
}
