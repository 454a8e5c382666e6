/**
 * `metallb-ts explain` (also `kubectl metallb explain`): what happened to a Service, a pool or a
 * node, stage by stage, computed by the operator's own code (operator/src/explain) over the
 * cluster read with the user's kubeconfig, or over manifests offline.
 * Exit status: 0 every stage OK, 1 a stage failed (or the object is missing), 2 bad usage or
 * unreadable input.
 */
import type { V1Service } from '@kubernetes/client-node';
import { explainNode, explainPool, nodeText, poolText } from '../explain/pool-node-explanation.ts';
import { explainService, type ServiceExplanation } from '../explain/service-explanation.ts';
import { serviceText } from '../explain/explain-text.ts';
import type { ClusterSnapshot } from '../explain/snapshot.ts';
import { clusterSnapshot, fileSnapshot } from './explain-sources.ts';
import type { Output } from './validate.ts';

/** Usage text of the explain subcommand. */
export const EXPLAIN_USAGE = `usage: metallb-ts explain service <namespace>/<name> [flags]
       metallb-ts explain pool <name> [flags]
       metallb-ts explain node <name> [flags]
       metallb-ts explain --config <file or dir>... --service <file> [--output json]

Explains, stage by stage, what the operator does with a Service (the pools considered and why
each was skipped, the address and pool chosen, the advertisements selecting it, every node with
its verdict, the BGP sessions or the layer-2 announcer), a pool (usage, Services,
advertisements) or a node (its plan, FRR apply state, sessions, prefixes and VIPs), with the
operator's own code. With --config it reads manifests instead of a cluster and answers the
allocation and advertisement stages.

Flags:
  --output text|json     (default text)
  --kubeconfig <file>    (default $KUBECONFIG, then ~/.kube/config, then in-cluster)
  --namespace <ns>       the MetalLB namespace (default metallb-system)
  --lb-class <class>     the operator's --lb-class

Exit status: 0 every stage OK, 1 a stage failed or the object does not exist, 2 bad usage or
unreadable input.`;

interface Args {
  readonly positional: string[];
  readonly flags: Map<string, string[]>;
}

const FLAGS = new Set(['--output', '--kubeconfig', '--namespace', '--lb-class', '--config', '--service']);

/** `--flag value` and `--flag=value`; undefined on an unknown flag or a missing value. */
function parseArgs(argv: readonly string[]): Args | string {
  const positional: string[] = [];
  const flags = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq < 0 ? a : a.slice(0, eq);
    if (!FLAGS.has(name)) return `unknown flag ${name}`;
    const value = eq < 0 ? argv[++i] : a.slice(eq + 1);
    if (value === undefined) return `${name} needs a value`;
    flags.set(name, [...(flags.get(name) ?? []), value]);
  }
  return { positional, flags };
}

const one = (a: Args, f: string): string | undefined => a.flags.get(f)?.at(-1);

/** Whether every stage of a Service explanation succeeded (Reachable: none failed). */
export function allStagesOk(e: ServiceExplanation): boolean {
  // Reachable Unknown (layer 2, a report on its way) is not a failure; False is.
  return e.handledBy === 'metallb' && e.config.valid && e.allocation?.condition.status === 'True' && e.announce?.condition.status === 'True' && e.announce.reachable.status !== 'False';
}

/** What to explain against the snapshot; the exit status and output. */
function render(kind: string, name: string, s: ClusterSnapshot, svc: V1Service | undefined, json: boolean, io: Output): number {
  const emit = (doc: unknown, lines: string[]): void => (json ? io.out(JSON.stringify(doc, null, 2)) : lines.forEach((l) => io.out(l)));
  if (kind === 'service') {
    if (svc === undefined) {
      io.err(`metallb-ts explain: Service ${name} not found`);
      return 1;
    }
    const e = explainService(s, svc);
    // Offline nothing reports sessions or announcers: the stages manifests decide are the verdict.
    const offlineOk = s.offline && e.allocation?.condition.status === 'True' && e.announce?.condition.reason === 'PlanPending';
    emit(e, [...serviceText(e), ...(s.offline ? ['', 'offline: no speaker reports (BGP sessions, layer-2 announcer) are known'] : [])]);
    return allStagesOk(e) || offlineOk ? 0 : 1;
  }
  if (kind === 'pool') {
    const e = explainPool(s, name);
    emit(e, poolText(e));
    return e.found ? 0 : 1;
  }
  const e = explainNode(s, name);
  emit(e, nodeText(e));
  return e.found ? 0 : 1;
}

/** Runs the subcommand; returns the exit status. */
export async function runExplain(argv: readonly string[], io: Output): Promise<number> {
  if (argv.some((a) => a === '-h' || a === '--help')) {
    io.out(EXPLAIN_USAGE);
    return 0;
  }
  const a = parseArgs(argv);
  const usage = (why: string): number => {
    io.err(`metallb-ts explain: ${why}\n\n${EXPLAIN_USAGE}`);
    return 2;
  };
  if (typeof a === 'string') return usage(a);
  const output = one(a, '--output') ?? 'text';
  if (output !== 'text' && output !== 'json') return usage(`--output must be text or json, not ${output}`);
  const lbClass = one(a, '--lb-class');
  const config = a.flags.get('--config');
  if (config !== undefined) {
    const file = one(a, '--service');
    if (file === undefined || a.positional.length > 0) return usage('offline explain takes --config <paths> and --service <file>, nothing else');
    const r = fileSnapshot(config, file, lbClass);
    if (!r.ok) {
      io.err(`metallb-ts explain: ${r.error}`);
      return 2;
    }
    for (const n of r.value.notes) io.err(`note: ${n}`);
    return render('service', '', r.value.snapshot, r.value.service, output === 'json', io);
  }
  const [kind, name, ...rest] = a.positional;
  if (kind === undefined || !['service', 'pool', 'node'].includes(kind) || name === undefined || rest.length > 0) return usage('want service <namespace>/<name>, pool <name> or node <name>');
  if (kind === 'service' && !name.includes('/')) return usage('a Service is named <namespace>/<name>');
  const kubeconfig = one(a, '--kubeconfig');
  let got: Awaited<ReturnType<typeof clusterSnapshot>>;
  try {
    got = await clusterSnapshot({ namespace: one(a, '--namespace') ?? 'metallb-system', ...(kubeconfig === undefined ? {} : { kubeconfig }), ...(lbClass === undefined ? {} : { lbClass }) });
  } catch (e) {
    io.err(`metallb-ts explain: cannot read the cluster: ${(e as Error).message}`);
    return 2;
  }
  for (const f of got.forbidden) io.err(`note: not allowed to list ${f}; explained without it`);
  const svc = kind === 'service' ? got.snapshot.services.find((x) => `${x.metadata?.namespace ?? ''}/${x.metadata?.name ?? ''}` === name) : undefined;
  return render(kind, name, got.snapshot, svc, output === 'json', io);
}
