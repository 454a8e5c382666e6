/**
 * IPAM end to end: `npm run bench -- ipam [--services N] [--burst B] [--concurrency C] [--rate R[,R…]]
 * [--steady-s D] [--idle-s I] [--rounds K] [--vs-metallb] [--node-flag F]… [--churn C] [--timeout-s S]`.
 *
 * Two parts, each on its own fresh control plane:
 * - the backlog + steady phases (ipam-backlog.ts, ipam-vs.ts): N pending Services (default
 *   10,000), then the controller starts (`backlog_10k_s`, `rss_10k_mib`, `idle_rss_mib`), then for
 *   each rate R in turn R creates/s for D s (default 10/s then 20/s, 60 s each; `steady_p99_ms` is
 *   the first rate's, `steady_steps` has each one with `steady_answered_p99_ms` counted from each
 *   create's answer, the wait of the create itself and whether it `saturated` the apiserver,
 *   whose own Service create rate is capped — ipam-backlog.ts); with `--vs-metallb` the same for the
 *   real MetalLB controller (METALLB_TS_METALLB_CONTROLLER, else built by hack/build-metallb.sh),
 *   order alternating per round;
 * - the burst below (the original bench), B Services (default 5,000) created while it runs;
 * - a churn phase (service-churn.ts) in its own namespace after the burst: --churn C Services
 *   created (default 400) and 4 of 5 deleted while later creates run, the operator restarted
 *   halfway; from ONE watch and the Events: writes_per_service (MODIFIED events per allocated
 *   Service), ip_allocated_events_per_service, ip_changes_under_churn (a live Service's IP changing).
 *
 * A real etcd + kube-apiserver, the metallb.io CRDs, one IPAddressPool 2001:db8:100::/112
 * (65,536 addresses) and the operator as a child process. Services are IPv6 SingleStack (the
 * harness's IPv4 ClusterIP range is a /25, its IPv6 one a /112), without NodePorts (the default
 * NodePort range holds 2,768). N Services (default 5,000) are created with C requests in flight
 * (default 32); ONE watch records when each Service's ingress appears. Reported:
 *
 * - all_allocated_s: first create request sent → last first-ingress received;
 * - latency_p50_ms / latency_p99_ms: per Service, create request sent → first ingress received;
 * - operator_rss_mib: the operator's peak RSS, sampled every 250 ms during the run;
 * - the allocator microbench (ipam-alloc.ts) and its ratio to the MetalLB-style linear scan;
 * - load_1m_mean / load_1m_max: the machine's 1-minute load average over the whole bench (each
 *   controller run prints its own; `backlog_load_1m_mean`, `metallb_backlog_load_1m_mean`).
 *
 * Gives up after --timeout-s (default 3600) with an error naming the phase. Cleans up everything.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { ControlPlane } from '../harness/control-plane.ts';
import { installCrds } from '../harness/crds.ts';
import { OperatorProcess } from '../harness/operator-process.ts';
import { allocatorMicrobench } from './ipam-alloc.ts';
import { cpuSecondsOf } from './proc-cpu.ts';
import { LoadSampler } from './load-sampler.ts';
import { compareControllers, type CompareArgs } from './ipam-vs.ts';
import { runChurn, ServiceAudit, settleChurn, type ChurnNumbers } from './service-churn.ts';
import { createServices, createToIngressMs, IngressTracker, percentile } from './service-load.ts';

const METALLB_NS = 'metallb-system';
const SERVICE_NS = 'ipam-bench';
const CHURN_NS = 'ipam-churn';
const POOL = { name: 'bench-v6', cidr: '2001:db8:100::/112' };

/** Command-line knobs. */
interface BenchArgs {
  /** Services of the burst part (`--burst`). */
  readonly services: number;
  readonly concurrency: number;
  readonly timeoutS: number;
  /** Services created in the churn phase (`--churn`). */
  readonly churn: number;
  /** The backlog + steady part. */
  readonly compare: Omit<CompareArgs, 'deadline'>;
}

/** Parses the flags in the module comment; throws on a bad value. */
function argsOf(argv: readonly string[]): BenchArgs {
  const { values } = parseArgs({
    args: [...argv], strict: true,
    options: {
      services: { type: 'string' }, burst: { type: 'string' }, concurrency: { type: 'string' }, 'timeout-s': { type: 'string' },
      rate: { type: 'string' }, 'steady-s': { type: 'string' }, 'idle-s': { type: 'string' }, rounds: { type: 'string' },
      'vs-metallb': { type: 'boolean' }, churn: { type: 'string' }, 'node-flag': { type: 'string', multiple: true },
    },
  });
  const int = (flag: string, text: string | undefined, fallback: number, min = 1): number => {
    const n = text === undefined ? fallback : Number(text);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${flag}: want an integer ≥ ${String(min)}, got ${JSON.stringify(text)}`);
    return n;
  };
  const concurrency = int('concurrency', values.concurrency, 32);
  return {
    services: int('burst', values.burst, 5000, 0),
    concurrency,
    timeoutS: int('timeout-s', values['timeout-s'], 3600),
    churn: int('churn', values.churn, 400),
    compare: {
      services: int('services', values.services, 10_000), concurrency, rates: ratesOf(values.rate),
      steadyS: int('steady-s', values['steady-s'], 60), idleS: int('idle-s', values['idle-s'], 10),
      rounds: int('rounds', values.rounds, 1), vsMetallb: values['vs-metallb'] ?? false, nodeFlags: values['node-flag'] ?? [],
    },
  };
}

/**
 * `--rate 10,20`: steady-phase rates in creates/s, run in order; the first is the headline.
 * After a 10,000-Service backlog this machine's kube-apiserver takes at most ~15 Service
 * creates/s whichever controller runs (its ClusterIP allocation is O(Services) under one lock,
 * see ipam-backlog.ts), so the default runs 10/s, below that, then 20/s, just above it.
 * `--rate 50` reproduces the saturation.
 */
export function ratesOf(text: string | undefined): number[] {
  const rates = (text ?? '10,20').split(',').map((t) => Number(t.trim()));
  if (rates.length === 0 || rates.some((r) => !Number.isInteger(r) || r < 1)) throw new Error(`--rate: want integers ≥ 1, comma-separated, got ${JSON.stringify(text)}`);
  return rates;
}

/** Rejects with a clear error when `deadline` (performance.now() ms) passes before `p` settles. */
async function before<T>(p: Promise<T>, deadline: number, phase: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`ipam bench: gave up during "${phase}" (time budget exhausted)`)), Math.max(0, deadline - performance.now()));
  });
  try {
    return await Promise.race([p, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** Where the backlog part puts things: the same pool and namespaces as the burst part. */
const LAYOUT = { metallbNamespace: METALLB_NS, serviceNamespace: SERVICE_NS, createPool: (cp: ControlPlane) => createPool(cp.kubeConfig) };

/** Creates the bench's IPAddressPool. */
async function createPool(kc: KubeConfig): Promise<void> {
  await kc.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
    group: 'metallb.io', version: 'v1beta1', namespace: METALLB_NS, plural: 'ipaddresspools',
    body: { apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: { name: POOL.name, namespace: METALLB_NS }, spec: { addresses: [POOL.cidr] } },
  });
}

/** Peak of a sampled value. */
class PeakSampler {
  #peak = 0;
  readonly #timer: NodeJS.Timeout;
  constructor(sample: () => number | undefined, everyMs: number) {
    const take = (): void => {
      this.#peak = Math.max(this.#peak, sample() ?? 0);
    };
    take();
    this.#timer = setInterval(take, everyMs);
  }
  /** Stops sampling; returns the peak. */
  stop(): number {
    clearInterval(this.#timer);
    return this.#peak;
  }
}

const round = (x: number, digits = 1): number => Number(x.toFixed(digits));

/** What the end-to-end part measured. */
interface LoadResult {
  services: number;
  allocated: number;
  distinct_ips: number;
  all_allocated_s: number;
  latency_p50_ms: number;
  latency_p99_ms: number;
  latency_max_ms: number;
  operator_rss_mib: number;
  /** CPU seconds the operator used from the first create to the last allocation. */
  operator_cpu_s: number;
  create_rate_per_s: number;
  create_retries: number;
  watch_errors: number;
  /** Churn phase: effective writes (MODIFIED events) per allocated Service. */
  writes_per_service: number;
  /** Churn phase: IPAllocated occurrences per allocated Service. */
  ip_allocated_events_per_service: number;
  /** Churn phase: changes of a live Service's IP once set. */
  ip_changes_under_churn: number;
}

/** Control plane up, operator running and proven live; the load; the measurements. */
async function loadRun(a: BenchArgs, deadline: number): Promise<LoadResult> {
  const cp = await before(ControlPlane.start(), deadline, 'control plane start');
  let op: OperatorProcess | undefined;
  let tracker: IngressTracker | undefined;
  try {
    await before((async () => {
      await installCrds(cp.kubeConfig);
      await cp.ensureNamespace(METALLB_NS);
      await cp.ensureNamespace(SERVICE_NS);
      await createPool(cp.kubeConfig);
    })(), deadline, 'CRDs, namespaces, pool');
    tracker = new IngressTracker(cp.kube, SERVICE_NS);
    await before(tracker.start(), deadline, 'service watch');
    op = await before(OperatorProcess.start({ kubeconfigPath: cp.kubeconfigPath, namespace: METALLB_NS, identity: 'bench', logFile: join(cp.dir, 'operator.log') }), deadline, 'operator start');
    await before(op.waitReady(Math.max(0, deadline - performance.now())), deadline, 'operator ready');
    // Warm-up: one Service allocated proves the operator leads, has the pool and finished its initial pass.
    await createServices(cp.kubeConfig, { namespace: SERVICE_NS, names: ['warmup'] });
    if (!(await tracker.waitForIngress(['warmup'], Math.max(0, deadline - performance.now())))) throw new Error('ipam bench: the warm-up Service got no IP in time');

    const names = Array.from({ length: a.services }, (_, i) => `svc-${String(i).padStart(5, '0')}`);
    const running = op;
    const rss = new PeakSampler(() => (running.rssKiB() ?? 0) / 1024, 250);
    // 0 when unreadable, as for an operator that has exited.
    const cpu0 = cpuSecondsOf(running.pid) ?? 0;
    const t0 = performance.now();
    const created = await before(createServices(cp.kubeConfig, { namespace: SERVICE_NS, names, concurrency: a.concurrency }), deadline, 'creating Services');
    const all = await tracker.waitForIngress(names, Math.max(0, deadline - performance.now()));
    const peakRss = rss.stop();
    const cpuS = (cpuSecondsOf(running.pid) ?? 0) - cpu0;
    const allocated = tracker.countWithIngress(names);
    if (!all) console.error(`ipam bench: gave up waiting for IPs: ${String(allocated)} of ${String(a.services)} allocated`);
    const lat = createToIngressMs(created.requestedAt, tracker.firstIngressAt);
    const lastAt = Math.max(...names.map((n) => tracker?.firstIngressAt.get(n) ?? Number.NaN));
    const restart = async (): Promise<void> => {
      await op?.stop();
      op = await OperatorProcess.start({ kubeconfigPath: cp.kubeconfigPath, namespace: METALLB_NS, identity: 'bench-2', logFile: join(cp.dir, 'operator-2.log') });
      await op.waitReady(Math.max(0, deadline - performance.now()));
    };
    const churn = await before(churnPhase(cp, a.churn, restart, deadline), deadline, 'churn');
    return {
      services: a.services, allocated,
      distinct_ips: new Set(names.map((n) => tracker?.ingress(n) ?? '').filter((ip) => ip !== '')).size,
      all_allocated_s: all ? round((lastAt - t0) / 1000, 2) : Number.NaN,
      latency_p50_ms: round(percentile(lat, 50)), latency_p99_ms: round(percentile(lat, 99)), latency_max_ms: round(percentile(lat, 100)),
      operator_rss_mib: round(peakRss), operator_cpu_s: round(cpuS),
      create_rate_per_s: round(a.services / (created.durationMs / 1000)),
      create_retries: created.retries, watch_errors: tracker.errors.length,
      writes_per_service: round(churn.writesPerService, 3), ip_allocated_events_per_service: round(churn.eventsPerService, 3),
      ip_changes_under_churn: churn.ipChanges,
    };
  } finally {
    await op?.stop();
    await tracker?.stop();
    await cp.stop();
  }
}

/** Churn in its own namespace with an operator restart halfway; the audit's numbers. */
async function churnPhase(cp: ControlPlane, creates: number, restart: () => Promise<void>, deadline: number): Promise<ChurnNumbers> {
  await cp.ensureNamespace(CHURN_NS);
  const audit = new ServiceAudit(cp.kube, CHURN_NS);
  await audit.start();
  try {
    await runChurn(cp.kubeConfig, { namespace: CHURN_NS, creates, deletes: Math.floor((creates * 4) / 5), concurrency: 32, midway: restart, prefix: 'churn', hasIngress: (n) => audit.hasIngress(n) });
    return await settleChurn(audit, cp.kubeConfig, CHURN_NS, Math.max(0, deadline - performance.now()));
  } finally {
    await audit.stop();
  }
}

/** Prints the human table. */
function printTable(r: Record<string, unknown>): void {
  const rows: Array<[string, string]> = [
    ['Services allocated', `${String(r.allocated)} / ${String(r.services)} (${String(r.distinct_ips)} distinct IPs)`],
    ['all allocated after', `${String(r.all_allocated_s)} s`],
    ['create → ingress p50 / p99 / max', `${String(r.latency_p50_ms)} / ${String(r.latency_p99_ms)} / ${String(r.latency_max_ms)} ms`],
    ['apiserver create rate', `${String(r.create_rate_per_s)} /s (${String(r.create_retries)} retries)`],
    ['operator peak RSS / CPU during the run', `${String(r.operator_rss_mib)} MiB / ${String(r.operator_cpu_s)} s`],
    ['churn: writes / IPAllocated per Service', `${String(r.writes_per_service)} / ${String(r.ip_allocated_events_per_service)}`],
    ['churn: live IPs changed', String(r.ip_changes_under_churn)],
    ['allocator: fill /16 (65,536)', `${String(r.fill_slash16_ms)} ms`],
    ['allocator: one alloc from a /64', `${String(r.alloc_slash64_us)} µs`],
    ['linear scan: fill /16', `${String(r.naive_fill_slash16_ms)} ms (×${String(r.naive_ratio)})`],
  ];
  for (const [k, v] of rows) console.log(`${k.padEnd(40)} ${v}`);
}

/** Bench entry point (see test/bench/run.ts). */
export async function run(argv: readonly string[]): Promise<Record<string, unknown>> {
  const a = argsOf(argv);
  const deadline = performance.now() + a.timeoutS * 1000;
  const machine = new LoadSampler();
  // CPU-only part first, while nothing else runs on the machine.
  const micro = await allocatorMicrobench();
  const compared = await compareControllers({ ...a.compare, deadline }, LAYOUT);
  // `--burst 0` skips the burst part (quick memory runs); its keys are then absent.
  const load = a.services === 0 ? undefined : await loadRun(a, deadline);
  const busy = machine.stop();
  const result = {
    ...load, ...micro, naive_ratio: round(micro.naive_fill_slash16_ms / micro.fill_slash16_ms), concurrency: a.concurrency, ...compared,
    load_1m_mean: busy.mean, load_1m_max: busy.max,
  };
  console.log(`machine load (1-minute average) over the whole bench: mean ${String(busy.mean)}, max ${String(busy.max)}`);
  if (load === undefined) return result;
  printTable(result);
  if (load.allocated < load.services) throw new Error(`ipam bench: only ${String(load.allocated)} of ${String(load.services)} Services got an IP before the time budget ran out`);
  return result;
}
