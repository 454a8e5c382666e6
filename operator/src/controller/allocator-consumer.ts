/**
 * The allocator as a consumer of the validated configuration: its part is the pools. New pools
 * go to the allocator; then every Service is reprocessed and pool status rewritten.
 */
import type { Logger } from '@metallb-ts/lib/log.ts';
import type { ServiceKey } from '@metallb-ts/lib/ids/ids.ts';
import type { Pool } from '../config/types.ts';
import type { ConfigConsumer } from './config-reconciler.ts';

/** What this consumer needs of the allocator. */
export interface PoolTarget {
  /** Replaces the pools; `released` = Services whose addresses left every pool. */
  setPools(pools: readonly Pool[]): { readonly released: readonly ServiceKey[] };
}

/** Options of {@link allocatorConsumer}. */
export interface AllocatorConsumerOptions {
  readonly allocator: PoolTarget;
  /** Called after the allocator got new pools (`first` on the first valid config). */
  readonly onPoolsChanged: (change: { readonly first: boolean; readonly released: readonly ServiceKey[] }) => void;
  readonly logger: Logger;
}

/** See the module comment. */
export function allocatorConsumer(o: AllocatorConsumerOptions): ConfigConsumer {
  return {
    name: 'allocator',
    partOf: (config) => config.pools,
    apply: (config, { first }) => {
      const { released } = o.allocator.setPools(config.pools);
      o.logger.info('configuration loaded', { pools: config.pools.map((p) => p.name), released: released.length });
      o.onPoolsChanged({ first, released });
    },
  };
}
