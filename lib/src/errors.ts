/**
 * Shell errors with stable codes. Each module declares its codes once, as an `as const` list,
 * and throws a {@link CodedError} subclass typed by that list, chaining the underlying failure
 * as `cause`. Callers and tests branch on `code`, never on message text.
 */

/** An error with a stable `code` (one of its module's list) and an optional chained `cause`. */
export class CodedError<C extends string> extends Error {
  /** Stable, machine-readable reason. */
  readonly code: C;

  /** `options.cause` chains the failure this one wraps. */
  constructor(code: C, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The `code` of an error that has a string one (ours, or Node's `ENOENT`-style), else undefined. */
export function errorCodeOf(e: unknown): string | undefined {
  if (typeof e !== 'object' || e === null || !('code' in e)) return undefined;
  const code = (e as { code: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}
