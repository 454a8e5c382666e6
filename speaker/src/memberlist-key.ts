/**
 * The memberlist Secret, read by name in the speaker's namespace (shell). Kept apart from
 * l2-wiring.ts so the lab child does not load the Kubernetes client.
 */
import type { CoreV1Api } from '@kubernetes/client-node';
import { apiFailureOf } from '@metallb-ts/lib/k8s/api-errors.ts';
import { err, ok, type Result } from '@metallb-ts/lib/result.ts';

/** Name of the data key holding the gossip secret (MetalLB's). */
export const MEMBERLIST_KEY = 'secretkey';

/** Reads the memberlist Secret by name: its key bytes, [] when the Secret or key is absent. */
export async function readMemberlistSecret(core: Pick<CoreV1Api, 'readNamespacedSecret'>, namespace: string, name: string): Promise<Result<Uint8Array[], string>> {
  try {
    const s = await core.readNamespacedSecret({ namespace, name });
    const b64 = s.data?.[MEMBERLIST_KEY];
    return ok(b64 === undefined || b64 === '' ? [] : [Buffer.from(b64, 'base64')]);
  } catch (e) {
    if (apiFailureOf(e) === 'not-found') return ok([]);
    return err(`reading Secret ${namespace}/${name}: ${e instanceof Error ? e.message : String(e)}`);
  }
}
