/**
 * What hack/lint.ts enforces, declared in one place. A new pure folder joins {@link PURE} here;
 * a folder listed before it exists is fine (it simply has no files yet).
 */

/**
 * Pure code (HOUSE-STYLE.md, "Pure core, effectful shell"): decision code that does no I/O and
 * reads no ambient time, randomness or process state. An entry is a folder (every .ts below it)
 * or one file. Tests (`*.test.ts`) and `testing/` folders inside are not pure code.
 */
export const PURE: readonly string[] = [
  'lib/src/result.ts',
  'lib/src/ip',
  'lib/src/selector',
  'lib/src/ids',
  'lib/src/time',
  'lib/src/random',
  'operator/src/config',
  'operator/src/allocator',
  'operator/src/service',
  'operator/src/frr',
  'operator/src/layer2',
  'operator/src/conditions',
  'operator/src/explain',
  'operator/src/plan/plan-inputs.ts',
  'speaker/src/frr/core',
  'speaker/src/plan/core',
  'lib/src/plan/password-placeholder.ts',
  'lib/src/plan/l2-conflict-text.ts',
  'speaker/src/membership',
  'speaker/src/layer2/codec',
  'speaker/src/layer2/core',
  'speaker/src/codec',
];

/**
 * Shell files inside pure folders: the real implementations of the time and randomness ports.
 * Pure code may import their types (`import type`), not their values.
 */
export const SHELL_FILES: readonly string[] = [
  'lib/src/time/clock.ts', // systemClock, sleep
  'lib/src/time/poll.ts', // pollUntil defaults to systemClock
  'lib/src/random/rng.ts', // systemRng
];

/** Node built-ins a pure file may not import (as `node:x` or `x`): I/O, timers, process, test runner. */
const NODE_IO: readonly string[] = [
  'fs', 'net', 'dgram', 'child_process', 'timers', 'http', 'https', 'http2', 'os', 'process', 'tls', 'dns',
  'test', 'assert', 'worker_threads', 'cluster', 'readline', 'vm', 'perf_hooks', 'inspector', 'async_hooks',
];

/** Modules (prefix match on `/`) a pure file may not import at all. */
export const PURE_FORBIDDEN_MODULES: readonly string[] = [
  ...NODE_IO.flatMap((m) => [`node:${m}`, m]),
  'execa', 'winston', 'prom-client',
];

/** Packages a pure file may import only with `import type`. */
export const PURE_TYPE_ONLY_MODULES: readonly string[] = ['@kubernetes/client-node'];

/** `node:crypto` in pure code: named imports only, and none of these (randomness is injected). */
export const CRYPTO_MODULES: readonly string[] = ['node:crypto', 'crypto'];
export const CRYPTO_RANDOM_NAMES: ReadonlySet<string> = new Set([
  'randomBytes', 'randomUUID', 'randomInt', 'randomFill', 'randomFillSync', 'getRandomValues', 'webcrypto',
  'generateKey', 'generateKeySync', 'generateKeyPair', 'generateKeyPairSync', 'generatePrime', 'generatePrimeSync',
]);

/** Package roots that may not import each other (source root → roots it must not import). */
export const FORBIDDEN_PACKAGE_EDGES: Readonly<Record<string, readonly string[]>> = {
  lib: ['operator', 'speaker', 'test'],
  operator: ['speaker', 'test'],
  speaker: ['operator', 'test'],
};
