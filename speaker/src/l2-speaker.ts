/**
 * The speaker root's layer 2 (shell): settings from the environment; the gossip key from the
 * memberlist Secret, read by name in the speaker namespace and waited for (the operator creates
 * it at run time; a speaker started first gossips once it exists); the gossip seeds from the
 * speaker pods' IPs (METALLB_ML_LABELS, listed at start and every 5 minutes, as MetalLB does);
 * the interfaces (given, or every one the layer-2 rules accept); then {@link startLayer2}, whose
 * announcements feed the {@link L2Reporter} (ServiceL2Status, nodeAssigned and conflict events)
 * and whose conflict condition goes to the plan status. The plan watch feeds `setDuties`.
 */
import { readdirSync } from 'node:fs';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { NodePlanSpecL2 } from '@metallb-ts/lib/api/types.generated.ts';
import type { KubeClient } from '@metallb-ts/lib/k8s/kube-client.ts';
import type { Logger } from '@metallb-ts/lib/log.ts';
import type { Rng } from '@metallb-ts/lib/random/rng.ts';
import { err, ok, type Result } from '@metallb-ts/lib/result.ts';
import { backoffMs } from '@metallb-ts/lib/time/backoff.ts';
import { sleep, type Clock, type TimerHandle } from '@metallb-ts/lib/time/clock.ts';
import type { Registry } from 'prom-client';
import { seedsFromPods, type Layer2EnvOptions } from './l2-options.ts';
import { L2Reporter, serviceEventPortFor, serviceL2PortFor } from './l2-reporter.ts';
import { startLayer2, type RunningLayer2 } from './l2-wiring.ts';
import { conflictCondition, type ConflictCondition } from './layer2/core/conflict-condition.ts';
import { interfaceRejection } from './layer2/core/interface-rules.ts';
import { readInterface } from './layer2/interface-facts.ts';
import { SPAM_DEFAULTS } from './layer2/responder-types.ts';
import { readMemberlistSecret } from './memberlist-key.ts';

/** How often the speaker pods are listed again for seeds (MetalLB: 5 minutes). */
export const SEED_REFRESH_MS = 5 * 60_000;

/** Everything the speaker root has for layer 2. */
export interface SpeakerLayer2Inputs {
  readonly env: Layer2EnvOptions;
  readonly nodeName: string;
  readonly namespace: string;
  readonly kubeConfig: KubeConfig;
  /** The raw client events are written through. */
  readonly kube: KubeClient;
  readonly registry: Registry;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly rng: Rng;
  /** The plan status writer's hook for layer 2's condition (address conflicts). */
  readonly onCondition: (c: ConflictCondition) => void;
  /** The speaker is stopping: give up waiting for the key. */
  readonly stopped: () => boolean;
}

/** The running layer 2 of the speaker. */
export interface SpeakerLayer2 {
  setDuties(l2: NodePlanSpecL2 | undefined): void;
  /** Graceful: hand over first (see {@link RunningLayer2.stop}); resolves once the reports are written. */
  stop(opts: { graceful: boolean }): Promise<void>;
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

/**
 * Starts the layer-2 part once the gossip key is there (or insecure gossip is allowed);
 * `'stopped'` when the speaker stopped meanwhile.
 */
export async function startSpeakerLayer2(i: SpeakerLayer2Inputs): Promise<Result<SpeakerLayer2 | 'stopped', string>> {
  const log = i.logger.child({ component: 'layer2' });
  const core = i.kubeConfig.makeApiClient(CoreV1Api);
  const secrets = await waitForKey(i, core, log);
  if (secrets === 'stopped') return ok('stopped');
  const listSeeds = async (): Promise<string[]> => {
    if (i.env.podLabels === undefined) return [];
    try {
      const pods = await core.listNamespacedPod({ namespace: i.namespace, labelSelector: i.env.podLabels });
      return seedsFromPods(pods.items, i.env.port);
    } catch (e) {
      log.warn('cannot list the speaker pods; gossip seeds unchanged', { reason: String(e) });
      return [];
    }
  };
  const firstSeeds = await listSeeds();
  const reporter = new L2Reporter({
    node: i.nodeName, statuses: serviceL2PortFor(i.kubeConfig, i.namespace, i.nodeName),
    events: serviceEventPortFor(i.kubeConfig, i.kube, i.nodeName, log), logger: log, clock: i.clock,
  });
  let l2: RunningLayer2 | undefined;
  const started = await startLayer2({
    nodeName: i.nodeName, bindHost: i.env.bindAddr, gossipPort: i.env.port, seeds: [...i.env.seeds, ...firstSeeds],
    secrets, insecureGossip: i.env.insecure, interfaces: i.env.interfaces ?? usableInterfaces(),
    ...(i.env.gratuitousRefreshMs === undefined ? {} : { gratuitous: { ...SPAM_DEFAULTS, refreshMs: i.env.gratuitousRefreshMs } }),
    registry: i.registry, logger: i.logger, clock: i.clock, rng: i.rng,
    onAnnounce: () => reporter.update(l2?.announced() ?? []),
    onConflicts: (cs) => reporter.conflicts(cs, (ip) => l2?.servicesOf(ip) ?? []),
    onCondition: i.onCondition,
  });
  if (!started.ok) return err(started.error);
  l2 = started.value;
  log.info('layer 2 started', { gossip: l2.gossipAddr, seeds: firstSeeds.length + i.env.seeds.length });
  i.onCondition(conflictCondition([])); // the plan status says layer 2 runs, without a conflict so far
  let timer: TimerHandle | undefined;
  const refresh = async (): Promise<void> => {
    const seeds = await listSeeds();
    if (seeds.length > 0) l2?.setSeeds(seeds);
    if (!i.stopped()) timer = i.clock.setTimeout(() => void refresh(), SEED_REFRESH_MS);
  };
  timer = i.clock.setTimeout(() => void refresh(), SEED_REFRESH_MS);
  const running = l2;
  return ok({
    setDuties: (duties) => running.setDuties(duties),
    stop: async ({ graceful }) => {
      if (timer !== undefined) i.clock.clearTimeout(timer);
      await running.stop({ graceful }); // withdraws everything: the reporter deletes this node's statuses
      reporter.stop();
      await reporter.idle();
    },
  });
}

/** The memberlist key; waits (backoff up to 30 s) while the Secret is missing or unreadable. */
async function waitForKey(i: SpeakerLayer2Inputs, core: CoreV1Api, log: Logger): Promise<Uint8Array[] | 'stopped'> {
  for (let attempt = 0; ; attempt++) {
    if (i.stopped()) return 'stopped';
    const key = await readMemberlistSecret(core, i.namespace, i.env.secretName);
    if (key.ok && (key.value.length > 0 || i.env.insecure)) return key.value;
    log.warn('no gossip key yet; layer 2 waits for it', {
      secret: `${i.namespace}/${i.env.secretName}`, reason: key.ok ? 'Secret or its secretkey missing (set METALLB_ML_INSECURE=true to gossip in plaintext)' : key.error, attempt,
    });
    await sleep(i.clock, backoffMs(attempt, { baseMs: 500, maxMs: 30_000, rng: i.rng }));
  }
}
