/**
 * The memberlist-Secret pipeline: one key. Ensures the Secret at start, retries a failure with
 * the queue's backoff, and ensures it again when it is deleted or the Secret cache resyncs.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { MemberlistSecretReconciler } from './memberlist-secret.ts';
import { QueuedPipeline, type QueueSettings } from './pipeline.ts';

/** The Secret events this pipeline follows (the Secret informer fits). */
export interface SecretEvents {
  on(event: 'delete', cb: (obj: KubernetesObject) => void): void;
  on(event: 'resync', cb: () => void): void;
}

/** Options of {@link MemberlistPipeline}. */
export interface MemberlistPipelineOptions {
  readonly settings: QueueSettings;
  readonly reconciler: Pick<MemberlistSecretReconciler, 'reconcile'>;
  /** `--ml-secret-name`. */
  readonly name: string;
  /** The Secret informer of the MetalLB namespace. */
  readonly secrets: SecretEvents;
}

/** See the module comment. */
export class MemberlistPipeline extends QueuedPipeline {
  readonly #name: string;
  #started = false;

  /** Builds the queue and subscribes to Secret deletions. */
  constructor(o: MemberlistPipelineOptions) {
    super(o.settings, 'memberlist', { reconcile: () => o.reconciler.reconcile(), listKeys: () => [o.name] });
    this.#name = o.name;
    o.secrets.on('delete', (obj) => {
      if (obj.metadata?.name === o.name) this.#kick();
    });
    o.secrets.on('resync', () => this.#kick());
  }

  /** Ensures the Secret now; deletions are followed from now on. */
  start(): void {
    this.#started = true;
    this.#kick();
  }

  #kick(): void {
    if (this.#started) this.queue.add(this.#name);
  }
}
