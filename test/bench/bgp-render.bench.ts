/**
 * BGP rendering at scale: `npm run bench -- bgp-render [--services N] [--nodes M] [--runs R]`.
 *
 * The pure pipeline only (no apiserver, no FRR): N IPv6 LoadBalancer Services (default 10,000),
 * M nodes (default 100), 4 BGP sessions per node, every prefix with a localPref, a standard and a
 * large community and an AS-path prepend (operator/src/frr/testing/scale.ts). For the node that
 * announces the most (the worst case), R runs (default 10) of:
 *
 * - render_10k_ms: announcements + view model + Handlebars render of that node's frr.conf
 *   (p50 over the runs; the key keeps its name whatever N is);
 * - plan_ms: render + NodePlan encoding (gzip + sha256);
 * - frr_conf_bytes / plan_bytes_10k: the rendered text and the NodePlan object as JSON;
 * - all_nodes_ms: announcements for every node (how the reconciler finds what changed);
 * - pipeline_*: the operator's NodePlan pipeline end to end over raw objects, every node
 *   (node-plan-pipeline.ts): first pass, unchanged pass (0 writes), one Service change;
 * - service_change_10k_ms / service_add_10k_ms / service_noop_change_10k_ms: every node after
 *   one ETP=Local Service lost its endpoints (its 3 nodes rewritten), after one new ETP=Cluster
 *   Service (every node rewritten), after a label change nothing selects on (no write); each
 *   with its CPU time (`_cpu_ms`), which is what the wall time is on an idle machine.
 */
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { announcementsFor } from '../../operator/src/frr/announcements.ts';
import { nodeFrrFor } from '../../operator/src/frr/node-frr.ts';
import { createFrrRenderer } from '../../operator/src/frr/render.ts';
import { configOf, scaleScenario } from '../../operator/src/frr/testing/scale.ts';
import { loadFrrTemplates } from '../../operator/src/plan/frr-templates.ts';
import { nodePlanFor } from '../../operator/src/plan/node-plan.ts';
import { pipelineTimes } from './node-plan-pipeline.ts';
import { percentile } from './service-load.ts';

/** Parses the knobs; throws on a bad value. */
function argsOf(argv: readonly string[]): { services: number; nodes: number; runs: number } {
  const { values } = parseArgs({ args: [...argv], options: { services: { type: 'string' }, nodes: { type: 'string' }, runs: { type: 'string' } } });
  const num = (v: string | undefined, d: number): number => {
    const n = v === undefined ? d : Number(v);
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`not a positive integer: ${v}`);
    return n;
  };
  return { services: num(values.services, 10_000), nodes: num(values.nodes, 100), runs: num(values.runs, 10) };
}

/** Milliseconds one call takes. */
function timed<T>(f: () => T): [T, number] {
  const t0 = performance.now();
  const v = f();
  return [v, performance.now() - t0];
}

/** Runs the benchmark and prints its table; returns the RESULT object. */
export async function run(argv: readonly string[]): Promise<Record<string, unknown>> {
  const args = argsOf(argv);
  const { scenario, nodes } = scaleScenario(args);
  const config = configOf(scenario);
  const render = createFrrRenderer(loadFrrTemplates());
  const [counts, allNodesMs] = timed(() => nodes.map((n) => ({ node: n, count: announcementsFor(config, n, scenario.services).announcements.length })));
  const worst = counts.reduce((a, b) => (b.count > a.count ? b : a));
  const renderMs: number[] = [];
  const planMs: number[] = [];
  let text = '';
  let planBytes = 0;
  for (let i = 0; i < args.runs; i++) {
    const [frr, ms] = timed(() => nodeFrrFor({ config, node: worst.node, services: scenario.services, render }));
    if (!frr.ok) throw new Error(`render failed: ${JSON.stringify(frr.error)}`);
    const [plan, encMs] = timed(() => nodePlanFor({ namespace: 'metallb-system', nodeName: worst.node.name, frrConf: frr.value.text, passwords: frr.value.passwords }));
    renderMs.push(ms);
    planMs.push(ms + encMs);
    text = frr.value.text;
    planBytes = Buffer.byteLength(JSON.stringify(plan));
  }
  const result = {
    services: args.services, nodes: args.nodes, runs: args.runs, worst_node: worst.node.name, worst_node_announcements: worst.count,
    render_10k_ms: round(percentile(renderMs, 50)), render_10k_p95_ms: round(percentile(renderMs, 95)),
    plan_ms: round(percentile(planMs, 50)), frr_conf_bytes: Buffer.byteLength(text), plan_bytes_10k: planBytes,
    all_nodes_ms: round(allNodesMs),
    ...(await pipelineTimes(config, nodes, scenario.services, render)),
  };
  for (const [k, v] of Object.entries(result)) console.log(`${k.padEnd(28)} ${v}`);
  return result;
}

const round = (x: number): number => Math.round(x * 10) / 10;
