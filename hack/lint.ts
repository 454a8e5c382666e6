/**
 * Project lint: (1) decision code in the pure folders imports no I/O, (2) no import cycles.
 *
 * Pure folders hold config validation, allocation, rendering view models, codecs and state
 * machines (HOUSE-STYLE.md, "Pure core, effectful shell"). They may import types from the
 * Kubernetes client, but no runtime value of it, and nothing that touches the outside world.
 *
 * Usage: node hack/lint.ts [repo root]   — exits 1 and prints one line per finding.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/** Folders (relative to the repo root) whose files must stay free of I/O. */
export const PURE_FOLDERS: readonly string[] = [
  'lib/src/pure',
  'operator/src/config',
  'operator/src/allocator',
  'operator/src/frr',
  'speaker/src/codec',
  'speaker/src/membership',
];

/** Module specifiers a pure file may not import at all (prefix match on the bare name). */
const FORBIDDEN_MODULES: readonly string[] = [
  'node:fs', 'fs', 'node:net', 'net', 'node:dgram', 'dgram', 'node:child_process', 'child_process',
  'node:timers', 'timers', 'node:http', 'http', 'node:https', 'https', 'node:os', 'os',
  'node:process', 'process', 'execa', 'winston', 'prom-client',
];

/** Modules a pure file may import only with `import type`. */
const TYPE_ONLY_MODULES: readonly string[] = ['@kubernetes/client-node'];

const SOURCE_ROOTS = ['lib', 'operator', 'speaker', 'test', 'hack', 'bin'];

interface ImportRef {
  readonly specifier: string;
  readonly typeOnly: boolean;
  readonly line: number;
}

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

/** Extracts static imports, re-exports and dynamic `import('x')` calls of one file. */
function importsOf(file: string): ImportRef[] {
  const text = readFileSync(file, 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const refs: ImportRef[] = [];
  const lineOf = (n: ts.Node): number => sf.getLineAndCharacterOfPosition(n.getStart()).line + 1;
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const allTypeNamed =
        clause !== undefined && clause.name === undefined && clause.namedBindings !== undefined &&
        ts.isNamedImports(clause.namedBindings) && clause.namedBindings.elements.length > 0 &&
        clause.namedBindings.elements.every((e) => e.isTypeOnly);
      refs.push({
        specifier: node.moduleSpecifier.text,
        typeOnly: clause?.isTypeOnly === true || allTypeNamed,
        line: lineOf(node),
      });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      refs.push({ specifier: node.moduleSpecifier.text, typeOnly: node.isTypeOnly, line: lineOf(node) });
    } else if (
      ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] !== undefined && ts.isStringLiteral(node.arguments[0])
    ) {
      refs.push({ specifier: node.arguments[0].text, typeOnly: false, line: lineOf(node) });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return refs;
}

const matches = (spec: string, mod: string): boolean => spec === mod || spec.startsWith(`${mod}/`);

/** Reasons a pure file's import breaks the pure-core rule; empty when it is allowed. */
export function pureImportViolation(ref: ImportRef): string | undefined {
  if (FORBIDDEN_MODULES.some((m) => matches(ref.specifier, m))) {
    return `imports '${ref.specifier}' (I/O or a shell library) in a pure folder`;
  }
  if (!ref.typeOnly && TYPE_ONLY_MODULES.some((m) => matches(ref.specifier, m))) {
    return `imports runtime values of '${ref.specifier}' in a pure folder (use 'import type')`;
  }
  return undefined;
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

/** Runs both checks over the repo and returns the findings, one line each. */
export function lint(root: string): string[] {
  const findings: string[] = [];
  const graph = new Map<string, string[]>();
  for (const file of listSources(root)) {
    const rel = relative(root, file);
    const pure = PURE_FOLDERS.some((f) => rel.startsWith(`${f}/`)) && !rel.endsWith('.test.ts');
    const edges: string[] = [];
    for (const ref of importsOf(file)) {
      if (pure) {
        const why = pureImportViolation(ref);
        if (why !== undefined) findings.push(`${rel}:${ref.line}: ${why}`);
      }
      const target = resolveLocal(root, file, ref.specifier);
      // Type-only edges cannot form a runtime cycle.
      if (target !== undefined && !ref.typeOnly) edges.push(relative(root, target));
    }
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
