/**
 * The kind target of the shared BGP e2e suite (test/e2e/suite/bgp-service.ts): a kind cluster
 * that kind-e2e/run.sh created, with the chart installed from the images it loaded, and an FRR
 * router container on the cluster's docker network peering with every node. Unlike the namespace
 * lab, the cluster has a kubelet, an EndpointSlice controller and kube-proxy, so the backends are
 * a real Deployment and the VIP needs nothing from the target; the operator and the speakers run
 * as the chart's pods, with the chart's ServiceAccounts.
 *
 * Every effect goes through {@link Exec} (kubectl, docker), bounded in time.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { execa } from 'execa';
import type { BgpTarget } from '../test/e2e/suite/bgp-service.ts';
import { REFUSED_CALL } from '../test/e2e/suite/bgp-service.ts';
import { activeNextHops, type RouteJson } from '../test/harness/bgp-speaker-lab.ts';
import type { CommandResult } from '../test/harness/control-plane.ts';
import { backendDeployment, httpGetArgv, httpResponseFrom, nodesFrom, readyPodNames, type KindTargetConfig } from './kind-target-core.ts';

/** Runs a program (bounded by `timeoutMs`), never throwing on a non-zero exit. */
export type Exec = (file: string, args: readonly string[], o?: { readonly input?: string; readonly timeoutMs?: number }) => Promise<CommandResult>;

/** {@link Exec} through execa; a timeout or a missing program is a non-zero exit with the reason in stderr. */
export const execaExec: Exec = async (file, args, o = {}) => {
  const r = await execa(file, [...args], {
    reject: false, timeout: o.timeoutMs ?? 60_000,
    ...(o.input === undefined ? { stdin: 'ignore' as const } : { input: o.input }),
  });
  return { stdout: r.stdout, stderr: r.failed && r.stderr === '' ? (r.message ?? 'failed') : r.stderr, exitCode: r.exitCode ?? -1 };
};

/** Namespace of the suite's Service and backends. */
const APP_NAMESPACE = 'default';
/** Backend pods: more than one, so an answer names one of several. */
const BACKEND_REPLICAS = 2;
/** Seconds a GET from the router may take (the suite retries). */
const GET_TIMEOUT_S = 4;

/** The running target. Start with {@link KindBgpTarget.start}. */
export class KindBgpTarget implements BgpTarget {
  readonly kubeConfig: KubeConfig;
  readonly namespace: string;
  readonly routerV4: string;
  readonly vip: string;
  readonly nodes: ReadonlyArray<{ readonly name: string; readonly v4: string }>;
  readonly #c: KindTargetConfig;
  readonly #exec: Exec;
  readonly #backends: string[] = [];

  private constructor(c: KindTargetConfig, exec: Exec, kubeConfig: KubeConfig, nodes: ReadonlyArray<{ name: string; v4: string }>) {
    this.#c = c;
    this.#exec = exec;
    this.kubeConfig = kubeConfig;
    this.namespace = c.namespace;
    this.routerV4 = c.routerV4;
    this.vip = c.vip;
    this.nodes = nodes;
  }

  /** Reads the cluster's nodes (every node runs a speaker: the chart tolerates the control plane). */
  static async start(c: KindTargetConfig, exec: Exec = execaExec): Promise<KindBgpTarget> {
    const kc = new KubeConfig();
    kc.loadFromFile(c.kubeconfig);
    const r = await exec('kubectl', ['--kubeconfig', c.kubeconfig, 'get', 'nodes', '-o', 'json']);
    if (r.exitCode !== 0) throw new Error(`kubectl get nodes: ${r.stderr}`);
    const nodes = nodesFrom(JSON.parse(r.stdout) as Parameters<typeof nodesFrom>[0]);
    if (!nodes.ok) throw new Error(nodes.error);
    return new KindBgpTarget(c, exec, kc, nodes.value);
  }

  kubectl(args: readonly string[], input?: string): Promise<CommandResult> {
    return this.#exec('kubectl', ['--kubeconfig', this.#c.kubeconfig, ...args], input === undefined ? {} : { input });
  }

  async #kubectlOk(args: readonly string[], input?: string, timeoutMs?: number): Promise<string> {
    const r = await this.#exec('kubectl', ['--kubeconfig', this.#c.kubeconfig, ...args], {
      ...(input === undefined ? {} : { input }), ...(timeoutMs === undefined ? {} : { timeoutMs }),
    });
    if (r.exitCode !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  }

  /** A Deployment of HTTP pods labelled `app: <name>`, waited for until its pods are ready. */
  async startBackends(name: string, port: number): Promise<void> {
    const d = backendDeployment({ name, namespace: APP_NAMESPACE, port, image: this.#c.backendImage, replicas: BACKEND_REPLICAS });
    await this.#kubectlOk(['apply', '-f', '-'], JSON.stringify(d));
    this.#backends.push(name);
    await this.#kubectlOk(['rollout', 'status', `deployment/${name}`, '-n', APP_NAMESPACE, '--timeout=180s'], undefined, 190_000);
  }

  /** kube-proxy already serves the Service's load-balancer IP on every node. */
  exposeVip(): Promise<void> {
    return Promise.resolve();
  }

  /** The backend pods' names: what each answers with. */
  async backendAnswers(): Promise<readonly string[]> {
    const out = await this.#kubectlOk(['get', 'pods', '-n', APP_NAMESPACE, '-l', `app in (${this.#backends.join(',')})`, '-o', 'json']);
    return readyPodNames(JSON.parse(out) as Parameters<typeof readyPodNames>[0]);
  }

  /** Zebra's view in the router container (what its kernel forwards the VIP to), as the netns target reads it. */
  async routerNextHops(prefix: string): Promise<string[]> {
    const r = await this.#exec('docker', ['exec', this.#c.router, 'vtysh', '-c', `show ip route ${prefix} json`], { timeoutMs: 10_000 });
    if (r.exitCode !== 0) throw new Error(`vtysh in ${this.#c.router}: ${r.stderr}`);
    return activeNextHops(JSON.parse(r.stdout) as RouteJson, prefix);
  }

  /** A GET from inside the router container: its routes to the VIP are the ones BGP gave it. */
  async getFromOutside(url: string): Promise<{ status: number; body: string } | undefined> {
    const argv = httpGetArgv(url, GET_TIMEOUT_S);
    if (!argv.ok) throw new Error(argv.error);
    const r = await this.#exec('docker', ['exec', this.#c.router, ...argv.value], { timeoutMs: (GET_TIMEOUT_S + 5) * 1000 });
    return r.exitCode === 0 ? httpResponseFrom(r.stdout) : undefined;
  }

  /** Lines of the operator's and the speakers' container logs (every pod, from the start) that record a refused API call. */
  async refusedCalls(): Promise<readonly string[]> {
    const logs = async (component: string, container: string): Promise<string> => this.#kubectlOk(['logs', '-n', this.namespace,
      '-l', `app.kubernetes.io/instance=${this.#c.release},app.kubernetes.io/component=${component}`, '-c', container,
      '--tail=-1', '--prefix', '--max-log-requests=50']);
    const text = `${await logs('controller', 'controller')}\n${await logs('speaker', 'speaker')}`;
    return text.split('\n').filter((line) => REFUSED_CALL.test(line));
  }

  /** Deletes the backend Deployments; the cluster itself is run.sh's to delete. */
  async stop(): Promise<void> {
    for (const name of this.#backends.splice(0)) {
      await this.kubectl(['delete', 'deployment', name, '-n', APP_NAMESPACE, '--ignore-not-found', '--wait=false']);
    }
  }
}
