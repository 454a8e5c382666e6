/**
 * The speaker root's layer-2 start (shell): settings from the environment, the gossip key from
 * the memberlist Secret (read by name in the speaker namespace), the interfaces (given, or every
 * one the layer-2 rules accept), then {@link startLayer2}. The plan watch feeds `setDuties`.
 */
import { readdirSync } from 'node:fs';
import type { CoreV1Api } from '@kubernetes/client-node';
import type { Logger } from '@metallb-ts/lib/log.ts';
import type { Rng } from '@metallb-ts/lib/random/rng.ts';
import { err, type Result } from '@metallb-ts/lib/result.ts';
import type { Clock } from '@metallb-ts/lib/time/clock.ts';
import type { Registry } from 'prom-client';
import type { Layer2EnvOptions } from './l2-options.ts';
import { startLayer2, type RunningLayer2 } from './l2-wiring.ts';
import type { ConflictCondition } from './layer2/core/conflict-condition.ts';
import { interfaceRejection } from './layer2/core/interface-rules.ts';
import { readInterface } from './layer2/interface-facts.ts';
import { readMemberlistSecret } from './memberlist-key.ts';

/** Everything the speaker root has for layer 2. */
export interface SpeakerLayer2Inputs {
  readonly env: Layer2EnvOptions;
  readonly nodeName: string;
  readonly namespace: string;
  readonly core: Pick<CoreV1Api, 'readNamespacedSecret'>;
  readonly registry: Registry;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly rng: Rng;
  /** The plan status writer's hook for the conflict condition. */
  readonly onCondition?: (c: ConflictCondition) => void;
}

/** Interfaces of this network namespace that the layer-2 rules accept. */
export function usableInterfaces(): string[] {
  return readdirSync('/sys/class/net').filter((name) => {
    try {
      return interfaceRejection(readInterface(name), 'ipv4', []) === undefined;
    } catch {
      return false; // vanished meanwhile, or a name we do not read
    }
  }).sort();
}

/** Starts the layer-2 part; refuses without a key unless insecure. */
export async function startSpeakerLayer2(i: SpeakerLayer2Inputs): Promise<Result<RunningLayer2, string>> {
  const key = await readMemberlistSecret(i.core, i.namespace, i.env.secretName);
  if (!key.ok) return err(key.error);
  return startLayer2({
    nodeName: i.nodeName, bindHost: i.env.bindAddr, gossipPort: i.env.port, seeds: i.env.seeds,
    secrets: key.value, insecureGossip: i.env.insecure, interfaces: i.env.interfaces ?? usableInterfaces(),
    registry: i.registry, logger: i.logger, clock: i.clock, rng: i.rng,
    ...(i.onCondition === undefined ? {} : { onCondition: i.onCondition }),
  });
}
