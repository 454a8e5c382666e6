/**
 * A value or a structured failure. Decision code returns these instead of throwing, so that
 * every expected failure is visible in the signature and handled by the caller.
 */
export type Result<T, E> = Ok<T> | Err<E>;

/** The success side of a {@link Result}. */
export interface Ok<T> {
  readonly ok: true;
  readonly value: T;
}

/** The failure side of a {@link Result}. */
export interface Err<E> {
  readonly ok: false;
  readonly error: E;
}

/** Wraps a value as a success. */
export function ok<T>(value: T): Ok<T> {
  return { ok: true, value };
}

/** Wraps an error as a failure. */
export function err<E>(error: E): Err<E> {
  return { ok: false, error };
}
