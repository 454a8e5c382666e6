/**
 * Renders an {@link FrrView} into frr.conf text with the Handlebars templates of frr-templates/.
 * The templates arrive as text (the shell reads them), are compiled once in an isolated
 * Handlebars environment with `noEscape` and `strict`, and only iterate and print.
 */
import Handlebars from 'handlebars';
import type { FrrView } from './view-types.ts';

/** The template texts: the entry template and its partials by name. */
export interface FrrTemplateTexts {
  /** `frr.conf.hbs`. */
  readonly main: string;
  /** Partials by name (`router` for `router.hbs`). */
  readonly partials: Readonly<Record<string, string>>;
}

/** Renders a view; same view, same bytes. */
export type FrrRenderer = (view: FrrView) => string;

const OPTIONS = { noEscape: true, strict: true } as const;

/** Compiles the templates once and returns the renderer. */
export function createFrrRenderer(templates: FrrTemplateTexts): FrrRenderer {
  const hbs = Handlebars.create();
  for (const [name, text] of Object.entries(templates.partials)) hbs.registerPartial(name, hbs.compile(text, OPTIONS));
  const main = hbs.compile<FrrView>(templates.main, OPTIONS);
  return (view) => main(view);
}
