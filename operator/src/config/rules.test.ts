/**
 * The rule ids of rules.ts, docs/validation.md and every citation in the code agree: a test
 * fails when the document lacks an id the code has, lists one the code no longer has, or when a
 * comment, error or test cites an id that is not defined.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { RULES } from './rules.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const DEFINED = new Set(Object.keys(RULES));

/** Ids in the first column of the "## Rules" table of docs/validation.md. */
function documentedIds(): string[] {
  const text = readFileSync(join(ROOT, 'docs', 'validation.md'), 'utf8');
  const section = text.split(/^## /m).find((s) => s.startsWith('Rules')) ?? '';
  return [...section.matchAll(/^\| ([A-Z]+\d+) \|/gm)].map((m) => m[1] ?? '');
}

/** Every .ts file of the packages and tests (generated API types excluded). */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name.startsWith('.') ? [] : sourceFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.generated.ts') ? [p] : [];
  });
}

/** A rule id as code cites it: letter(s) of a rule family and a number. L2, V4, V6 are words here (layer 2, IP families). */
const ID = /\b(?:[PBRFCANWX]\d{1,2}|L1|V1)\b/g;

/** Rule ids cited by `file`: the rule argument of an error, and ids in comments or test titles. */
function citedIn(text: string): string[] {
  const out = [...text.matchAll(/(?:invalid|transient)\(\s*'([A-Z]+\d+)'|rule: '([A-Z]+\d+)'/g)].map((m) => m[1] ?? m[2] ?? '');
  for (const line of text.split('\n')) {
    const comment = /^\s*(?:\/\/|\/?\*)/.test(line) ? line : (line.match(/\/\/.*$/)?.[0] ?? '');
    const titles = [...line.matchAll(/desc: '([^']*)'/g)].map((m) => m[1] ?? '').join(' ');
    out.push(...[...`${comment} ${titles}`.matchAll(ID)].map((m) => m[0]));
  }
  return out;
}

describe('rule ids', () => {
  it('docs/validation.md lists exactly the ids of rules.ts', () => {
    assert.deepEqual([...documentedIds()].sort(), [...DEFINED].sort());
  });
  it('every id cited in code, errors and test titles is defined', () => {
    const undefinedIds: string[] = [];
    for (const dir of ['operator', 'speaker', 'lib', 'test', 'hack', 'bin']) {
      for (const f of sourceFiles(join(ROOT, dir))) {
        for (const id of citedIn(readFileSync(f, 'utf8'))) if (!DEFINED.has(id)) undefinedIds.push(`${f.slice(ROOT.length + 1)}: ${id}`);
      }
    }
    assert.deepEqual(undefinedIds, []);
  });
  it('the citation scan finds the ids this project uses (it is not blind)', () => {
    assert.deepEqual(citedIn(`sink.invalid('P3', 'x', 'y'); // see A7\n  { desc: 'R9: x' }`).sort(), ['A7', 'P3', 'R9']);
  });
});
