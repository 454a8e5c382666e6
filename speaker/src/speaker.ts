/**
 * The speaker's running core as it stands: health and metrics servers, and the check that its
 * Node exists in the API (readiness). Announcing (layer 2, BGP through FRR) and membership
 * plug in here as they land. Effectful shell: the kube config, clock and logger come in.
 */
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { apiFailureOf } from '@metallb-ts/lib/k8s/api-errors.ts';
import type { Logger } from '@metallb-ts/lib/log.ts';
import type { Registry } from 'prom-client';
import { createRegistry, k8sClientMetrics, serveMetrics, shellFailureMetrics, type MetricsServer } from '@metallb-ts/lib/metrics.ts';
import type { NodeName } from '@metallb-ts/lib/ids/ids.ts';
import type { Rng } from '@metallb-ts/lib/random/rng.ts';
import { backoffMs } from '@metallb-ts/lib/time/backoff.ts';
import type { Clock, TimerHandle } from '@metallb-ts/lib/time/clock.ts';
import type { FrrOptions } from './options.ts';
import { startBgpSpeaker, type RunningBgpSpeaker } from './plan/bgp-speaker.ts';

/** Options of {@link startSpeaker}. */
export interface SpeakerRunOptions {
  readonly kubeConfig: KubeConfig;
  readonly nodeName: NodeName;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly rng: Rng;
  /** /healthz and /readyz on 127.0.0.1; 0 picks a free port. */
  readonly healthPort: number;
  /** Metrics port (plain HTTP, all interfaces); 0 disables it. */
  readonly metricsPort: number;
  /** Namespace of this node's NodePlan and password Secret. */
  readonly namespace: string;
  /** The node's FRR; undefined = no BGP side. */
  readonly frr?: FrrOptions;
  /** Layer 2 (l2-speaker.ts), started once the servers listen; stopped first (handover). */
  readonly layer2?: (registry: Registry) => Promise<{ stop(opts: { graceful: boolean }): Promise<void> }>;
}

/** A running speaker. */
export interface RunningSpeaker {
  /** The health port actually bound. */
  readonly healthPort: number;
  /** Stops timers and servers; resolves once closed. */
  stop(): Promise<void>;
}

/** Starts the servers and the Node check; resolves once the servers listen. */
export async function startSpeaker(o: SpeakerRunOptions): Promise<RunningSpeaker> {
  const registry = createRegistry();
  const clientMetrics = k8sClientMetrics(registry);
  const core = o.kubeConfig.makeApiClient(CoreV1Api);
  let ready = false;
  let stopped = false;
  let timer: TimerHandle | undefined;

  // Ready once this speaker's Node is known to the API; retried with backoff until then.
  const checkNode = async (attempt: number): Promise<void> => {
    try {
      await core.readNode({ name: o.nodeName });
      clientMetrics.updates.inc();
      ready = true;
      o.logger.info('node found; ready', { node: o.nodeName });
      return;
    } catch (e) {
      clientMetrics.updateErrors.inc();
      const why = apiFailureOf(e) === 'not-found' ? 'node does not exist' : String(e);
      o.logger.warn('cannot read own node; not ready', { node: o.nodeName, reason: why, attempt });
    }
    if (stopped) return;
    const delay = backoffMs(attempt, { baseMs: 500, maxMs: 30_000, rng: o.rng });
    timer = o.clock.setTimeout(() => void checkNode(attempt + 1), delay);
  };

  const servers: MetricsServer[] = [];
  const http = { registry, ready: () => ready, logger: o.logger.child({ component: 'http' }), errors: shellFailureMetrics(registry).httpErrors };
  const health = await serveMetrics({ ...http, port: o.healthPort, host: '127.0.0.1' });
  servers.push(health);
  if (o.metricsPort !== 0) servers.push(await serveMetrics({ ...http, port: o.metricsPort, host: '0.0.0.0' }));
  void checkNode(0);
  const bgp = startBgp(o, registry);
  // ---- layer 2 (separate from BGP): gossip, election, ARP/NDP ----
  const layer2 = o.layer2 === undefined ? undefined : await o.layer2(registry);

  return {
    healthPort: health.port,
    stop: async () => {
      stopped = true;
      await layer2?.stop({ graceful: true }); // leave gossip first: the next node answers, then this one stops
      if (timer !== undefined) o.clock.clearTimeout(timer);
      await bgp?.stop();
      await Promise.all(servers.map((s) => s.close()));
    },
  };
}

/** The BGP side: this node's NodePlan applied to its FRR, status and metrics (speaker/src/plan). */
function startBgp(o: SpeakerRunOptions, registry: ReturnType<typeof createRegistry>): RunningBgpSpeaker | undefined {
  if (o.frr === undefined) return undefined;
  return startBgpSpeaker({
    kubeConfig: o.kubeConfig, namespace: o.namespace, nodeName: o.nodeName, logger: o.logger, clock: o.clock, rng: o.rng, registry,
    frr: { ...o.frr, pidDir: o.frr.vtyDir },
  });
}
