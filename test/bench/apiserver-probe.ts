/**
 * What the apiserver did during a bench phase: its request counters (`apiserver_request_total`
 * from /metrics, by verb, resource and code) and the CPU seconds of kube-apiserver, etcd and
 * the controller under test, read at the phase's start and end. A latency measured through the
 * apiserver means little without knowing who else was keeping it busy; this says who.
 *
 * ```ts
 * const probe = new ApiserverProbe(cp);
 * probe.controllerPid = controller.pid;
 * const a = await probe.snapshot();
 * ...phase...
 * console.error(phaseLine('steady', a, await probe.snapshot()));
 * ```
 */
import { performance } from 'node:perf_hooks';
import type { ControlPlane } from '../harness/control-plane.ts';
import { cpuSecondsOf } from './proc-cpu.ts';

/** One reading. */
export interface ApiserverSnapshot {
  /** performance.now() of the reading. */
  readonly at: number;
  /** `VERB resource[/subresource] code` → requests answered so far. */
  readonly requests: ReadonlyMap<string, number>;
  /** ClusterIP allocations so far and the seconds they took (kube_apiserver_clusterip_allocator_allocation_duration_seconds). */
  readonly clusterIp: { readonly count: number; readonly seconds: number };
  /** CPU seconds so far (undefined: the process is gone). */
  readonly cpuS: { readonly apiserver?: number | undefined; readonly etcd?: number | undefined; readonly controller?: number | undefined };
}

const LABEL = /(\w+)="((?:[^"\\]|\\.)*)"/g;

/**
 * `apiserver_request_total` samples of a /metrics text, summed by verb, resource (with its
 * subresource) and code: other labels (group, version, scope, component) are folded.
 */
export function requestTotals(metrics: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of metrics.split('\n')) {
    if (!line.startsWith('apiserver_request_total{')) continue;
    const close = line.lastIndexOf('}');
    const value = Number(line.slice(close + 1).trim());
    if (!Number.isFinite(value)) continue;
    const labels = new Map<string, string>();
    for (const m of line.slice(0, close).matchAll(LABEL)) labels.set(m[1] ?? '', m[2] ?? '');
    const sub = labels.get('subresource') ?? '';
    const key = `${labels.get('verb') ?? '?'} ${labels.get('resource') ?? '?'}${sub === '' ? '' : `/${sub}`} ${labels.get('code') ?? '?'}`;
    out.set(key, (out.get(key) ?? 0) + value);
  }
  return out;
}

/**
 * Count and sum of `kube_apiserver_clusterip_allocator_allocation_duration_seconds` over every
 * Service CIDR. kube-apiserver allocates a ClusterIP under one lock (ipallocator.MetaAllocator)
 * held across the IPAddress write, so 1 / (mean allocation time) is a ceiling on its Service
 * create rate.
 */
export function clusterIpAllocations(metrics: string): { count: number; seconds: number } {
  let count = 0;
  let seconds = 0;
  for (const line of metrics.split('\n')) {
    const m = /^kube_apiserver_clusterip_allocator_allocation_duration_seconds_(sum|count)\{[^}]*\}\s+(\S+)$/.exec(line);
    if (m === null) continue;
    const v = Number(m[2]);
    if (!Number.isFinite(v)) continue;
    if (m[1] === 'sum') seconds += v;
    else count += v;
  }
  return { count, seconds };
}

/** Requests answered between two readings, largest first, zero deltas left out. */
export function requestDeltas(a: ApiserverSnapshot, b: ApiserverSnapshot): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  for (const [key, n] of b.requests) {
    const d = n - (a.requests.get(key) ?? 0);
    if (d > 0) out.push([key, d]);
  }
  return out.sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]));
}

/** Requests between two readings whose key starts with `prefix` (e.g. `POST events`). */
export function countOf(a: ApiserverSnapshot, b: ApiserverSnapshot, prefix: string): number {
  return requestDeltas(a, b).filter(([k]) => k.startsWith(`${prefix} `)).reduce((s, [, n]) => s + n, 0);
}

/** Reads the control plane's /metrics (kubectl, admin identity) and the three processes' CPU. */
export class ApiserverProbe {
  readonly #cp: ControlPlane;
  #controllerPid: number | undefined;

  constructor(cp: ControlPlane) {
    this.#cp = cp;
  }

  /** The controller whose CPU later readings include. */
  set controllerPid(pid: number | undefined) {
    this.#controllerPid = pid;
  }

  /** One reading; throws when /metrics cannot be read. */
  async snapshot(): Promise<ApiserverSnapshot> {
    const r = await this.#cp.kubectl(['get', '--raw', '/metrics']);
    if (r.exitCode !== 0) throw new Error(`kubectl get --raw /metrics: exit ${String(r.exitCode)}: ${r.stderr.slice(0, 300)}`);
    const pids = this.#cp.pids;
    return {
      at: performance.now(), requests: requestTotals(r.stdout), clusterIp: clusterIpAllocations(r.stdout),
      cpuS: {
        apiserver: cpuSecondsOf(pids.apiserver), etcd: cpuSecondsOf(pids.etcd),
        // No controller yet: it has used no CPU (so a phase that starts it counts all of it).
        controller: this.#controllerPid === undefined ? 0 : cpuSecondsOf(this.#controllerPid),
      },
    };
  }
}

/** What happened between two readings, as numbers (for a RESULT line). */
export interface PhaseSummary {
  readonly seconds: number;
  /** CPU seconds used per wall second (1 = one full core). */
  readonly apiserver_cores: number;
  readonly etcd_cores: number;
  readonly controller_cores: number;
  /** Requests per second, all kinds together. */
  readonly requests_per_s: number;
  /** Mean ClusterIP allocation time in the phase (NaN: none), and the Service create ceiling it implies (1000 / it). */
  readonly clusterip_alloc_ms: number;
  readonly clusterip_ceiling_per_s: number;
  /** The busiest request kinds, `VERB resource code` → count. */
  readonly top: ReadonlyArray<readonly [string, number]>;
}

/** Summary of a phase; `top` keeps the `topN` busiest kinds. */
export function phaseSummary(a: ApiserverSnapshot, b: ApiserverSnapshot, topN = 8): PhaseSummary {
  const s = Math.max(1e-3, (b.at - a.at) / 1000);
  const cores = (x: number | undefined, y: number | undefined): number => (x === undefined || y === undefined ? Number.NaN : Number(((y - x) / s).toFixed(2)));
  const deltas = requestDeltas(a, b);
  const total = deltas.reduce((sum, [, n]) => sum + n, 0);
  return {
    seconds: Number(s.toFixed(1)),
    apiserver_cores: cores(a.cpuS.apiserver, b.cpuS.apiserver), etcd_cores: cores(a.cpuS.etcd, b.cpuS.etcd),
    controller_cores: cores(a.cpuS.controller, b.cpuS.controller),
    requests_per_s: Number((total / s).toFixed(1)), top: deltas.slice(0, topN),
    ...allocCeiling(b.clusterIp.count - a.clusterIp.count, b.clusterIp.seconds - a.clusterIp.seconds),
  };
}

function allocCeiling(count: number, seconds: number): { clusterip_alloc_ms: number; clusterip_ceiling_per_s: number } {
  if (count <= 0) return { clusterip_alloc_ms: Number.NaN, clusterip_ceiling_per_s: Number.NaN };
  const ms = (seconds * 1000) / count;
  return { clusterip_alloc_ms: Number(ms.toFixed(1)), clusterip_ceiling_per_s: Number((1000 / ms).toFixed(1)) };
}

/** One human line of a phase summary. */
export function phaseLine(name: string, p: PhaseSummary): string {
  const top = p.top.map(([k, n]) => `${k} ×${String(n)}`).join(', ');
  const alloc = Number.isNaN(p.clusterip_alloc_ms) ? '' : `; ClusterIP allocation ${String(p.clusterip_alloc_ms)} ms each under the apiserver's lock (ceiling ${String(p.clusterip_ceiling_per_s)} creates/s)`;
  return `${name} ${String(p.seconds)} s: apiserver ${String(p.apiserver_cores)} cores, etcd ${String(p.etcd_cores)}, controller ${String(p.controller_cores)}; ${String(p.requests_per_s)} req/s (${top})${alloc}`;
}
