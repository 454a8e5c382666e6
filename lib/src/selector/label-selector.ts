/**
 * Kubernetes label selectors (`metav1.LabelSelector`): validation and compilation with the
 * semantics of `metav1.LabelSelectorAsSelector` (matchLabels are equality requirements,
 * matchExpressions support In, NotIn, Exists and DoesNotExist; an empty selector matches all).
 */
import { err, ok, type Result } from '../result.ts';

/** One `matchExpressions` entry, as it appears in a manifest. */
export interface LabelSelectorRequirementSpec {
  /** Label key the requirement applies to. */
  readonly key: string;
  /** `In`, `NotIn`, `Exists` or `DoesNotExist`. */
  readonly operator: string;
  /** Values for `In`/`NotIn`; must be empty for `Exists`/`DoesNotExist`. */
  readonly values?: readonly string[] | undefined;
}

/** A label selector, as it appears in a manifest. */
export interface LabelSelectorSpec {
  /** Exact key=value matches, ANDed. */
  readonly matchLabels?: Readonly<Record<string, string>> | undefined;
  /** Set-based requirements, ANDed with matchLabels. */
  readonly matchExpressions?: readonly LabelSelectorRequirementSpec[] | undefined;
}

/** A compiled selector. */
export interface CompiledSelector {
  /** True when the labels satisfy every requirement of the selector. */
  matches(labels: Readonly<Record<string, string>>): boolean;
  /** Canonical text as Kubernetes prints it (`a=b,c in (d,e),!f`); empty for match-all. */
  readonly text: string;
}

type Operator = 'Equals' | 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

interface Requirement {
  readonly key: string;
  readonly op: Operator;
  readonly values: readonly string[];
}

const NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Why `key` is not a valid qualified label key, or undefined when it is. */
export function labelKeyProblem(key: string): string | undefined {
  const parts = key.split('/');
  const name = parts.length === 2 ? (parts[1] ?? '') : key;
  const prefix = parts.length === 2 ? parts[0] : undefined;
  if (parts.length > 2) return `invalid label key "${key}": a qualified name must have at most one '/'`;
  if (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) {
    return `invalid label key "${key}": prefix part must be a lowercase RFC 1123 subdomain`;
  }
  if (name.length === 0 || name.length > 63) return `invalid label key "${key}": name part must be 1-63 characters`;
  if (!NAME.test(name)) {
    return `invalid label key "${key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`;
  }
  return undefined;
}

/** Why `value` is not a valid label value, or undefined when it is. */
export function labelValueProblem(value: string): string | undefined {
  if (value === '') return undefined;
  if (value.length > 63) return `invalid label value "${value}": must be no more than 63 characters`;
  if (!NAME.test(value)) {
    return `invalid label value "${value}": must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`;
  }
  return undefined;
}

const OPERATORS: Readonly<Record<string, Operator>> = {
  In: 'In', NotIn: 'NotIn', Exists: 'Exists', DoesNotExist: 'DoesNotExist',
};

/** Validates one matchExpressions entry into a requirement. */
function requirementOf(spec: LabelSelectorRequirementSpec): Result<Requirement, string> {
  const op = Object.hasOwn(OPERATORS, spec.operator) ? OPERATORS[spec.operator] : undefined;
  if (op === undefined) return err(`"${spec.operator}" is not a valid label selector operator`);
  const values = spec.values ?? [];
  if ((op === 'In' || op === 'NotIn') && values.length === 0) {
    return err(`for 'in', 'notin' operators, values set can't be empty`);
  }
  if ((op === 'Exists' || op === 'DoesNotExist') && values.length > 0) {
    return err('values set must be empty for exists and does not exist');
  }
  return checked({ key: spec.key, op, values: [...new Set(values)].sort() });
}

/** Checks the key and values of a requirement. */
function checked(req: Requirement): Result<Requirement, string> {
  const problem = labelKeyProblem(req.key) ?? req.values.map(labelValueProblem).find((p) => p !== undefined);
  return problem === undefined ? ok(req) : err(problem);
}

/** True when `labels` satisfies `req`. */
function satisfies(req: Requirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.hasOwn(labels, req.key);
  const value = has ? labels[req.key] : undefined;
  switch (req.op) {
    case 'Equals':
    case 'In':
      return value !== undefined && req.values.includes(value);
    case 'NotIn':
      return value === undefined || !req.values.includes(value);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
  }
}

/** Renders a requirement as Kubernetes' `labels.Requirement.String()` does. */
function textOf(req: Requirement): string {
  switch (req.op) {
    case 'Equals':
      return `${req.key}=${req.values[0] ?? ''}`;
    case 'In':
      return `${req.key} in (${req.values.join(',')})`;
    case 'NotIn':
      return `${req.key} notin (${req.values.join(',')})`;
    case 'Exists':
      return req.key;
    case 'DoesNotExist':
      return `!${req.key}`;
  }
}

/** Validates and compiles a selector; the error names the first invalid part. */
export function compileSelector(spec: LabelSelectorSpec): Result<CompiledSelector, string> {
  const reqs: Requirement[] = [];
  for (const [key, value] of Object.entries(spec.matchLabels ?? {})) {
    const r = checked({ key, op: 'Equals', values: [value] });
    if (!r.ok) return r;
    reqs.push(r.value);
  }
  for (const expr of spec.matchExpressions ?? []) {
    const r = requirementOf(expr);
    if (!r.ok) return r;
    reqs.push(r.value);
  }
  reqs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return ok({
    matches: (labels) => reqs.every((r) => satisfies(r, labels)),
    text: reqs.map(textOf).join(','),
  });
}

/** A selector that matches every label set. */
export const everything: CompiledSelector = { matches: () => true, text: '' };
