/**
 * Reading the CLI's inputs: files and directories (recursing for *.yaml / *.yml) holding
 * multi-document YAML.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { err, ok, type Result } from '@metallb-ts/lib/result.ts';
import { servedCrdsOf, type ServedCrds } from './served-schema.ts';

const YAML_FILE = /\.ya?ml$/;

/** Expands paths into YAML files: files as given, directories recursively (sorted). */
export function collectFiles(paths: readonly string[]): Result<string[], string> {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (YAML_FILE.test(entry.name)) out.push(p);
    }
  };
  for (const p of paths) {
    try {
      if (statSync(p).isDirectory()) walk(p);
      else out.push(p);
    } catch (e) {
      return err(`cannot read ${p}: ${(e as Error).message}`);
    }
  }
  return ok(out);
}

/** Parses every YAML document of a file into plain values. */
export function readDocuments(file: string): Result<unknown[], string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return err(`cannot read ${file}: ${(e as Error).message}`);
  }
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs)) return ok([]);
  const bad = docs.flatMap((d) => d.errors).at(0);
  if (bad !== undefined) return err(`${file}: invalid YAML: ${bad.message}`);
  return ok(docs.map((d) => d.toJS() as unknown));
}

/** The repository's CRDs (crds/*.yaml): the schemas the apiserver prunes and defaults with. */
export const CRDS_DIR = join(import.meta.dirname, '..', '..', '..', 'crds');

/** Reads the served versions of every CRD in `dir`. */
export function readCrds(dir: string = CRDS_DIR): Result<ServedCrds, string> {
  const files = collectFiles([dir]);
  if (!files.ok) return files;
  const docs: unknown[] = [];
  for (const f of files.value) {
    const d = readDocuments(f);
    if (!d.ok) return d;
    docs.push(...d.value);
  }
  return ok(servedCrdsOf(docs));
}
