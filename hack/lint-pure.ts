/**
 * The per-file checks of pure code: which modules it imports, and which ambient globals it
 * reaches for (time, randomness, timers, process, network, console). Syntax-based on the
 * TypeScript AST, so comments and strings never count.
 */
import ts from 'typescript';
import {
  CRYPTO_MODULES, CRYPTO_RANDOM_NAMES, PURE_FORBIDDEN_MODULES, PURE_TYPE_ONLY_MODULES,
} from './lint-config.ts';

/** One import, re-export or dynamic import of a file. */
export interface ImportRef {
  readonly specifier: string;
  /** No runtime value crosses this edge. */
  readonly typeOnly: boolean;
  /** Names bound by a named import (empty for default/namespace imports and re-exports). */
  readonly names: readonly string[];
  /** A default or namespace import (`import x from`, `import * as x from`). */
  readonly wholeModule: boolean;
  readonly line: number;
}

const lineOf = (sf: ts.SourceFile, n: ts.Node): number => sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;

/** Extracts static imports, re-exports and dynamic `import('x')` calls of a parsed file. */
export function importsOf(sf: ts.SourceFile): ImportRef[] {
  const refs: ImportRef[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const named = clause?.namedBindings !== undefined && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : undefined;
      const allTypeNamed = clause !== undefined && clause.name === undefined && named !== undefined && named.length > 0 && named.every((e) => e.isTypeOnly);
      refs.push({
        specifier: node.moduleSpecifier.text,
        typeOnly: clause?.isTypeOnly === true || allTypeNamed,
        names: (named ?? []).filter((e) => !e.isTypeOnly).map((e) => (e.propertyName ?? e.name).text),
        wholeModule: clause?.name !== undefined || (clause?.namedBindings !== undefined && ts.isNamespaceImport(clause.namedBindings)),
        line: lineOf(sf, node),
      });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      refs.push({ specifier: node.moduleSpecifier.text, typeOnly: node.isTypeOnly, names: [], wholeModule: false, line: lineOf(sf, node) });
    } else if (
      ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] !== undefined && ts.isStringLiteral(node.arguments[0])
    ) {
      refs.push({ specifier: node.arguments[0].text, typeOnly: false, names: [], wholeModule: true, line: lineOf(sf, node) });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return refs;
}

const matches = (spec: string, mod: string): boolean => spec === mod || spec.startsWith(`${mod}/`);

/** Why a pure file's package import breaks the pure-core rule; undefined when it is allowed. */
export function pureImportViolation(ref: ImportRef): string | undefined {
  if (PURE_FORBIDDEN_MODULES.some((m) => matches(ref.specifier, m))) {
    return `imports '${ref.specifier}' (I/O or a shell library) in a pure folder`;
  }
  if (!ref.typeOnly && PURE_TYPE_ONLY_MODULES.some((m) => matches(ref.specifier, m))) {
    return `imports runtime values of '${ref.specifier}' in a pure folder (use 'import type')`;
  }
  if (!ref.typeOnly && CRYPTO_MODULES.includes(ref.specifier)) {
    if (ref.wholeModule) return `imports all of '${ref.specifier}' in a pure folder (import hashing functions by name)`;
    const random = ref.names.filter((n) => CRYPTO_RANDOM_NAMES.has(n));
    if (random.length > 0) return `imports randomness (${random.join(', ')}) from '${ref.specifier}' in a pure folder (inject an Rng)`;
  }
  return undefined;
}

/** Globals whose mere reference is ambient state in pure code. */
const GLOBAL_OBJECTS: ReadonlyMap<string, string> = new Map([
  ['process', 'process state'],
  ['console', 'console output (return values; the shell logs)'],
  ['globalThis', 'ambient globals'],
]);

/** Global functions pure code may not call or pass around. */
const GLOBAL_FUNCTIONS: ReadonlyMap<string, string> = new Map([
  ['setTimeout', 'timers (take a Clock)'],
  ['setInterval', 'timers (take a Clock)'],
  ['setImmediate', 'timers (take a Clock)'],
  ['clearTimeout', 'timers (take a Clock)'],
  ['clearInterval', 'timers (take a Clock)'],
  ['fetch', 'network I/O'],
]);

/** Whether `id` is a reference to a free name rather than a property name or a declaration. */
function isReference(id: ts.Identifier): boolean {
  const p = id.parent;
  if (ts.isPropertyAccessExpression(p) && p.name === id) return false;
  if (ts.isQualifiedName(p) && p.right === id) return false;
  if ((ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p) || ts.isPropertySignature(p) || ts.isMethodDeclaration(p) ||
    ts.isMethodSignature(p) || ts.isGetAccessor(p) || ts.isSetAccessor(p) || ts.isEnumMember(p)) && p.name === id) return false;
  if ((ts.isVariableDeclaration(p) || ts.isParameter(p) || ts.isFunctionDeclaration(p) || ts.isClassDeclaration(p) ||
    ts.isInterfaceDeclaration(p) || ts.isTypeAliasDeclaration(p) || ts.isBindingElement(p)) && p.name === id) return false;
  if (ts.isImportSpecifier(p) || ts.isExportSpecifier(p) || ts.isImportClause(p) || ts.isNamespaceImport(p)) return false;
  if (ts.isTypeReferenceNode(p) || ts.isLabeledStatement(p)) return false;
  return true;
}

/** Uses of ambient time, randomness, timers, process, network or console in pure code. */
export function pureGlobalViolations(sf: ts.SourceFile): { line: number; why: string }[] {
  const out: { line: number; why: string }[] = [];
  const add = (n: ts.Node, why: string): void => {
    out.push({ line: lineOf(sf, n), why });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression)) {
      const what = `${node.expression.text}.${node.name.text}`;
      if (what === 'Date.now') add(node, "uses 'Date.now' in a pure folder (take a Clock)");
      if (what === 'Math.random') add(node, "uses 'Math.random' in a pure folder (take an Rng)");
    }
    if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'Date' && (node.arguments?.length ?? 0) === 0) {
      add(node, "uses 'new Date()' (the current time) in a pure folder (take a Clock)");
    }
    if (ts.isIdentifier(node) && isReference(node)) {
      const obj = GLOBAL_OBJECTS.get(node.text);
      const fn = GLOBAL_FUNCTIONS.get(node.text);
      if (obj !== undefined) add(node, `uses '${node.text}' (${obj}) in a pure folder`);
      if (fn !== undefined) add(node, `uses '${node.text}' (${fn}) in a pure folder`);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}
