/**
 * The memberlist Secret (MetalLB's `CreateMlSecret`): created when missing, key `secretkey` =
 * 16 random bytes base64-encoded, owned by the controller Deployment when one is named and
 * found (so it goes away with the installation). A reconciled pipeline: a failed creation is
 * retried with the queue's backoff, and a deleted Secret is created again.
 */
import type { V1Deployment, V1Secret } from '@kubernetes/client-node';
import type { ReconcileOutcome } from '@metallb-ts/lib/k8s/work-queue.ts';
import type { Logger } from '@metallb-ts/lib/log.ts';
import type { CounterPort } from '@metallb-ts/lib/metrics.ts';

/** What the memberlist-Secret reconciler needs of the API. */
export interface SecretPort {
  /** Whether the Secret exists. */
  exists(name: string): Promise<boolean>;
  /** Creates it; `'exists'` when someone else did first. */
  create(secret: V1Secret): Promise<'created' | 'exists'>;
  /** The Deployment that should own it, when it exists. */
  deployment(name: string): Promise<V1Deployment | undefined>;
}

/** Options of {@link MemberlistSecretReconciler}. */
export interface MemberlistSecretOptions {
  readonly port: SecretPort;
  readonly namespace: string;
  /** `--ml-secret-name`. */
  readonly name: string;
  /** `--deployment`, when given. */
  readonly deployment?: string;
  /** Source of the 16 key bytes (injected: randomness is a parameter). */
  readonly randomBytes: (n: number) => Uint8Array;
  /** `metallb_k8s_client_update_errors_total`: an attempt failed. */
  readonly updateErrors: CounterPort;
  readonly logger: Logger;
}

/** The Secret to create (pure). */
export function memberlistSecretFor(namespace: string, name: string, key: Uint8Array, owner: V1Deployment | undefined): V1Secret {
  const uid = owner?.metadata?.uid;
  const ownerRefs = owner === undefined || uid === undefined ? {} : {
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: owner.metadata?.name ?? '', uid }],
  };
  return {
    apiVersion: 'v1', kind: 'Secret', type: 'Opaque',
    metadata: { name, namespace, ...ownerRefs },
    data: { secretkey: Buffer.from(key).toString('base64') },
  };
}

/** See the module comment. */
export class MemberlistSecretReconciler {
  readonly #o: MemberlistSecretOptions;

  /** Creates a reconciler. */
  constructor(opts: MemberlistSecretOptions) {
    this.#o = opts;
  }

  /** Creates the Secret when it is missing; `'retry'` (logged and counted) when that failed. */
  async reconcile(): Promise<ReconcileOutcome> {
    try {
      await this.#ensure();
      return 'success';
    } catch (e) {
      this.#o.updateErrors.inc();
      this.#o.logger.error('creating the memberlist secret failed; retrying', { object: this.#object(), reason: String(e) });
      return 'retry';
    }
  }

  async #ensure(): Promise<void> {
    const o = this.#o;
    if (await o.port.exists(o.name)) return;
    const owner = o.deployment === undefined ? undefined : await o.port.deployment(o.deployment);
    const r = await o.port.create(memberlistSecretFor(o.namespace, o.name, o.randomBytes(16), owner));
    o.logger.info(r === 'created' ? 'created the memberlist secret' : 'memberlist secret already exists', { object: this.#object() });
  }

  #object(): string {
    return `Secret/${this.#o.namespace}/${this.#o.name}`;
  }
}
