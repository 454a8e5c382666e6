/**
 * Randomness as an injected port (jitter, tie breaks), like the clock. Shell file because of
 * `systemRng`; pure code imports only the {@link Rng} type (hack/lint-config.ts).
 */

/** Source of randomness in [0, 1). */
export type Rng = () => number;

/** `Math.random` as an {@link Rng}; composition roots pass it in. */
export const systemRng: Rng = () => Math.random();
