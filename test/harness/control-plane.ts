/**
 * A real, throw-away Kubernetes control plane for integration and smoke tests: etcd and
 * kube-apiserver on loopback, random ports, own PKI, RBAC, ServiceAccount tokens. No
 * controller-manager and no scheduler: namespaces and ServiceAccounts are not auto-created.
 *
 * ```ts
 * const cp = await ControlPlane.start();
 * const core = cp.kubeConfig.makeApiClient(CoreV1Api);
 * ...
 * await cp.stop();
 * ```
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { ApiException, CoreV1Api, Health, KubeConfig } from '@kubernetes/client-node';
import { kubeClientFor, type KubeClient } from '@metallb-ts/lib/k8s/kube-client.ts';
import { kubeTargetOf } from '@metallb-ts/lib/k8s/kube-target.ts';
import { CodedError } from '@metallb-ts/lib/errors.ts';
import { resolveBinary, type EnvLike } from './binaries.ts';
import { apiserverArgs, etcdArgs } from './control-plane-args.ts';
import {
  disownDir, freePorts, logTail, ownDir, spawnLogged, stopProcess, type ManagedProcess,
} from './control-plane-process.ts';
import { makePki, type Pki } from './pki.ts';

/** How a test can shape the control plane. */
export interface ControlPlaneOptions {
  /** Extra kube-apiserver flags, appended after the defaults (so they override them). */
  readonly extraApiserverArgs?: readonly string[];
  /** Where binary paths come from; defaults to process.env (set by hack/env.sh). */
  readonly env?: EnvLike;
}

/** Result of a {@link ControlPlane.kubectl} run. */
export interface CommandResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

/** Why the control plane did not come up. */
export const CONTROL_PLANE_START_CODES = ['port-clash', 'exited', 'not-ready'] as const;

/** The control plane did not come up; `port-clash` attempts are retried with new ports. */
export class ControlPlaneStartError extends CodedError<(typeof CONTROL_PLANE_START_CODES)[number]> {}

/** Readiness polls: bounded in count and in time (300 x 100 ms). */
const READY_POLLS = 300;
const READY_POLL_MS = 100;
/** Startup attempts when a randomly chosen port was taken between probe and bind. */
const START_ATTEMPTS = 3;
const CLUSTER = 'metallb-ts-test';

/** Everything the constructor needs; built by {@link ControlPlane.start}. */
interface ControlPlaneInit {
  readonly dir: string;
  readonly server: string;
  readonly pki: Pki;
  readonly kubeConfig: KubeConfig;
  readonly kubeconfigPath: string;
  readonly env: EnvLike;
  readonly apiserverBinary: string;
  readonly apiserverArgv: readonly string[];
  readonly etcd: ManagedProcess;
  readonly apiserver: ManagedProcess;
}

/** A running etcd + kube-apiserver pair; see the module comment. */
export class ControlPlane {
  /** Admin client (system:masters client certificate). */
  readonly kubeConfig: KubeConfig;
  /** The same admin config as a file, for kubectl and helm. */
  readonly kubeconfigPath: string;
  /** https://127.0.0.1:<port> */
  readonly server: string;
  /** Temp dir with certificates, etcd data and logs; removed on stop. */
  readonly dir: string;
  readonly #init: ControlPlaneInit;
  #apiserver: ManagedProcess;
  #stopping: Promise<void> | undefined;
  #raw: KubeClient | undefined;

  private constructor(init: ControlPlaneInit) {
    this.#init = init;
    this.kubeConfig = init.kubeConfig;
    this.kubeconfigPath = init.kubeconfigPath;
    this.server = init.server;
    this.dir = init.dir;
    this.#apiserver = init.apiserver;
  }

  /** Starts etcd and kube-apiserver and waits for /readyz; retries on a port clash. */
  static async start(opts: ControlPlaneOptions = {}): Promise<ControlPlane> {
    const env = opts.env ?? process.env;
    const bins = { apiserver: resolveBinary(env, 'kubeApiserver'), etcd: resolveBinary(env, 'etcd') };
    const t0 = performance.now();
    for (let attempt = 1; ; attempt++) {
      try {
        const cp = new ControlPlane(await boot(env, bins, opts.extraApiserverArgs ?? []));
        console.error(`[control-plane] ready at ${cp.server} in ${(performance.now() - t0).toFixed(0)} ms`);
        return cp;
      } catch (e) {
        if (!(e instanceof ControlPlaneStartError && e.code === 'port-clash') || attempt >= START_ATTEMPTS) throw e;
      }
    }
  }

  /** PIDs of the running etcd and kube-apiserver (the latter changes on restart). */
  get pids(): { readonly etcd: number; readonly apiserver: number } {
    return { etcd: this.#init.etcd.pid, apiserver: this.#apiserver.pid };
  }

  /** Path of the kube-apiserver log (appended to across restarts). */
  get apiserverLog(): string {
    return this.#apiserver.logFile;
  }

  /** The admin identity on the raw client (lib/k8s/kube-client.ts), made once; closed by `stop()`. */
  get kube(): KubeClient {
    this.#raw ??= kubeClientFor(kubeTargetOf(this.kubeConfig));
    return this.#raw;
  }

  /** Creates a namespace if it does not exist yet (a bare apiserver has only the system ones). */
  async ensureNamespace(name: string): Promise<void> {
    const core = this.kubeConfig.makeApiClient(CoreV1Api);
    await ignoreConflict(core.createNamespace({ body: { metadata: { name } } }));
  }

  /**
   * Mints a TokenRequest token for namespace/serviceAccount (creating the namespace and the
   * ServiceAccount if missing) and returns a KubeConfig that authenticates with it.
   */
  async kubeConfigFor(namespace: string, serviceAccount: string, o: { readonly expirationSeconds?: number } = {}): Promise<KubeConfig> {
    const core = this.kubeConfig.makeApiClient(CoreV1Api);
    await this.ensureNamespace(namespace);
    await ignoreConflict(core.createNamespacedServiceAccount({ namespace, body: { metadata: { name: serviceAccount } } }));
    const tr = await core.createNamespacedServiceAccountToken({
      name: serviceAccount, namespace, body: { spec: { audiences: [], expirationSeconds: o.expirationSeconds ?? 3600 } },
    });
    const token = tr.status?.token;
    if (token === undefined) throw new Error(`TokenRequest for ${namespace}/${serviceAccount} returned no token`);
    return kubeConfigWith(this.server, this.#init.pki.caPem, `${namespace}-${serviceAccount}`, { token });
  }

  /**
   * {@link kubeConfigFor} written to a file in `dir` (mode 0600), for a child process's
   * `--kubeconfig`: the binaries then run with that ServiceAccount's token and its RBAC only.
   */
  async kubeconfigFileFor(namespace: string, serviceAccount: string, o: { readonly expirationSeconds?: number } = {}): Promise<string> {
    const path = join(this.dir, `kubeconfig-${namespace}-${serviceAccount}`);
    await writeFile(path, (await this.kubeConfigFor(namespace, serviceAccount, o)).exportConfig(), { mode: 0o600 });
    return path;
  }

  /** Runs the pinned kubectl against this control plane; never throws on a non-zero exit. */
  async kubectl(args: readonly string[], input?: string): Promise<CommandResult> {
    return this.#run(resolveBinary(this.#init.env, 'kubectl'), args, input);
  }

  /** Runs the pinned helm against this control plane; never throws on a non-zero exit. */
  async helm(args: readonly string[], input?: string): Promise<CommandResult> {
    return this.#run(resolveBinary(this.#init.env, 'helm'), args, input);
  }

  async #run(binary: string, args: readonly string[], input?: string): Promise<CommandResult> {
    const r = await execa(binary, ['--kubeconfig', this.kubeconfigPath, ...args], {
      reject: false, ...(input === undefined ? { stdin: 'ignore' as const } : { input }),
      env: { HELM_CACHE_HOME: join(this.dir, 'helm-cache'), HELM_CONFIG_HOME: join(this.dir, 'helm-config') },
    });
    return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode ?? -1 };
  }

  /** Stops the apiserver only (etcd keeps its data) and starts it again on the same port. */
  async restartApiserver(): Promise<void> {
    if (this.#stopping !== undefined) throw new Error('control plane is stopped');
    await stopProcess(this.#apiserver);
    const { apiserverBinary, apiserverArgv, etcd } = this.#init;
    this.#apiserver = spawnLogged('kube-apiserver', apiserverBinary, apiserverArgv, this.#apiserver.logFile);
    await waitReady(this.kubeConfig, [this.#apiserver, etcd]);
  }

  /** Stops the apiserver, then etcd (SIGTERM, SIGKILL after a bounded wait) and removes `dir`. Idempotent. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      await this.#raw?.close();
      await stopProcess(this.#apiserver);
      await stopProcess(this.#init.etcd);
      await rm(this.dir, { recursive: true, force: true });
      disownDir(this.dir);
    })();
    return this.#stopping;
  }
}

/** Resolves on success or 409 AlreadyExists; rethrows anything else. */
async function ignoreConflict(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (e) {
    if (!(e instanceof ApiException && e.code === 409)) throw e;
  }
}

/** A single-context KubeConfig for `server`, trusting `caPem`, with the given credentials. */
function kubeConfigWith(
  server: string, caPem: string, user: string, creds: { token: string } | { certPem: string; keyPem: string },
): KubeConfig {
  const b64 = (s: string): string => Buffer.from(s).toString('base64');
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: CLUSTER, server, caData: b64(caPem), skipTLSVerify: false }],
    users: [{ name: user, ...('token' in creds ? { token: creds.token } : { certData: b64(creds.certPem), keyData: b64(creds.keyPem) }) }],
    contexts: [{ name: user, cluster: CLUSTER, user }],
    currentContext: user,
  });
  return kc;
}

/** One startup attempt in a fresh temp dir; cleans up after itself when it fails. */
async function boot(
  env: EnvLike, bins: { apiserver: string; etcd: string }, extraArgs: readonly string[],
): Promise<ControlPlaneInit> {
  const dir = await mkdtemp(join(tmpdir(), 'metallb-ts-cp-'));
  ownDir(dir);
  const started: ManagedProcess[] = [];
  try {
    const [pki, [clientPort, peerPort, securePort]] = await Promise.all([makePki(dir), freePorts(3)]);
    if (clientPort === undefined || peerPort === undefined || securePort === undefined) throw new Error('freePorts(3) returned fewer ports');
    await mkdir(join(dir, 'etcd'), { mode: 0o700 });
    const etcd = spawnLogged('etcd', bins.etcd, etcdArgs({ dataDir: join(dir, 'etcd'), clientPort, peerPort }), join(dir, 'etcd.log'));
    started.push(etcd);
    const apiserverArgv = apiserverArgs({ pki: pki.files, etcdClientPort: clientPort, securePort, extraArgs });
    const apiserver = spawnLogged('kube-apiserver', bins.apiserver, apiserverArgv, join(dir, 'kube-apiserver.log'));
    started.push(apiserver);
    const server = `https://127.0.0.1:${String(securePort)}`;
    const kubeConfig = kubeConfigWith(server, pki.caPem, 'admin', { certPem: pki.adminCertPem, keyPem: pki.adminKeyPem });
    await waitReady(kubeConfig, started);
    const kubeconfigPath = join(dir, 'kubeconfig');
    await writeFile(kubeconfigPath, kubeConfig.exportConfig(), { mode: 0o600 });
    return { dir, server, pki, kubeConfig, kubeconfigPath, env, apiserverBinary: bins.apiserver, apiserverArgv, etcd, apiserver };
  } catch (e) {
    for (const p of started.reverse()) await stopProcess(p);
    await rm(dir, { recursive: true, force: true });
    disownDir(dir);
    throw e;
  }
}

/** Polls /readyz (bounded); fails early if a process exits, with the tails of all logs. */
async function waitReady(kc: KubeConfig, procs: readonly ManagedProcess[]): Promise<void> {
  const health = new Health(kc);
  let last = 'no answer yet';
  for (let i = 0; i < READY_POLLS; i++) {
    const dead = procs.find((p) => p.hasExited());
    if (dead !== undefined) throw startError(dead.name + ' exited during startup', procs);
    try {
      if (await health.readyz({ signal: AbortSignal.timeout(2000) })) return;
      last = '/readyz not ok';
    } catch (e) {
      last = String(e instanceof Error && e.cause !== undefined ? e.cause : e);
    }
    await sleep(READY_POLL_MS);
  }
  throw startError(`not ready after ${String(READY_POLLS)} polls (${last})`, procs, 'not-ready');
}

/** An error carrying every log's tail; classified as a port clash when a log says so. */
function startError(what: string, procs: readonly ManagedProcess[], code: 'exited' | 'not-ready' = 'exited'): ControlPlaneStartError {
  const tails = procs.map((p) => `--- ${p.name} (${p.logFile}) ---\n${logTail(p.logFile)}`).join('\n');
  const clash = /address already in use/i.test(tails);
  return new ControlPlaneStartError(clash ? 'port-clash' : code, `control plane: ${what}\n${tails}`);
}
