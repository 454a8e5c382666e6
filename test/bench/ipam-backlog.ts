/**
 * The IPAM bench's backlog + steady phases, run once per controller on a fresh control plane:
 *
 * 1. backlog: N Services are created while NO controller runs (an upgrade, a restore); then the
 *    controller is started and `backlog_s` = process spawned → last Service's first ingress seen.
 *    `peak_rss_mib` is the controller's peak RSS from spawn to that moment (N Services cached and
 *    allocated); `idle_rss_mib` its RSS after `idleS` seconds of nothing happening.
 * 2. steady: `rate` creates per second for `steadyS` seconds (open loop, below saturation);
 *    `steady_p50_ms` / `steady_p99_ms` = create request sent → first ingress seen.
 *
 * The same code drives this project's operator and the real MetalLB controller (see
 * ipam-controllers.ts), so both numbers come from the same apiserver build and the same client.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { ControlPlane } from '../harness/control-plane.ts';
import { installCrds } from '../harness/crds.ts';
import type { ControllerUnderTest, RunningController } from './ipam-controllers.ts';
import type { MemorySample } from './memory-probe.ts';
import { peakSample } from './memory-probe.ts';
import { LoadSampler } from './load-sampler.ts';
import { createAtRate } from './rate-load.ts';
import { ApiserverProbe, countOf, phaseLine, phaseSummary, type PhaseSummary } from './apiserver-probe.ts';
import { createServices, createToIngressMs, IngressTracker, percentile } from './service-load.ts';

/** Sizes of one backlog run. */
export interface BacklogArgs {
  readonly services: number;
  readonly concurrency: number;
  readonly rate: number;
  readonly steadyS: number;
  readonly idleS: number;
  /** performance.now() deadline of the whole bench. */
  readonly deadline: number;
}

/** What one controller did. */
export interface BacklogResult {
  readonly controller: string;
  readonly services: number;
  readonly backlog_s: number;
  readonly peak_rss_mib: number;
  readonly idle_rss_mib: number;
  readonly steady_p50_ms: number;
  readonly steady_p99_ms: number;
  readonly steady_services: number;
  /**
   * Create answered → first ingress seen, p99: the controller's share without the time a create
   * waited at the apiserver (which dominates when the open-loop rate saturates a loaded apiserver).
   */
  readonly steady_answered_p99_ms: number;
  /** Steady creates that failed after their retries (not measured). */
  readonly steady_create_failures: number;
  /** Node's memory split when RSS peaked (metallb-ts only). */
  readonly at_peak?: MemorySample | undefined;
  readonly idle?: MemorySample | undefined;
  /** The machine's 1-minute load average from control plane up to the last steady IP. */
  readonly load_1m_mean: number;
  readonly load_1m_max: number;
  /** Create sent → create answered, p99: how long the steady creates waited at the apiserver. */
  readonly steady_create_p99_ms: number;
  /** `IPAllocated`-era Events the controller had not yet written when the steady phase began. */
  readonly events_unwritten_at_steady: number;
  /** Who kept the apiserver busy in each phase (apiserver /metrics and /proc CPU). */
  readonly phases: { readonly backlog: PhaseSummary; readonly idle: PhaseSummary; readonly steady: PhaseSummary };
}

const MIB = 1024 * 1024;
const round = (x: number, digits = 1): number => Number(x.toFixed(digits));
const left = (deadline: number): number => Math.max(0, deadline - performance.now());

/** Pool and namespaces as in ipam.bench.ts. */
export interface BacklogLayout {
  readonly metallbNamespace: string;
  readonly serviceNamespace: string;
  readonly createPool: (cp: ControlPlane) => Promise<void>;
}

/** Runs phase 1 and 2 for `ctl` on a new control plane; everything is stopped afterwards. */
export async function backlogRun(ctl: ControllerUnderTest, a: BacklogArgs, layout: BacklogLayout): Promise<BacklogResult> {
  const cp = await ControlPlane.start();
  const load = new LoadSampler();
  let running: RunningController | undefined;
  const tracker = new IngressTracker(cp.kube, layout.serviceNamespace);
  try {
    await installCrds(cp.kubeConfig);
    await cp.ensureNamespace(layout.metallbNamespace);
    await cp.ensureNamespace(layout.serviceNamespace);
    await layout.createPool(cp);
    await tracker.start();
    const names = Array.from({ length: a.services }, (_, i) => `b-${String(i).padStart(5, '0')}`);
    console.error(`[${ctl.name}] creating ${String(a.services)} pending Services`);
    await createServices(cp.kubeConfig, { namespace: layout.serviceNamespace, names, concurrency: a.concurrency });

    console.error(`[${ctl.name}] starting the controller on the backlog`);
    const probe = new ApiserverProbe(cp);
    const atStart = await probe.snapshot();
    const t0 = performance.now();
    const wall0 = Date.now();
    running = await ctl.start(cp, layout.metallbNamespace);
    const ctlNow = running;
    probe.controllerPid = running.pid;
    let peakKiB = 0;
    const sampler = setInterval(() => {
      peakKiB = Math.max(peakKiB, ctlNow.rssKiB() ?? 0);
    }, 100);
    const all = await allOrExit(tracker, names, ctlNow, a.deadline);
    clearInterval(sampler);
    const lastAt = Math.max(...names.map((n) => tracker.firstIngressAt.get(n) ?? Number.NaN));
    if (!all) throw new Error(`[${ctl.name}] backlog: ${String(tracker.countWithIngress(names))} of ${String(a.services)} Services got an IP in time`);
    const wallAll = Date.now();
    const atBacklog = await probe.snapshot();
    const backlogS = round((lastAt - t0) / 1000, 2);
    // Printed at once: a later phase failing must not lose it.
    console.error(`[${ctl.name}] backlog ${String(a.services)}: ${String(backlogS)} s, peak RSS ${String(round(peakKiB / 1024))} MiB`);

    await sleep(a.idleS * 1000);
    const idleKiB = running.rssKiB() ?? 0;
    const wallIdle = Date.now();
    const atSteady = await probe.snapshot();
    const phases0 = { backlog: phaseSummary(atStart, atBacklog), idle: phaseSummary(atBacklog, atSteady) };
    const eventsUnwritten = Math.max(0, a.services - countOf(atStart, atSteady, 'POST events') - countOf(atStart, atSteady, 'CREATE events'));
    console.error(`[${ctl.name}] ${phaseLine('backlog', phases0.backlog)}`);
    console.error(`[${ctl.name}] ${phaseLine('idle', phases0.idle)}`);
    console.error(`[${ctl.name}] events not yet written when the steady phase starts: ${String(eventsUnwritten)} of ${String(a.services)}`);

    console.error(`[${ctl.name}] steady: ${String(a.rate)}/s for ${String(a.steadyS)} s`);
    const steadyNames = Array.from({ length: a.rate * a.steadyS }, (_, i) => `s-${String(i).padStart(5, '0')}`);
    const created = await createAtRate(cp.kubeConfig, { namespace: layout.serviceNamespace, names: steadyNames, perSecond: a.rate });
    const failed = new Set(created.failed);
    if (failed.size > 0) {
      const why = [...created.failureReasons].map(([r, n]) => `${r} ×${String(n)}`).join(', ');
      console.error(`[${ctl.name}] steady: ${String(failed.size)} creates failed after their retries (left out; ${why})`);
    }
    const steadyCreated = steadyNames.filter((n) => !failed.has(n));
    if (!(await allOrExit(tracker, steadyCreated, running, a.deadline))) throw new Error(`[${ctl.name}] steady: not every Service got an IP in time`);
    const steadyPhase = phaseSummary(atSteady, await probe.snapshot());
    console.error(`[${ctl.name}] ${phaseLine('steady', steadyPhase)}`);
    const createWait = createToIngressMs(requestedOf(created.requestedAt, failed), created.answeredAt);
    const lat = createToIngressMs(requestedOf(created.requestedAt, failed), tracker.firstIngressAt);
    // An ingress seen before the create's answer arrived counts as 0.
    const afterAnswer = createToIngressMs(created.answeredAt, tracker.firstIngressAt).map((ms) => Math.max(0, ms));

    const samples = running.memorySamples();
    const machine = load.stop();
    return {
      controller: ctl.name, services: a.services,
      backlog_s: backlogS, peak_rss_mib: round(peakKiB / 1024), idle_rss_mib: round(idleKiB / 1024),
      steady_p50_ms: round(percentile(lat, 50)), steady_p99_ms: round(percentile(lat, 99)), steady_services: steadyCreated.length,
      steady_answered_p99_ms: round(percentile(afterAnswer, 99)), steady_create_failures: failed.size,
      at_peak: peakSample(samples, wall0, wallAll), idle: samples.filter((s) => s.at <= wallIdle).at(-1),
      load_1m_mean: machine.mean, load_1m_max: machine.max,
      steady_create_p99_ms: round(percentile(createWait, 99)), events_unwritten_at_steady: eventsUnwritten,
      phases: { ...phases0, steady: steadyPhase },
    };
  } finally {
    load.stop();
    await running?.stop();
    await tracker.stop();
    await cp.stop();
  }
}

/** `requestedAt` without the names in `failed`. */
function requestedOf(requestedAt: ReadonlyMap<string, number>, failed: ReadonlySet<string>): Map<string, number> {
  return new Map([...requestedAt].filter(([n]) => !failed.has(n)));
}

/** Waits until every name has an ingress; false at the deadline; throws when the controller exited. */
async function allOrExit(tracker: IngressTracker, names: readonly string[], ctl: RunningController, deadline: number): Promise<boolean> {
  while (performance.now() < deadline) {
    if (await tracker.waitForIngress(names, Math.min(2000, left(deadline)))) return true;
    if (ctl.rssKiB() === undefined) throw new Error(`the controller exited; see ${ctl.logFile}`);
  }
  return false;
}

/** One line of Node's memory split, in MiB. */
export function memoryLine(s: MemorySample | undefined): string {
  if (s === undefined) return 'n/a';
  const f = (b: number): string => (b / MIB).toFixed(0);
  return `rss ${f(s.rss)} = heap ${f(s.heapTotal)} (used ${f(s.heapUsed)}) + external ${f(s.external)} (buffers ${f(s.arrayBuffers)}) + code/stacks/other ${f(s.rss - s.heapTotal - s.external)}`;
}
