/**
 * The IPAM bench's backlog + steady phases, run once per controller on a fresh control plane:
 *
 * 1. backlog: N Services are created while NO controller runs (an upgrade, a restore); then the
 *    controller is started and `backlog_s` = process spawned → last Service's first ingress seen.
 *    `peak_rss_mib` is the controller's peak RSS from spawn to that moment (N Services cached and
 *    allocated); `idle_rss_mib` its RSS after `idleS` seconds of nothing happening.
 * 2. steady: for each rate of `rates` in turn, that many creates per second for `steadyS` seconds
 *    (open loop); `p50_ms` / `p99_ms` = create request sent → first ingress seen. The first rate
 *    is the headline (`steady_p99_ms`); a step is `saturated` when the creates themselves queued
 *    at the apiserver (create sent → answered p99 over 1 s, or creates failing). kube-apiserver
 *    1.36 allocates each ClusterIP under one lock (ipallocator.MetaAllocator) held across the
 *    IPAddress write, and that write refreshes its allocated/available gauges by listing every
 *    IPAddress (Allocator.Used, twice): a Service create costs O(Services), serialized. On the
 *    2 cores here that is ~13 ms each at 2,000 Services and ~65 ms at 11,000, a ceiling of
 *    ~15 creates/s after the backlog whichever controller runs (each phase prints the mean
 *    allocation time and the ceiling; `pending_creates_per_s` is the closed-loop rate with no
 *    controller). Above the ceiling the latency measured is the apiserver's queue.
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
import { ApiserverProbe, countOf, phaseLine, phaseSummary, type ApiserverSnapshot, type PhaseSummary } from './apiserver-probe.ts';
import { createServices, createToIngressMs, IngressTracker, percentile } from './service-load.ts';

/** Sizes of one backlog run. */
export interface BacklogArgs {
  readonly services: number;
  readonly concurrency: number;
  /** Steady-phase rates (creates/s), run in this order; the first is the headline. */
  readonly rates: readonly number[];
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
  /** Who kept the apiserver busy in the backlog and idle phases (apiserver /metrics and /proc CPU). */
  readonly phases: { readonly backlog: PhaseSummary; readonly idle: PhaseSummary };
  /** Service creates/s the apiserver took while the backlog was created (closed loop, no controller running). */
  readonly pending_creates_per_s: number;
  /** One entry per steady rate; the first is the headline above. */
  readonly steady_steps: readonly SteadyStep[];
}

/** One steady rate. */
export interface SteadyStep {
  readonly rate: number;
  readonly services: number;
  /** Create sent → first ingress seen. */
  readonly p50_ms: number;
  readonly p99_ms: number;
  /** Create answered → first ingress seen: the controller's share. */
  readonly answered_p99_ms: number;
  /** Create sent → create answered: the wait at the apiserver. */
  readonly create_wait_p99_ms: number;
  /** Creates that failed after their retries (not measured). */
  readonly failures: number;
  /** The creates queued at the apiserver (create_wait_p99_ms over 1 s, or failures): not below saturation. */
  readonly saturated: boolean;
  readonly phase: PhaseSummary;
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
    const pending = await createServices(cp.kubeConfig, { namespace: layout.serviceNamespace, names, concurrency: a.concurrency });
    const pendingPerS = round(a.services / Math.max(1e-3, pending.durationMs / 1000));
    console.error(`[${ctl.name}] the apiserver took ${String(pendingPerS)} Service creates/s with no controller running (closed loop, ${String(a.concurrency)} in flight)`);

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
    const eventsUnwritten = Math.max(0, a.services - countOf(atStart, atSteady, 'POST events'));
    console.error(`[${ctl.name}] ${phaseLine('backlog', phases0.backlog)}`);
    console.error(`[${ctl.name}] ${phaseLine('idle', phases0.idle)}`);
    console.error(`[${ctl.name}] events not yet written when the steady phase starts: ${String(eventsUnwritten)} of ${String(a.services)}`);

    const steps: SteadyStep[] = [];
    let atStep = atSteady;
    for (const [i, rate] of a.rates.entries()) {
      const done = await steadyStep(cp, tracker, running, a, layout.serviceNamespace, rate, `s${String(i)}-`, atStep, probe, ctl.name);
      steps.push(done.step);
      atStep = done.after;
    }
    const head = steps[0];
    if (head === undefined) throw new Error('no steady rate given');

    const samples = running.memorySamples();
    const machine = load.stop();
    return {
      controller: ctl.name, services: a.services,
      backlog_s: backlogS, peak_rss_mib: round(peakKiB / 1024), idle_rss_mib: round(idleKiB / 1024),
      steady_p50_ms: head.p50_ms, steady_p99_ms: head.p99_ms, steady_services: head.services,
      steady_answered_p99_ms: head.answered_p99_ms, steady_create_failures: head.failures,
      at_peak: peakSample(samples, wall0, wallAll), idle: samples.filter((s) => s.at <= wallIdle).at(-1),
      load_1m_mean: machine.mean, load_1m_max: machine.max,
      steady_create_p99_ms: head.create_wait_p99_ms, events_unwritten_at_steady: eventsUnwritten,
      phases: phases0, pending_creates_per_s: pendingPerS, steady_steps: steps,
    };
  } finally {
    load.stop();
    await running?.stop();
    await tracker.stop();
    await cp.stop();
  }
}

/**
 * One steady rate: `rate` creates/s for `a.steadyS` s, then until each created Service has an IP.
 * `after` is the reading that ends the step, so the next step starts from it.
 */
async function steadyStep(
  cp: ControlPlane, tracker: IngressTracker, running: RunningController, a: BacklogArgs, namespace: string,
  rate: number, prefix: string, before: ApiserverSnapshot, probe: ApiserverProbe, who: string,
): Promise<{ step: SteadyStep; after: ApiserverSnapshot }> {
  console.error(`[${who}] steady: ${String(rate)}/s for ${String(a.steadyS)} s`);
  const names = Array.from({ length: rate * a.steadyS }, (_, i) => `${prefix}${String(i).padStart(5, '0')}`);
  const created = await createAtRate(cp.kubeConfig, { namespace, names, perSecond: rate });
  const failed = new Set(created.failed);
  if (failed.size > 0) {
    const why = [...created.failureReasons].map(([r, n]) => `${r} ×${String(n)}`).join(', ');
    console.error(`[${who}] steady ${String(rate)}/s: ${String(failed.size)} creates failed after their retries (left out; ${why})`);
  }
  const ok = names.filter((n) => !failed.has(n));
  if (!(await allOrExit(tracker, ok, running, a.deadline))) throw new Error(`[${who}] steady ${String(rate)}/s: not every Service got an IP in time`);
  const after = await probe.snapshot();
  const phase = phaseSummary(before, after);
  const requested = requestedOf(created.requestedAt, failed);
  const lat = createToIngressMs(requested, tracker.firstIngressAt);
  const wait = createToIngressMs(requested, created.answeredAt);
  // An ingress seen before the create's answer arrived counts as 0.
  const afterAnswer = createToIngressMs(created.answeredAt, tracker.firstIngressAt).map((ms) => Math.max(0, ms));
  const waitP99 = round(percentile(wait, 99));
  const step: SteadyStep = {
    rate, services: ok.length, p50_ms: round(percentile(lat, 50)), p99_ms: round(percentile(lat, 99)),
    answered_p99_ms: round(percentile(afterAnswer, 99)), create_wait_p99_ms: waitP99, failures: failed.size,
    saturated: saturated(waitP99, failed.size), phase,
  };
  console.error(`[${who}] ${stepLine(step)}`);
  return { step, after };
}

/** A step whose creates waited longer than this at the apiserver (p99) was not below saturation. */
export const SATURATED_WAIT_MS = 1000;

/** Whether a step's creates queued at the apiserver: a wait p99 over {@link SATURATED_WAIT_MS} (or none measured), or failures. */
export function saturated(createWaitP99Ms: number, failures: number): boolean {
  return failures > 0 || !(createWaitP99Ms <= SATURATED_WAIT_MS);
}

/** One human line of a steady step. */
export function stepLine(s: SteadyStep): string {
  return `steady ${String(s.rate)}/s: sent → IP p50/p99 ${String(s.p50_ms)}/${String(s.p99_ms)} ms, answered → IP p99 ${String(s.answered_p99_ms)} ms, create waited p99 ${String(s.create_wait_p99_ms)} ms, ${String(s.services)} Services, ${String(s.failures)} failed${s.saturated ? ' — SATURATED: the creates queued at the apiserver' : ''}; ${phaseLine('during it', s.phase)}`;
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
