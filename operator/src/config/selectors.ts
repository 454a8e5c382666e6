/**
 * Shared list checks: duplicate entries and label-selector lists (MetalLB's
 * validateDuplicate / validateLabelSelectorDuplicate, then LabelSelectorAsSelector).
 */
import { compileSelector } from '@metallb-ts/lib/selector/label-selector.ts';
import type { LabelSelectorCr } from './cr-types.ts';
import type { ErrorSink } from './errors.ts';
import type { RuleId } from './rules.ts';
import type { LabelSelector } from './types.ts';

/** Where a list lives and how errors about it are labelled. */
export interface ListSite {
  /** Field path of the list, e.g. `spec.nodeSelectors`. */
  readonly field: string;
  /** Name used in the duplicate message, e.g. `nodeSelectors`. */
  readonly label: string;
  /** Rule id to report under. */
  readonly rule: RuleId;
}

/** Reports every entry equal to an earlier one: "duplicate definition of <label> "<x>"". */
export function checkDuplicates(values: readonly string[], site: ListSite, sink: ErrorSink): void {
  const seen = new Set<string>();
  values.forEach((v, i) => {
    if (seen.has(v)) sink.invalid(site.rule, `${site.field}[${i}]`, `duplicate definition of ${site.label} "${v}"`);
    seen.add(v);
  });
}

/** Canonical identity of a selector as written (values sorted, expression order kept), as MetalLB compares them. */
function specKey(s: LabelSelectorCr): string {
  const labels = Object.entries(s.matchLabels ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const exprs = (s.matchExpressions ?? []).map((e) => [e.key, e.operator, [...(e.values ?? [])].sort()]);
  return JSON.stringify([labels, exprs]);
}

/** Reports duplicate values inside an expression and duplicate expressions inside a selector. */
function checkExpressions(s: LabelSelectorCr, field: string, rule: RuleId, sink: ErrorSink): void {
  const exprs = s.matchExpressions ?? [];
  exprs.forEach((e, j) => {
    const site = { field: `${field}.matchExpressions[${j}].values`, label: 'match expression value in label selector', rule };
    checkDuplicates(e.values ?? [], site, sink);
  });
  const keys = exprs.map((e) => JSON.stringify([e.key, e.operator, [...(e.values ?? [])].sort()]));
  checkDuplicates(keys, { field: `${field}.matchExpressions`, label: 'match expressions', rule }, sink);
}

/** A compiled selector list plus whether every entry compiled. */
export interface SelectorList {
  /** The selectors that compiled, in spec order. */
  readonly selectors: readonly LabelSelector[];
  /** False when at least one entry was invalid (the list then selects less than intended). */
  readonly valid: boolean;
}

/**
 * Checks a selector list for duplicates (at the selector and expression level) and compiles
 * every entry; `invalidMessage` wraps the Kubernetes error of an invalid selector.
 */
export function selectorList(
  specs: readonly LabelSelectorCr[] | undefined,
  site: ListSite,
  sink: ErrorSink,
  invalidMessage: (problem: string) => string,
): SelectorList {
  const list = specs ?? [];
  list.forEach((s, i) => checkExpressions(s, `${site.field}[${i}]`, site.rule, sink));
  const compiled = list.map((s) => compileSelector(s));
  const shown = list.map((s, i) => {
    const c = compiled[i];
    return c?.ok === true ? c.value.text : specKey(s);
  });
  const keys = list.map(specKey);
  keys.forEach((k, i) => {
    if (keys.indexOf(k) < i) sink.invalid(site.rule, `${site.field}[${i}]`, `duplicate definition of ${site.label} "${shown[i] ?? ''}"`);
  });
  const selectors: LabelSelector[] = [];
  compiled.forEach((c, i) => {
    if (c.ok) selectors.push(c.value);
    else sink.invalid(site.rule, `${site.field}[${i}]`, invalidMessage(c.error));
  });
  return { selectors, valid: selectors.length === list.length };
}

/** True when `labels` match any selector; an empty list matches everything (MetalLB's default). */
export function anySelects(selectors: readonly LabelSelector[], labels: Readonly<Record<string, string>>): boolean {
  return selectors.length === 0 || selectors.some((s) => s.matches(labels));
}

/** Whether two node-selector lists can select a common node. */
export type NodeOverlap = (a: readonly LabelSelector[], b: readonly LabelSelector[]) => boolean;

/**
 * Two selector lists overlap when some Node matches both. Without known Nodes (offline
 * validation) every pair is treated as overlapping, as MetalLB does for peers with no Nodes.
 */
export function nodeOverlapFor(nodes: readonly { metadata?: { labels?: Record<string, string> } | undefined }[], nodesKnown: boolean): NodeOverlap {
  if (!nodesKnown) return () => true;
  return (a, b) => nodes.some((n) => {
    const labels = n.metadata?.labels ?? {};
    return anySelects(a, labels) && anySelects(b, labels);
  });
}
