/**
 * The config reconcile: configFor over the caches. A valid config becomes the last good
 * {@link Config}, kept whole, and each consumer gets it only when ITS part changed (a
 * fingerprint per consumer: the allocator's pools today, FRR rendering and layer-2 duties
 * next). An invalid or transient one keeps the last good config and marks it stale
 * (`metallb_k8s_client_config_stale_bool`, as MetalLB does). Either way the
 * ConfigurationState says so.
 */
import type { ReconcileOutcome } from '@metallb-ts/lib/k8s/work-queue.ts';
import type { Logger } from '@metallb-ts/lib/log.ts';
import type { GaugePort } from '@metallb-ts/lib/metrics.ts';
import { configFor } from '../config/config-for.ts';
import { fingerprintOf } from '../config/fingerprint.ts';
import type { ClusterResources } from '../config/resources.ts';
import type { Config } from '../config/types.ts';
import { errorSummaryOf, verdictOf, type ConfigVerdict } from './config-state.ts';

/** Where the verdict goes (the ConfigurationState writer). */
export interface VerdictSink {
  /** Records the verdict; resolves once written (or failed, which it logs and counts). */
  report(v: ConfigVerdict): Promise<'written' | 'unchanged' | 'failed'>;
}

/** A consumer of the validated configuration. */
export interface ConfigConsumer {
  /** Names the consumer in logs. */
  readonly name: string;
  /** The part of the config the consumer depends on; it runs only when this part's fingerprint changes. */
  partOf(config: Config): unknown;
  /** Takes the new config; `first` on the first valid config this consumer sees. */
  apply(config: Config, change: { readonly first: boolean }): void;
}

/** Options of {@link ConfigReconciler}. */
export interface ConfigReconcilerOptions {
  /** configFor's input, read fresh each run. */
  readonly resources: () => ClusterResources;
  /** Told in order, each when its part changed. */
  readonly consumers: readonly ConfigConsumer[];
  /** `metallb_k8s_client_config_loaded_bool` and `…_config_stale_bool`. */
  readonly metrics: { readonly configLoaded: GaugePort; readonly configStale: GaugePort };
  readonly verdicts: VerdictSink;
  readonly logger: Logger;
  /**
   * Told when {@link ConfigReconciler.rejected} changes (a config turned invalid, its errors
   * changed, or it turned valid again), after the consumers saw a valid one.
   */
  readonly onRejectedChanged?: () => void;
}

/** See the module comment. */
export class ConfigReconciler {
  readonly #o: ConfigReconcilerOptions;
  #config: Config | undefined;
  /** Consumer name → fingerprint of the part it last applied. */
  readonly #applied = new Map<string, string>();
  #rejected: string | undefined;

  /** Creates a reconciler; nothing is loaded yet. */
  constructor(opts: ConfigReconcilerOptions) {
    this.#o = opts;
  }

  /** Whether a valid config has been loaded at least once. */
  get loaded(): boolean {
    return this.#config !== undefined;
  }

  /** The last good config, undefined before the first valid one. */
  get config(): Config | undefined {
    return this.#config;
  }

  /**
   * The errors of the configuration last read (ConfigurationState's errorSummary) when it was
   * rejected and an older one is in force; undefined when the last read one is in force.
   */
  get rejected(): string | undefined {
    return this.#rejected;
  }

  /** One run; `retry` on transient errors or a failed ConfigurationState write. */
  async reconcile(): Promise<ReconcileOutcome> {
    const result = configFor(this.#o.resources());
    const verdict = verdictOf(result.ok ? [] : result.error);
    if (result.ok) this.#apply(result.value);
    else this.#stale(verdict);
    const rejected = result.ok ? undefined : errorSummaryOf(verdict);
    if (rejected !== this.#rejected) {
      this.#rejected = rejected;
      this.#o.onRejectedChanged?.();
    }
    const written = await this.#o.verdicts.report(verdict);
    if (verdict.kind === 'transient' || written === 'failed') return 'retry';
    return verdict.kind === 'invalid' ? 'noRetry' : 'success';
  }

  #apply(config: Config): void {
    this.#o.metrics.configLoaded.set(1);
    this.#o.metrics.configStale.set(0);
    this.#config = config;
    for (const consumer of this.#o.consumers) {
      const fp = fingerprintOf(consumer.partOf(config));
      const before = this.#applied.get(consumer.name);
      if (fp === before) continue;
      this.#applied.set(consumer.name, fp);
      consumer.apply(config, { first: before === undefined });
    }
  }

  #stale(v: ConfigVerdict): void {
    this.#o.metrics.configStale.set(1);
    this.#o.logger.error('configuration invalid; keeping the last good one', { reason: errorSummaryOf(v), kind: v.kind });
  }
}
