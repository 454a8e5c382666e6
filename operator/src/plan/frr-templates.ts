/**
 * Reads frr-templates/*.hbs (the shell side of rendering): `frr.conf.hbs` is the entry template,
 * every other `*.hbs` a partial named after its file.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FrrTemplateTexts } from '../frr/render.ts';

/** The repository's frr-templates/ folder. */
export const FRR_TEMPLATES_DIR = join(import.meta.dirname, '..', '..', '..', 'frr-templates');

/** Loads the entry template and its partials from `dir`. */
export function loadFrrTemplates(dir: string = FRR_TEMPLATES_DIR): FrrTemplateTexts {
  const files = readdirSync(dir).filter((f) => f.endsWith('.hbs')).sort();
  const read = (f: string): string => readFileSync(join(dir, f), 'utf8');
  const partials = Object.fromEntries(files.filter((f) => f !== 'frr.conf.hbs').map((f) => [f.slice(0, -'.hbs'.length), read(f)]));
  return { main: read('frr.conf.hbs'), partials };
}
