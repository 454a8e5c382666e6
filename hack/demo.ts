/**
 * The demo (`sudo npm run demo`, README command one), on the same harness as the e2e tests
 * (test/harness/netns-bgp-target.ts, which test/e2e/bgp-operator-speaker.test.ts and
 * test/e2e/layer2-operator-speaker.test.ts run): a real kube-apiserver + etcd with the Helm chart
 * installed (`helm install`), a namespace lab (two nodes, an FRR router, a LAN client and a
 * client behind the router), the operator and one speaker per node (BGP and layer 2) running with
 * TokenRequest tokens of the chart's own ServiceAccounts. It applies the chart's sample
 * configuration and Services (charts/metallb-ts/samples: an IPAddressPool, a BGPPeer with a
 * BFDProfile and a BGPAdvertisement; an IPAddressPool and an L2Advertisement; a Service for
 * each) and prints what a user looks at (hack/demo-report.ts).
 *
 * Every step is announced before it starts and every wait is bounded, failing with what it
 * waited for and the tail of the binaries' logs. `--once` prints and tears down
 * (test/smoke/demo.test.ts runs that); otherwise it keeps running until Ctrl-C. Either way, and
 * on failure, it leaves nothing behind. One demo at a time (hack/demo-lock.ts).
 */
import { AssertionError } from 'node:assert';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { resolveBinary } from '@metallb-ts/test/harness/binaries.ts';
import { logTail } from '@metallb-ts/test/harness/control-plane-process.ts';
import { NetnsBgpTarget } from '@metallb-ts/test/harness/netns-bgp-target.ts';
import { acquireLock, DEFAULT_DEMO_LOCK } from './demo-lock.ts';
import { loadAverage, printReport } from './demo-report.ts';
import { APP_NS, runSamples, type DemoState } from './demo-steps.ts';

/** The binaries' tokens outlive any demo session a person keeps open. */
const TOKEN_SECONDS = 7 * 24 * 3600;
const NODES = 2;
const REPO = join(import.meta.dirname, '..');
const t0 = performance.now();
const elapsed = (): string => `${((performance.now() - t0) / 1000).toFixed(1)} s`;
const progress = (what: string): void => console.log(`[${elapsed().padStart(7)}] ${what}`);

/** The lock file: METALLB_TS_DEMO_LOCK, else /run/lock, else the temp dir. */
function lockPath(): string {
  return process.env['METALLB_TS_DEMO_LOCK'] ?? (existsSync('/run/lock') ? DEFAULT_DEMO_LOCK : join(tmpdir(), 'metallb-ts-demo.pid'));
}

/** On Ctrl-C or SIGTERM: say so; the harness's own handlers kill what it started and delete the lab. */
function onSignals(): void {
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      console.log(`\n${sig === 'SIGINT' ? 'Ctrl-C' : sig}: stopping the operator, the speakers, FRR, the HTTP servers, the lab namespaces and the control plane`);
      setImmediate(() => process.exit(sig === 'SIGINT' ? 130 : 143));
    });
  }
}

/** A command that GETs `url` and prints the body: curl where installed, else the pinned node. */
function httpClient(url: string): string {
  const curl = (process.env['PATH'] ?? '').split(':').some((d) => d !== '' && existsSync(join(d, 'curl')));
  return curl ? `curl -s ${url}` : `${process.execPath} -e 'fetch("${url}").then((r) => r.text()).then(console.log)'`;
}

/** What to try while the demo keeps running. */
function hints(t: NetnsBgpTarget, s: DemoState): string {
  const kubectl = `${resolveBinary(process.env, 'kubectl')} --kubeconfig ${t.lab.cp.kubeconfigPath}`;
  const lab = t.lab.lab;
  const announcer = t.lab.speakers[lab.nodes.indexOf(s.l2Node as `node-${number}`)];
  return [
    '\nrunning until Ctrl-C; meanwhile, try:',
    `  ${kubectl} get services,nodeplans,servicel2statuses -A`,
    `  ${kubectl} describe service -n ${APP_NS} web-l2`,
    `  ip netns exec ${lab.ns('client')} ${httpClient(`http://${s.l2Vip}/`)}        # layer 2, from the LAN client`,
    `  ip netns exec ${lab.ns('ext')} ${httpClient(`http://${s.bgpVip}/`)}        # BGP, from behind the router`,
    `  vtysh ${t.lab.router.vtyshBaseArgs().join(' ')} -c 'show ip route ${s.bgpVip}/32'   # the router's FRR`,
    `  KUBECONFIG=${t.lab.cp.kubeconfigPath} PATH=${join(REPO, 'node_modules', '.bin')}:$PATH kubectl metallb explain service ${APP_NS}/web-l2`,
    ...(announcer === undefined ? [] : [
      `  kill ${String(announcer.pid)}   # stop the speaker on ${s.l2Node}: the other node takes over ${s.l2Vip} (kubectl get servicel2statuses -A, then the curl above)`]),
  ].join('\n');
}

/** Why the demo failed, with the end of each binary's log (they go with the lab dir). */
function reportFailure(t: NetnsBgpTarget | undefined, e: unknown): void {
  const text = e instanceof Error ? e.message : String(e);
  // The harness's bounded waits fail with an AssertionError naming what they waited for.
  const msg = e instanceof AssertionError ? `gave up waiting until: ${text}` : text;
  console.error(`\ndemo failed after ${elapsed()}: ${msg.length > 3000 ? `${msg.slice(0, 3000)} …` : msg}`);
  for (const f of t?.lab.binaryLogs() ?? []) console.error(`\n--- last lines of ${f} ---\n${logTail(f, 15)}`);
}

const USAGE = `usage: sudo npm run demo [-- --once]

Starts a kube-apiserver + etcd, installs the metallb-ts chart, builds a namespace lab (two nodes,
an FRR router, a LAN client and a client behind the router), runs the operator and a speaker per
node on the chart's ServiceAccount tokens, applies charts/metallb-ts/samples and prints what the
two Services look like (kubectl describe, plans, explain, the router's routes, HTTP through the
VIPs). Then it runs until Ctrl-C and removes everything it started.

  --once   exit after printing
  --help   this text`;

/** \`--once\`, or the exit status for \`--help\` (0) and an unknown argument (2). */
function parseArgs(argv: readonly string[]): { once: boolean } | number {
  const unknown = argv.filter((a) => a !== '--once' && a !== '--help' && a !== '-h');
  if (unknown.length > 0) {
    console.error(`unknown argument ${unknown.map((a) => JSON.stringify(a)).join(' ')}\n\n${USAGE}`);
    return 2;
  }
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  return { once: argv.includes('--once') };
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (typeof args === 'number') return args;
  const { once } = args;
  const path = lockPath();
  const lock = acquireLock(path);
  if (lock.kind === 'refused') {
    console.error(`another demo is running (pid ${String(lock.holder)}, lock ${path}); stop it with Ctrl-C first. This run changed nothing.`);
    return 1;
  }
  process.on('exit', () => lock.release());
  onSignals();
  progress(`demo pid ${String(process.pid)} (lock ${path}); every step below says what it starts or waits for`);
  let t: NetnsBgpTarget | undefined;
  try {
    t = await NetnsBgpTarget.start({ nodes: NODES, bfd: true, layer2: true, tokenSeconds: TOKEN_SECONDS, progress });
    const state = await runSamples(t, progress);
    progress(`ready: both Services answer through their VIPs, ${elapsed()} after start (load average ${loadAverage()}); printing`);
    await printReport(t, state);
    if (!once) {
      console.log(hints(t, state));
      // Until a signal: its handlers (above and the harness's) stop everything and exit.
      await new Promise<never>(() => setInterval(() => undefined, 3_600_000));
    }
    return 0;
  } catch (e) {
    reportFailure(t, e);
    return 1;
  } finally {
    progress('stopping: HTTP servers, operator, speakers, FRR, lab namespaces, control plane');
    await t?.stop();
    progress('stopped; nothing left behind');
  }
}

process.exitCode = await main();
