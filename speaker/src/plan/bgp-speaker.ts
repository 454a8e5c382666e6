/**
 * The speaker's BGP side (effectful shell): fed this node's NodePlan by the speaker root
 * (speaker.ts owns the plan watch), watches the plan's password Secret, applies the plan's frr.conf through the {@link FrrApplier} (diff batch, verified,
 * fallback, retry, re-apply after an FRR restart), polls FRR's session state at a fixed
 * interval for the metrics and the status, writes the plan status (merge patch, only when it
 * changed, with the extra conditions layer 2 reports) and keeps this node's ServiceBGPStatus objects in line with the plan (service-status-sync.ts). Never reads a
 * metallb.io CR. Passwords live only in the Secret cache and the 0600 config file.
 */
import { mkdirSync } from 'node:fs';
import type { KubeConfig, V1Secret } from '@kubernetes/client-node';
import type { NodePlan, NodePlanStatus } from '@metallb-ts/lib/api/types.generated.ts';
import type { SupervisedInformer } from '@metallb-ts/lib/k8s/informer.ts';
import type { Logger } from '@metallb-ts/lib/log.ts';
import { decodeFrrConfig } from '@metallb-ts/lib/plan/frr-config-codec.ts';
import type { Rng } from '@metallb-ts/lib/random/rng.ts';
import type { Clock, TimerHandle } from '@metallb-ts/lib/time/clock.ts';
import type { Registry } from 'prom-client';
import { FrrApplier, type ApplyResult } from '../frr/frr-applier.ts';
import { createFrrCli, type FrrCliOptions } from '../frr/frr-cli.ts';
import { registerFrrMetrics, type FrrStateSnapshot } from '../frr/frr-metrics.ts';
import { pidfileProbe } from '../frr/frr-probe.ts';
import { readFrrState } from '../frr/frr-state-reader.ts';
import { readAdvertised, sessionKey, type AdvertisedBySession } from '../frr/adj-rib-out-reader.ts';
import { expectedRoutesOf, type ExpectedRoutes } from '../frr/core/adj-rib-out.ts';
import { parsePlan, type ParsedPlan } from './core/plan-model.ts';
import { desiredStatus, statusChanged, type ApplyOutcome, type ConditionInput } from './core/plan-status.ts';
import type { KubeClient } from '@metallb-ts/lib/k8s/kube-client.ts';
import { planStatusPortFor, secretInformerFor, serviceStatusPortFor, type PlanSide } from './plan-ports.ts';
import { serialPasses } from './serial-passes.ts';
import { serviceStatusSync } from './service-status-sync.ts';

/** Where the node's FRR is and how often its state is read. */
export interface FrrSettings extends FrrCliOptions {
  /** The full config the applier keeps (FRR's startup file in the sidecar: /etc/frr/frr.conf). */
  readonly configPath: string;
  /** Private directory for batch files (may hold passwords). */
  readonly workDir: string;
  /** Directory of the daemons' pidfiles (restart detection); default: vtyDir. */
  readonly pidDir?: string;
  /** Session state poll interval. */
  readonly stateIntervalMs: number;
  /**
   * How often the adj-rib-out is re-read when nothing changed (default 30 s); after a plan,
   * apply or session change it is read at each of the next {@link ADJ_BURST} state polls.
   */
  readonly advertisedIntervalMs?: number;
}

/** State polls after a change at which the adj-rib-out is read (FRR sends updates over a few). */
const ADJ_BURST = 5;

/** Options of {@link startBgpSpeaker}. */
export interface BgpSpeakerOptions {
  readonly kubeConfig: KubeConfig;
  /** The raw client the password Secret is watched through (owned by the caller). */
  readonly kube: KubeClient;
  /** Namespace of the NodePlans and password Secrets (the operator's). */
  readonly namespace: string;
  readonly nodeName: string;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly rng: Rng;
  /** Where the FRR-mode metrics are registered. */
  readonly registry: Registry;
  readonly frr: FrrSettings;
}

/** The running BGP side: the speaker root feeds it the plan and layer 2's conditions. */
export type RunningBgpSpeaker = PlanSide;

const NO_STATE: FrrStateSnapshot = { bgp: [], bfd: [] };

/** Starts the applier and the state poll; returns at once (plans come through {@link PlanSide.onPlan}). */
export function startBgpSpeaker(o: BgpSpeakerOptions): RunningBgpSpeaker {
  const log = o.logger.child({ component: 'bgp' });
  mkdirSync(o.frr.workDir, { recursive: true, mode: 0o700 });
  const cli = createFrrCli(o.frr);
  const statusPort = planStatusPortFor(o.kubeConfig, o.namespace);
  const services = serviceStatusSync({ port: serviceStatusPortFor(o.kubeConfig, o.namespace, o.nodeName), clock: o.clock, logger: log });
  let plan: ParsedPlan | undefined;
  let config: string | undefined;
  /** spec.frr.sha256 of `config`. */
  let configSha = '';
  let stored: NodePlanStatus | undefined;
  let outcome: ApplyOutcome | undefined;
  let runningHash = '';
  let snapshot: FrrStateSnapshot | undefined;
  let secret: { name: string; informer: SupervisedInformer<V1Secret> } | undefined;
  let extra: readonly ConditionInput[] = [];
  let stopped = false;
  let pollTimer: TimerHandle | undefined;
  let advertised: AdvertisedBySession = new Map();
  let expected: { readonly sha: string; readonly routes: readonly ExpectedRoutes[] } | undefined;
  let adjBurst = 0;
  let adjReadAt = Number.NEGATIVE_INFINITY;
  let adjSignature = '';

  const secretValue = (key: string): string | undefined => {
    const s = secret?.informer.get(secret.name, o.namespace);
    const v = s?.data?.[key];
    return v === undefined ? undefined : Buffer.from(v, 'base64').toString('utf8');
  };
  const applier = new FrrApplier({
    cli, configPath: o.frr.configPath, workDir: o.frr.workDir, clock: o.clock, rng: o.rng, logger: log,
    secrets: { resolve: async (keys) => new Map(keys.flatMap((k) => { const v = secretValue(k); return v === undefined ? [] : [[k, v] as const]; })) },
    probe: pidfileProbe(o.frr.pidDir ?? o.frr.vtyDir ?? '/var/run/frr'),
    onResult: (r) => onResult(r),
  });
  registerFrrMetrics(o.registry, () => snapshot ?? NO_STATE);

  function onResult(r: ApplyResult): void {
    if (r.result === 'superseded') return;
    const good = r.result === 'applied' || r.result === 'unchanged' || r.result === 'reloaded';
    if (good) runningHash = r.hash;
    const message = good ? `${r.result} (${r.method}): ${r.message}`
      : r.result === 'invalid' ? `refused, FRR keeps the last good config: ${r.message}` : `failed, retrying: ${r.message}`;
    outcome = { hash: r.hash, result: good ? 'Applied' : 'Failed', message };
    kick();
  }

  // One status/ServiceBGPStatus pass at a time; a request during a pass runs one more after it.
  const passes = serialPasses({
    pass: () => sync(), stopped: () => stopped,
    onError: (e) => log.warn('status write failed; retried at the next poll', { reason: String(e) }),
  });
  const kick = (): void => passes.kick();

  async function sync(): Promise<void> {
    const p = plan;
    if (p === undefined) return;
    const next = desiredStatus({
      generation: p.generation, wantedHash: p.frr.sha256, outcome, runningHash, bgp: snapshot?.bgp, bfd: snapshot?.bfd,
      peers: p.peers, now: new Date(o.clock.now()).toISOString(), previous: stored, extra,
      advertised: (vrf, neighbor) => advertised.get(sessionKey(vrf, neighbor)),
    });
    // A failed plan status write does not hold the ServiceBGPStatus back (both are retried at the next poll).
    const statusWrite = statusChanged(stored, next)
      ? statusPort.patchStatus(p.name, next).then((r) => { if (r === 'patched') stored = next; })
      : Promise.resolve();
    const servicesWrite = outcome?.result === 'Applied' && runningHash === p.frr.sha256 && p.services !== undefined
      ? services.sync(p.services) : Promise.resolve();
    const [a, b] = await Promise.allSettled([statusWrite, servicesWrite]);
    if (a.status === 'rejected') throw a.reason;
    if (b.status === 'rejected') throw b.reason;
  }

  function onPlan(obj: NodePlan): void {
    const parsed = parsePlan(obj, o.nodeName);
    if (!parsed.ok) return void log.warn('ignoring plan', { reason: parsed.error });
    const p = parsed.value;
    const changed = plan === undefined || plan.uid !== p.uid || plan.generation !== p.generation;
    // Only this speaker writes the status: after the first sight of a plan object, its own last
    // write is what is stored (a lagging watch event must not cause a second, identical write).
    if (plan?.uid !== p.uid) {
      services.reset();
      stored = obj.status;
    }
    plan = p;
    if (!changed) return;
    watchSecret(p.passwordSecretName);
    const decoded = decodeFrrConfig(p.frr);
    if (!decoded.ok) {
      outcome = { hash: p.frr.sha256, result: 'Failed', message: decoded.error.message };
      log.error('plan config unusable', { kind: decoded.error.kind, message: decoded.error.message });
      return kick();
    }
    config = decoded.value;
    configSha = p.frr.sha256;
    log.info('plan changed; applying', { generation: p.generation, sha256: p.frr.sha256.slice(0, 12), size: p.frr.size });
    void applier.apply(config);
    kick();
  }

  function watchSecret(name: string | undefined): void {
    if (secret?.name === name) return;
    const old = secret;
    secret = undefined;
    void old?.informer.stop();
    if (name === undefined) return;
    const informer = secretInformerFor(o.kube, o.namespace, name, log);
    // A changed password is applied although the config text is the same (the applier compares filled text).
    const reapply = (): void => void (config === undefined ? undefined : applier.apply(config));
    informer.on('add', reapply);
    informer.on('update', reapply);
    secret = { name, informer };
    void informer.start().catch(() => undefined);
  }

  /**
   * Reads the adj-rib-out when the plan, the running config or a session changed (at the next
   * {@link ADJ_BURST} polls) or the slow interval passed; never more than once per poll.
   */
  async function pollAdvertised(p: ParsedPlan): Promise<void> {
    if (config === undefined || configSha !== p.frr.sha256) return;
    const signature = JSON.stringify([p.frr.sha256, runningHash, (snapshot?.bgp ?? []).map((b) => [b.vrf, b.peer, b.state, b.prefixesSent])]);
    if (signature !== adjSignature) adjBurst = ADJ_BURST;
    adjSignature = signature;
    const now = o.clock.now();
    if (adjBurst === 0 && now - adjReadAt < (o.frr.advertisedIntervalMs ?? 30_000)) return;
    adjBurst = Math.max(0, adjBurst - 1);
    adjReadAt = now;
    if (expected?.sha !== p.frr.sha256) expected = { sha: p.frr.sha256, routes: expectedRoutesOf(config) };
    advertised = await readAdvertised(cli, p.frr.sha256, expected.routes);
  }

  const poll = async (): Promise<void> => {
    const p = plan;
    if (p !== undefined) {
      const s = await readFrrState(cli).catch((e: unknown) => ({ ok: false as const, error: { message: String(e) } }));
      snapshot = s.ok ? s.value : undefined;
      if (!s.ok) log.debug('cannot read FRR state', { reason: s.error.message });
      await pollAdvertised(p).catch((e: unknown) => log.warn('cannot read the adj-rib-out; retried at the next poll', { reason: String(e) }));
      kick();
    }
    if (!stopped) pollTimer = o.clock.setTimeout(() => void poll(), o.frr.stateIntervalMs);
  };

  applier.start();
  void poll();
  return {
    onPlan,
    onPlanDeleted: () => {
      log.info('plan deleted; FRR keeps its config until a new plan arrives');
      plan = undefined;
    },
    setConditions: (cs) => {
      extra = cs;
      kick();
    },
    stop: async () => {
      stopped = true;
      if (pollTimer !== undefined) o.clock.clearTimeout(pollTimer);
      applier.stop();
      await secret?.informer.stop();
      await passes.idle();
    },
  };
}
