/**
 * What L2 and BGP advertisements share: the pools they apply to and their node and service
 * selectors, with MetalLB's duplicate and selector checks (A1 / L1).
 */
import type { LabelSelectorCr } from './cr-types.ts';
import type { ErrorSink } from './errors.ts';
import type { RuleId } from './rules.ts';
import { anySelects, checkDuplicates, selectorList } from './selectors.ts';
import type { LabelSelector, Pool } from './types.ts';

/** The spec fields both advertisement kinds have. */
export interface TargetSpec {
  readonly ipAddressPools?: readonly string[] | undefined;
  readonly ipAddressPoolSelectors?: readonly LabelSelectorCr[] | undefined;
  readonly nodeSelectors?: readonly LabelSelectorCr[] | undefined;
  readonly serviceSelectors?: readonly LabelSelectorCr[] | undefined;
}

/** Parsed targets of an advertisement. */
export interface Targets {
  /** Existing pools selected by name or label (both fields empty = all pools), sorted. */
  readonly pools: readonly string[];
  /** Node selectors (empty = all nodes). */
  readonly nodeSelectors: readonly LabelSelector[];
  /** Service selectors, sorted by text (empty = all services). */
  readonly serviceSelectors: readonly LabelSelector[];
}

const byText = (a: LabelSelector, b: LabelSelector): number => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0);

/** Parses the shared fields, reporting duplicates and invalid selectors under `rule`. */
export function targetsFor(spec: TargetSpec, name: string, pools: readonly Pool[], rule: RuleId, sink: ErrorSink): Targets {
  const names = spec.ipAddressPools ?? [];
  checkDuplicates(names, { field: 'spec.ipAddressPools', label: 'ipAddressPools', rule }, sink);
  const list = (key: 'ipAddressPoolSelectors' | 'nodeSelectors' | 'serviceSelectors', what: string) =>
    selectorList(spec[key], { field: `spec.${key}`, label: key, rule }, sink, (p) => `failed to parse ${what} selector for ${name}: ${p}`);
  const poolSel = list('ipAddressPoolSelectors', 'ip address pool');
  const nodeSel = list('nodeSelectors', 'node');
  const svcSel = list('serviceSelectors', 'service');
  const all = names.length === 0 && (spec.ipAddressPoolSelectors ?? []).length === 0;
  const chosen = pools.filter((p) => all || names.includes(p.name) ||
    (poolSel.selectors.length > 0 && anySelects(poolSel.selectors, p.labels)));
  return {
    pools: [...new Set(chosen.map((p) => p.name))].sort(),
    nodeSelectors: nodeSel.selectors,
    serviceSelectors: [...svcSel.selectors].sort(byText),
  };
}
