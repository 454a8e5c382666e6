/**
 * The speaker's running core: health and metrics servers, the check that its Node exists in the
 * API (readiness), and the one watch of this node's NodePlan, fed to both sides: the BGP side
 * (FRR applier, plan status) or, without FRR, a plan status writer of its own; and layer 2
 * (`spec.l2` → gossip, election, ARP/NDP), whose conflict condition joins the plan status.
 * Effectful shell: the kube config, clock and logger come in.
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
import type { NodePlan, NodePlanSpecL2 } from '@metallb-ts/lib/api/types.generated.ts';
import { kubeClientFor, type KubeClient } from '@metallb-ts/lib/k8s/kube-client.ts';
import { kubeTargetOf } from '@metallb-ts/lib/k8s/kube-target.ts';
import type { FrrOptions } from './options.ts';
import { startBgpSpeaker } from './plan/bgp-speaker.ts';
import { startConditionsStatus } from './plan/conditions-status.ts';
import { unpackPlan } from './plan/plan-unpack.ts';
import type { ConditionInput } from './plan/core/plan-status.ts';
import { planInformerFor, planStatusPortFor, type PlanSide } from './plan/plan-ports.ts';

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
  /**
   * Layer 2 (l2-speaker.ts), started once the servers listen (it may wait for its gossip key: the
   * plan side runs meanwhile); stopped first (handover). Undefined = no layer 2.
   */
  readonly layer2?: (ctx: Layer2Context) => Promise<Layer2Side | 'stopped'>;
  /** A part that cannot run (layer 2 refused to start): the caller logs it and exits non-zero. */
  readonly onFatal: (reason: string) => void;
}

/** What {@link SpeakerRunOptions.layer2} gets from the speaker. */
export interface Layer2Context {
  readonly registry: Registry;
  /** The raw client of the plan watch (events go through it too). */
  readonly kube: KubeClient;
  /** Layer 2's plan status conditions (replacing the previous ones). */
  readonly onConditions: (cs: readonly ConditionInput[]) => void;
  /** True once the speaker stops. */
  readonly stopped: () => boolean;
}

/** The running layer 2, as the speaker drives it. */
export interface Layer2Side {
  setDuties(l2: NodePlanSpecL2 | undefined): void;
  stop(opts: { graceful: boolean }): Promise<void>;
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
  // The plan watch and the events share one raw client (one keep-alive pool, closed on stop).
  const kube = kubeClientFor(kubeTargetOf(o.kubeConfig));
  const side = planSide(o, registry, kube);
  const plans = planInformerFor(kube, o.namespace, o.nodeName, o.logger.child({ component: 'plan' }));
  // Layer 2 gets `spec.l2` once per plan generation (status writes do not bump it).
  let duties: { readonly key: string; readonly l2: NodePlanSpecL2 | undefined } = { key: '', l2: undefined };
  let layer2: Layer2Side | undefined;
  // A large plan's bgpServices and l2 travel packed: expanded here for both sides, once per
  // generation (the status writes' update events reuse it).
  let unpackedSpec: { readonly key: string; readonly spec: NodePlan['spec'] } | undefined;
  const onPlan = (raw: NodePlan): void => {
    const key = `${raw.metadata?.uid ?? ''}/${String(raw.metadata?.generation ?? 0)}`;
    if (unpackedSpec?.key !== key) {
      const unpacked = unpackPlan(raw);
      if (!unpacked.ok) return void o.logger.warn('ignoring plan', { reason: unpacked.error });
      unpackedSpec = { key, spec: unpacked.value.spec };
    }
    const obj: NodePlan = { ...raw, spec: unpackedSpec.spec };
    side.onPlan(obj);
    if (key === duties.key) return;
    duties = { key, l2: obj.spec?.l2 };
    layer2?.setDuties(duties.l2);
  };
  plans.on('add', onPlan);
  plans.on('update', onPlan);
  plans.on('resync', () => {
    const obj = plans.get(o.nodeName, o.namespace);
    if (obj !== undefined) onPlan(obj);
  });
  plans.on('delete', () => {
    side.onPlanDeleted();
    duties = { key: '', l2: undefined };
    layer2?.setDuties(undefined);
  });
  void plans.start().catch(() => undefined);
  // ---- layer 2 (separate from BGP): gossip, election, ARP/NDP ----
  if (o.layer2 !== undefined) {
    o.layer2({ registry, kube, onConditions: (cs) => side.setConditions(cs), stopped: () => stopped }).then(async (l2) => {
      if (l2 === 'stopped') return;
      if (stopped) return l2.stop({ graceful: false });
      layer2 = l2;
      l2.setDuties(duties.l2);
    }).catch((e: unknown) => o.onFatal(`layer 2: ${e instanceof Error ? e.message : String(e)}`));
  }

  return {
    healthPort: health.port,
    stop: async () => {
      stopped = true;
      await layer2?.stop({ graceful: true }); // leave gossip first: the next node answers, then this one stops
      if (timer !== undefined) o.clock.clearTimeout(timer);
      await plans.stop();
      await side.stop();
      await kube.close();
      await Promise.all(servers.map((s) => s.close()));
      // A start still waiting for its key ends by itself (stopped() is true): not awaited.
    },
  };
}

/**
 * The plan side: with FRR the BGP speaker (its plan status carries layer 2's conditions after
 * its own), without it a writer of the generation and layer 2's conditions only.
 */
function planSide(o: SpeakerRunOptions, registry: Registry, kube: KubeClient): PlanSide {
  if (o.frr === undefined) {
    return startConditionsStatus({ node: o.nodeName, statusPort: planStatusPortFor(o.kubeConfig, o.namespace), clock: o.clock, logger: o.logger.child({ component: 'plan' }) });
  }
  return startBgpSpeaker({
    kubeConfig: o.kubeConfig, kube, namespace: o.namespace, nodeName: o.nodeName, logger: o.logger, clock: o.clock, rng: o.rng, registry,
    frr: { ...o.frr, pidDir: o.frr.vtyDir },
  });
}
