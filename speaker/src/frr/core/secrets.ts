/**
 * Secrets in a rendered config: the operator writes placeholders (`@@password:<key>@@`, syntax in
 * lib/plan/password-placeholder.ts), never
 * the password; the speaker fills them at apply time. Anything that logs or reports config text
 * or FRR output first passes it through {@link redactConfig}.
 */
import { isSafePassword, PASSWORD_PLACEHOLDER, placeholderKeysOf } from '@metallb-ts/lib/plan/password-placeholder.ts';
import { err, ok, type Result } from '@metallb-ts/lib/result.ts';


/** Why secrets could not be filled in. */
export type FillError =
  | { readonly kind: 'missing-secret'; readonly keys: readonly string[] }
  | { readonly kind: 'unsafe-secret'; readonly keys: readonly string[] };

/** The distinct placeholder keys of a config, sorted. */
export function secretKeysOf(text: string): string[] {
  return placeholderKeysOf(text);
}

/** Replaces every placeholder with its value; fails naming (never showing) bad or missing keys. */
export function fillSecrets(text: string, values: ReadonlyMap<string, string>): Result<string, FillError> {
  const keys = secretKeysOf(text);
  const missing = keys.filter((k) => !values.has(k));
  if (missing.length > 0) return err({ kind: 'missing-secret', keys: missing });
  // The operator's rule again (lib/plan/password-placeholder.ts): a value that reached the Secret
  // some other way still never becomes FRR syntax.
  const unsafe = keys.filter((k) => !isSafePassword(values.get(k) ?? ''));
  if (unsafe.length > 0) return err({ kind: 'unsafe-secret', keys: unsafe });
  return ok(text.replace(PASSWORD_PLACEHOLDER, (_, k: string) => values.get(k) ?? ''));
}

/** Hides the value of every `password` statement (and any leftover placeholder value). */
export function redactConfig(text: string): string {
  return text.replace(/\bpassword(\s+)\S+/g, 'password$1<redacted>');
}
