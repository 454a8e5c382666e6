/**
 * The config reconcile: configFor over the caches. A valid config replaces the allocator's
 * pools (services reprocessed when the pools changed); an invalid or transient one keeps the
 * last good config and marks it stale (docs/validation.md). Either way the ConfigurationState says so.
 */
import type { ReconcileOutcome } from '@metallb-ts/lib/k8s/work-queue.ts';
import type { K8sClientMetrics } from '@metallb-ts/lib/metrics.ts';
import type { Logger } from '@metallb-ts/lib/log.ts';
import type { Allocator } from '../allocator/allocator.ts';
import type { ServiceKey } from '@metallb-ts/lib/ids/ids.ts';
import { configFor } from '../config/config-for.ts';
import type { ClusterResources } from '../config/resources.ts';
import { errorSummaryOf, fingerprintOf, verdictOf, type ConfigVerdict } from './config-state.ts';

/** Where the verdict goes (the ConfigurationState writer). */
export interface VerdictSink {
  /** Records the verdict; resolves once written (or failed, which it logs and counts). */
  report(v: ConfigVerdict): Promise<'written' | 'unchanged' | 'failed'>;
}

/** Options of {@link ConfigReconciler}. */
export interface ConfigReconcilerOptions {
  /** configFor's input, read fresh each run. */
  readonly resources: () => ClusterResources;
  readonly allocator: Allocator;
  readonly metrics: Pick<K8sClientMetrics, 'configLoaded' | 'configStale'>;
  readonly verdicts: VerdictSink;
  /**
   * Called after the allocator got new pools: `first` on the first valid config (start the
   * initial pass), `released` = services whose addresses left every pool.
   */
  readonly onPoolsChanged: (change: { first: boolean; released: readonly ServiceKey[] }) => void;
  readonly logger: Logger;
}

/** See the module comment. */
export class ConfigReconciler {
  readonly #o: ConfigReconcilerOptions;
  #loaded = false;
  #fingerprint: string | undefined;

  /** Creates a reconciler; nothing is loaded yet. */
  constructor(opts: ConfigReconcilerOptions) {
    this.#o = opts;
  }

  /** Whether a valid config has been loaded at least once. */
  get loaded(): boolean {
    return this.#loaded;
  }

  /** One run; `retry` on transient errors or a failed ConfigurationState write. */
  async reconcile(): Promise<ReconcileOutcome> {
    const result = configFor(this.#o.resources());
    const verdict = verdictOf(result.ok ? [] : result.error);
    if (result.ok) this.#apply(result.value.pools);
    else this.#stale(verdict);
    const written = await this.#o.verdicts.report(verdict);
    if (verdict.kind === 'transient' || written === 'failed') return 'retry';
    return verdict.kind === 'invalid' ? 'noRetry' : 'success';
  }

  #apply(pools: Parameters<Allocator['setPools']>[0]): void {
    this.#o.metrics.configLoaded.set(1);
    this.#o.metrics.configStale.set(0);
    const fp = fingerprintOf(pools);
    const first = !this.#loaded;
    this.#loaded = true;
    if (!first && fp === this.#fingerprint) return;
    this.#fingerprint = fp;
    const { released } = this.#o.allocator.setPools(pools);
    this.#o.logger.info('configuration loaded', { pools: pools.map((p) => p.name), released: released.length });
    this.#o.onPoolsChanged({ first, released });
  }

  #stale(v: ConfigVerdict): void {
    this.#o.metrics.configStale.set(1);
    this.#o.logger.error('configuration invalid; keeping the last good one', { reason: errorSummaryOf(v), kind: v.kind });
  }
}
