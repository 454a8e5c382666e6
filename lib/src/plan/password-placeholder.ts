/**
 * The one syntax of a password placeholder in a rendered frr.conf: `@@password:<key>@@`, where
 * `<key>` is a key of the node's password Secret. The operator writes placeholders (never the
 * password), the speaker finds and fills them; both import this module. Pure.
 */

/**
 * TCP MD5 passwords that may be written into frr.conf: 1–80 characters and at most 80 UTF-8 bytes
 * (the kernel's TCP_MD5SIG_MAXKEYLEN), no whitespace or control character, not starting with a
 * comment character. FRR reads the word verbatim (checked against a real FRR in the golden
 * tests). The operator validates BGPPeer passwords with it; the speaker checks again before
 * filling a placeholder, so both sides agree on one rule.
 */
export const PASSWORD_PATTERN = /^[^\s\p{Cc}!#][^\s\p{Cc}]{0,79}$/u;

/** Longest password in UTF-8 bytes. */
export const MAX_PASSWORD_BYTES = 80;

/** Whether `value` is a password frr.conf can carry as one word (see {@link PASSWORD_PATTERN}). */
export function isSafePassword(value: string): boolean {
  return PASSWORD_PATTERN.test(value) && new TextEncoder().encode(value).length <= MAX_PASSWORD_BYTES;
}

/** Characters a Secret key may use (Kubernetes' ConfigMap/Secret key rule). */
const KEY = '[-._a-zA-Z0-9]{1,253}';

/** Matches every placeholder; group 1 is the key. Global: use with matchAll/replace. */
export const PASSWORD_PLACEHOLDER = new RegExp(`@@password:(${KEY})@@`, 'g');

/** The placeholder that stands for Secret key `key`. */
export function passwordPlaceholder(key: string): string {
  return `@@password:${key}@@`;
}

/** The distinct keys of the placeholders in `text`, sorted. */
export function placeholderKeysOf(text: string): string[] {
  return [...new Set([...text.matchAll(PASSWORD_PLACEHOLDER)].map((m) => m[1] as string))].sort();
}
