/**
 * The IPAM bench's controller comparison: the backlog + steady phases (ipam-backlog.ts) for this
 * project's operator and, with `--vs-metallb`, for the real MetalLB controller too, in rounds whose
 * order alternates (round 1: metallb-ts first, round 2: MetalLB first, …). Prints every run, then
 * the medians and the ratios; returns the RESULT keys.
 */
import type { BacklogArgs, BacklogLayout, BacklogResult } from './ipam-backlog.ts';
import { backlogRun, memoryLine, stepLine } from './ipam-backlog.ts';
import { phaseLine } from './apiserver-probe.ts';
import { metallbBinary, metallbController, oursController } from './ipam-controllers.ts';

/** Options of {@link compareControllers}. */
export interface CompareArgs extends BacklogArgs {
  readonly vsMetallb: boolean;
  readonly rounds: number;
  /** Extra node flags for our operator (documented secondary measures only). */
  readonly nodeFlags: readonly string[];
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length === 0 ? Number.NaN : s.length % 2 === 1 ? (s[m] ?? Number.NaN) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
};
const round = (x: number, digits = 2): number => Number(x.toFixed(digits));

/** Runs the rounds; with `--vs-metallb`, finds or builds MetalLB's controller first (throws when that fails). */
export async function compareControllers(a: CompareArgs, layout: BacklogLayout): Promise<Record<string, unknown>> {
  const ours = oursController({ nodeFlags: a.nodeFlags });
  const theirs = a.vsMetallb ? metallbController(metallbBinary()) : undefined;
  const runs: BacklogResult[] = [];
  for (let r = 0; r < a.rounds; r++) {
    const order = theirs === undefined ? [ours] : r % 2 === 0 ? [ours, theirs] : [theirs, ours];
    for (const ctl of order) {
      const res = await backlogRun(ctl, a, layout);
      runs.push(res);
      printRun(r + 1, res);
    }
  }
  return summarize(runs, a);
}

function printRun(round: number, r: BacklogResult): void {
  console.log(`round ${String(round)} ${r.controller.padEnd(10)} backlog ${String(r.services)}: ${String(r.backlog_s)} s, peak RSS ${String(r.peak_rss_mib)} MiB, idle RSS ${String(r.idle_rss_mib)} MiB, steady p50/p99 ${String(r.steady_p50_ms)}/${String(r.steady_p99_ms)} ms (${String(r.steady_services)} Services; p99 from the create's answer ${String(r.steady_answered_p99_ms)} ms), load 1m mean/max ${String(r.load_1m_mean)}/${String(r.load_1m_max)}`);
  console.log(`  Events still unwritten when the steady phase began: ${String(r.events_unwritten_at_steady)}`);
  console.log(`  the apiserver took ${String(r.pending_creates_per_s)} Service creates/s with no controller running`);
  for (const [name, p] of Object.entries(r.phases)) console.log(`  ${phaseLine(name, p)}`);
  for (const s of r.steady_steps) console.log(`  ${stepLine(s)}`);
  if (r.at_peak !== undefined) console.log(`  memory at peak: ${memoryLine(r.at_peak)}`);
  if (r.idle !== undefined) console.log(`  memory idle:    ${memoryLine(r.idle)}`);
}

/** Per steady rate, the medians over `ctl`'s runs; `saturated` when any run's step was. */
function stepsOf(runs: readonly BacklogResult[], ctl: string, rates: readonly number[]): Array<Record<string, unknown>> {
  return rates.map((rate, i) => {
    const steps = runs.filter((r) => r.controller === ctl).map((r) => r.steady_steps[i]).filter((s) => s !== undefined);
    const m = (k: 'p50_ms' | 'p99_ms' | 'answered_p99_ms' | 'create_wait_p99_ms'): number => round(median(steps.map((s) => s[k])), 1);
    return {
      rate, p50_ms: m('p50_ms'), p99_ms: m('p99_ms'), answered_p99_ms: m('answered_p99_ms'), create_wait_p99_ms: m('create_wait_p99_ms'),
      failures: steps.reduce((n, s) => n + s.failures, 0), saturated: steps.some((s) => s.saturated),
      apiserver_cores: round(median(steps.map((s) => s.phase.apiserver_cores))), controller_cores: round(median(steps.map((s) => s.phase.controller_cores))),
    };
  });
}

function summarize(runs: readonly BacklogResult[], a: CompareArgs): Record<string, unknown> {
  const of = (ctl: string, k: 'backlog_s' | 'peak_rss_mib' | 'idle_rss_mib' | 'steady_p99_ms' | 'steady_p50_ms' | 'steady_answered_p99_ms' | 'steady_create_p99_ms' | 'events_unwritten_at_steady' | 'load_1m_mean'): number =>
    round(median(runs.filter((r) => r.controller === ctl).map((r) => r[k])));
  const out: Record<string, unknown> = {
    backlog_services: a.services, steady_rate_per_s: a.rates[0], steady_rates: a.rates, steady_s: a.steadyS, rounds: a.rounds,
    pending_creates_per_s: round(median(runs.map((r) => r.pending_creates_per_s))),
    steady_steps: stepsOf(runs, 'metallb-ts', a.rates),
    rss_10k_mib: of('metallb-ts', 'peak_rss_mib'), idle_rss_mib: of('metallb-ts', 'idle_rss_mib'),
    backlog_10k_s: of('metallb-ts', 'backlog_s'), steady_p99_ms: of('metallb-ts', 'steady_p99_ms'),
    steady_answered_p99_ms: of('metallb-ts', 'steady_answered_p99_ms'),
    steady_create_p99_ms: of('metallb-ts', 'steady_create_p99_ms'),
    events_unwritten_at_steady: of('metallb-ts', 'events_unwritten_at_steady'),
    backlog_load_1m_mean: of('metallb-ts', 'load_1m_mean'),
    steady_create_failures: runs.reduce((n, r) => n + r.steady_create_failures, 0),
  };
  if (a.vsMetallb) {
    Object.assign(out, {
      metallb_rss_10k_mib: of('metallb', 'peak_rss_mib'), metallb_idle_rss_mib: of('metallb', 'idle_rss_mib'),
      metallb_backlog_10k_s: of('metallb', 'backlog_s'), metallb_steady_p99_ms: of('metallb', 'steady_p99_ms'),
      metallb_steady_answered_p99_ms: of('metallb', 'steady_answered_p99_ms'),
      metallb_steady_create_p99_ms: of('metallb', 'steady_create_p99_ms'),
      metallb_events_unwritten_at_steady: of('metallb', 'events_unwritten_at_steady'),
      metallb_backlog_load_1m_mean: of('metallb', 'load_1m_mean'),
      metallb_steady_steps: stepsOf(runs, 'metallb', a.rates),
    });
    // Three significant digits: a ratio like 140 ms / 52 s must not print as 0.
    const ratio = (k: string): number => Number((Number(out[k]) / Number(out[`metallb_${k}`])).toPrecision(3));
    Object.assign(out, { rss_ratio: ratio('rss_10k_mib'), idle_rss_ratio: ratio('idle_rss_mib'), backlog_ratio: ratio('backlog_10k_s'), steady_p99_ratio: ratio('steady_p99_ms') });
    console.log(`medians (metallb-ts vs MetalLB, ratio): peak RSS ${String(out.rss_10k_mib)} vs ${String(out.metallb_rss_10k_mib)} MiB (×${String(out.rss_ratio)}), idle RSS ${String(out.idle_rss_mib)} vs ${String(out.metallb_idle_rss_mib)} MiB (×${String(out.idle_rss_ratio)}), backlog ${String(out.backlog_10k_s)} vs ${String(out.metallb_backlog_10k_s)} s (×${String(out.backlog_ratio)}), steady p99 ${String(out.steady_p99_ms)} vs ${String(out.metallb_steady_p99_ms)} ms (×${String(out.steady_p99_ratio)})`);
  }
  return out;
}
