/**
 * The config pipeline: one coalesced key. Any change of a config input (or the deletion of the
 * controller's ConfigurationState, which the writer then recreates) runs the ConfigReconciler;
 * transient errors retry with backoff.
 */
import type { Watchable } from './cluster-cache.ts';
import type { ConfigReconciler } from './config-reconciler.ts';
import { QueuedPipeline, type QueueSettings } from './pipeline.ts';

const KEY = 'config';

/** Options of {@link ConfigPipeline}. */
export interface ConfigPipelineOptions {
  readonly settings: QueueSettings;
  readonly reconciler: Pick<ConfigReconciler, 'reconcile'>;
  /** The informers whose changes can change the configuration. */
  readonly inputs: readonly Watchable[];
  /** The controller's ConfigurationState informer. */
  readonly configState: Watchable;
}

/** See the module comment. */
export class ConfigPipeline extends QueuedPipeline {
  #started = false;

  /** Builds the queue and subscribes to the inputs; nothing runs before `start()`. */
  constructor(o: ConfigPipelineOptions) {
    super(o.settings, 'config', { reconcile: () => o.reconciler.reconcile(), listKeys: () => [KEY] });
    const kick = (): void => {
      if (this.#started) this.queue.add(KEY);
    };
    for (const inf of o.inputs) {
      for (const ev of ['add', 'update', 'delete'] as const) inf.on(ev, kick);
      inf.on('resync', kick);
    }
    o.configState.on('delete', kick);
  }

  /** Loads the configuration once; input events are followed from now on. */
  start(): void {
    this.#started = true;
    this.queue.add(KEY);
  }
}
