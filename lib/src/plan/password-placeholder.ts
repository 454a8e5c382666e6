/**
 * The one syntax of a password placeholder in a rendered frr.conf: `@@password:<key>@@`, where
 * `<key>` is a key of the node's password Secret. The operator writes placeholders (never the
 * password), the speaker finds and fills them; both import this module. Pure.
 */

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
