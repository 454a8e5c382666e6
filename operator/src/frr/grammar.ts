/**
 * The strict grammar every CR-supplied string must match before it can reach frr.conf. The same
 * patterns are in the CRDs (crds/*.yaml); this is the second line, so that a string that slipped
 * past the apiserver (an older CRD, a direct etcd write, a Secret) still never becomes FRR syntax.
 *
 * FRR reads one command per line and splits words on whitespace; `!` and `#` start comments.
 * So a name may hold no whitespace, no line break, no `!`/`#`, no quote, and must be short.
 */
import { isSafePassword, PASSWORD_PATTERN } from '@metallb-ts/lib/plan/password-placeholder.ts';
import { err, ok, type Result } from '@metallb-ts/lib/result.ts';

/** A string kind that reaches frr.conf, with its grammar. */
export type FrrStringKind = 'interface' | 'vrf' | 'bfdProfile' | 'password' | 'nodeName';

/** Linux interface and VRF device names: at most 15 characters (IFNAMSIZ - 1). */
export const INTERFACE_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,14}$/;

/** BFD profile names: Kubernetes object names, at most 63 characters (FRR's YANG limit is 64). */
export const BFD_PROFILE_PATTERN = /^(?=.{1,63}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** TCP MD5 passwords: one rule shared with the speaker (lib/plan/password-placeholder.ts). */
export { PASSWORD_PATTERN };

/** Node names (FRR `hostname`): Kubernetes DNS subdomain names. */
export const NODE_NAME_PATTERN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const PATTERNS: Readonly<Record<FrrStringKind, RegExp>> = {
  nodeName: NODE_NAME_PATTERN,
  interface: INTERFACE_PATTERN,
  vrf: INTERFACE_PATTERN,
  bfdProfile: BFD_PROFILE_PATTERN,
  password: PASSWORD_PATTERN,
};

/** What each grammar allows, in words (for error messages). */
export const FRR_STRING_RULES: Readonly<Record<FrrStringKind, string>> = {
  nodeName: 'a DNS subdomain name',
  interface: 'an interface name: 1-15 of [A-Za-z0-9_.-], not starting with . or -',
  vrf: 'a VRF name: 1-15 of [A-Za-z0-9_.-], not starting with . or -',
  bfdProfile: 'a lowercase DNS name of at most 63 characters',
  password: '1-80 characters (80 bytes) without spaces or control characters, not starting with ! or #',
};

/** Why a string was refused; never carries a password's value. */
export interface FrrStringProblem {
  /** Which kind of string. */
  readonly kind: FrrStringKind;
  /** Where it came from, e.g. `BGPPeer peer-a spec.interface`. */
  readonly where: string;
  /** What the grammar is. */
  readonly rule: string;
  /** The refused value, quoted as JSON (absent for passwords). */
  readonly value?: string;
}

/** Checks one string against its grammar. */
export function checkFrrString(kind: FrrStringKind, value: string, where: string): Result<string, FrrStringProblem> {
  if (kind === 'password' ? isSafePassword(value) : PATTERNS[kind].test(value)) return ok(value);
  const shown = kind === 'password' ? {} : { value: JSON.stringify(value.length > 64 ? `${value.slice(0, 64)}…` : value) };
  return err({ kind, where, rule: FRR_STRING_RULES[kind], ...shown });
}

/** One line describing a problem, for logs and ConfigurationState. */
export function describeFrrStringProblem(p: FrrStringProblem): string {
  return `${p.where}: ${p.value ?? '(hidden)'} is not ${p.rule}`;
}
