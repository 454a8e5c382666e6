/**
 * The memberlist Secret (MetalLB's `CreateMlSecret`): created when missing, key
 * `secretkey` = 16 random bytes base64-encoded, owned by the controller Deployment when one is
 * named and found (so it goes away with the installation).
 */
import type { V1Deployment, V1Secret } from '@kubernetes/client-node';
import type { Logger } from '@metallb-ts/lib/log.ts';
import type { SecretPort } from './kube-ports.ts';

/** Options of {@link ensureMemberlistSecret}. */
export interface MemberlistSecretOptions {
  readonly port: SecretPort;
  readonly namespace: string;
  /** `--ml-secret-name`. */
  readonly name: string;
  /** `--deployment`, when given. */
  readonly deployment?: string;
  /** Source of the 16 key bytes (injected: randomness is a parameter). */
  readonly randomBytes: (n: number) => Uint8Array;
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

/** Creates the Secret when it is missing; `'exists'` when it was already there. */
export async function ensureMemberlistSecret(o: MemberlistSecretOptions): Promise<'created' | 'exists'> {
  if (await o.port.exists(o.name)) return 'exists';
  const owner = o.deployment === undefined ? undefined : await o.port.deployment(o.deployment);
  const r = await o.port.create(memberlistSecretFor(o.namespace, o.name, o.randomBytes(16), owner));
  o.logger.info(r === 'created' ? 'created the memberlist secret' : 'memberlist secret already exists', { object: `Secret/${o.namespace}/${o.name}` });
  return r;
}
