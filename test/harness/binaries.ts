/**
 * Where the harness finds its pinned binaries. hack/env.sh exports one variable per tool; a
 * missing or non-executable binary is a test failure that says how to build it, never a skip.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { CodedError } from '@metallb-ts/lib/errors.ts';

/** What a test should run to get the binaries. */
export const SETUP_HINT = 'run: sudo hack/setup.sh (builds kube-apiserver, etcd, helm from Go modules)';

/** The tools the harness runs, keyed by name. */
export interface Binaries {
  /** kube-apiserver v1.36.3. */
  readonly kubeApiserver: string;
  /** etcd 3.5.35. */
  readonly etcd: string;
  /** kubectl matching the apiserver. */
  readonly kubectl: string;
  /** helm 3. */
  readonly helm: string;
}

/** An environment-like lookup, so tests can pass a plain object instead of process.env. */
export type EnvLike = Readonly<Record<string, string | undefined>>;

/** Which environment variable (set by hack/env.sh) names each binary. */
export const BINARY_ENV: Readonly<Record<keyof Binaries, string>> = {
  kubeApiserver: 'METALLB_TS_KUBE_APISERVER',
  etcd: 'METALLB_TS_ETCD',
  kubectl: 'METALLB_TS_KUBECTL',
  helm: 'METALLB_TS_HELM',
};

/** Why a binary cannot be used. */
export const BINARY_ERROR_CODES = ['variable-unset', 'not-executable'] as const;

/** A required binary is not usable; `code` is one of {@link BINARY_ERROR_CODES}. */
export class BinaryError extends CodedError<(typeof BINARY_ERROR_CODES)[number]> {}

/**
 * Returns the path of one binary from `env`, checking that it exists and is executable.
 * Throws a {@link BinaryError} naming the variable, the path and {@link SETUP_HINT} otherwise.
 */
export function resolveBinary(env: EnvLike, name: keyof Binaries): string {
  const variable = BINARY_ENV[name];
  const path = env[variable];
  if (path === undefined || path === '') {
    throw new BinaryError('variable-unset', `${variable} is not set (source hack/env.sh first); ${SETUP_HINT}`);
  }
  try {
    accessSync(path, constants.X_OK);
    if (!statSync(path).isFile()) throw new Error(`${path} is not a regular file`);
  } catch (cause) {
    throw new BinaryError('not-executable', `${name} binary not found or not executable at ${path} (${variable}); ${SETUP_HINT}`, { cause });
  }
  return path;
}
