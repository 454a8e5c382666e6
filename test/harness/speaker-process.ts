/**
 * The speaker as a CHILD PROCESS inside a lab node's network namespace (`ip netns exec <ns> node
 * speaker/src/main.ts …`), pointed at that node's FRR instance, talking to the real apiserver.
 * The apiserver listens on the root namespace's loopback, which a lab namespace cannot reach, so
 * a two-hop bridge carries the connection through a unix socket (paths are not namespaced): a
 * listener on the node's own 127.0.0.1:<apiserver port> (a small node process in the namespace)
 * → `<lab dir>/api-<role>.sock` → a forwarder in this process → the apiserver. The kubeconfig and
 * its TLS names stay unchanged. Everything started here is stopped by PID.
 */
import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { pollUntil } from '@metallb-ts/lib/time/poll.ts';
import { logTail, spawnLogged, stopProcess, type ManagedProcess } from './control-plane-process.ts';
import type { FrrInstance } from './frr.ts';
import type { HostRole, Lab } from './lab.ts';

const SPEAKER_MAIN = join(import.meta.dirname, '..', '..', 'speaker', 'src', 'main.ts');

/** Options of {@link SpeakerProcess.start}. */
export interface SpeakerProcessOptions {
  readonly lab: Lab;
  readonly role: HostRole;
  /** The node's FRR instance the speaker manages; undefined = `--disable-frr` (layer 2 only). */
  readonly frr?: FrrInstance;
  /** Environment added to the speaker's (layer 2: METALLB_ML_*). */
  readonly env?: Readonly<Record<string, string>>;
  readonly kubeconfigPath: string;
  /** `https://127.0.0.1:<port>` of the apiserver. */
  readonly server: string;
  /** Namespace of the NodePlans and Secrets. */
  readonly namespace: string;
  /** State poll interval (default 500 ms). */
  readonly stateIntervalMs?: number;
  readonly logLevel?: string;
}

/** A running speaker child in a lab namespace. */
export class SpeakerProcess {
  readonly #speaker: ManagedProcess;
  readonly #bridge: ManagedProcess;
  readonly #forwarder: Server;
  readonly #lab: Lab;
  readonly #role: HostRole;
  /** Metrics port inside the node's namespace. */
  readonly metricsPort: number;
  /** Where the speaker keeps the full config (not the daemons' startup file). */
  readonly configPath: string;

  private constructor(speaker: ManagedProcess, bridge: ManagedProcess, forwarder: Server, o: SpeakerProcessOptions, metricsPort: number, configPath: string) {
    this.#speaker = speaker;
    this.#bridge = bridge;
    this.#forwarder = forwarder;
    this.#lab = o.lab;
    this.#role = o.role;
    this.metricsPort = metricsPort;
    this.configPath = configPath;
  }

  /** Starts the bridge and the speaker; waits (bounded) until the bridge listens. */
  static async start(o: SpeakerProcessOptions): Promise<SpeakerProcess> {
    const apiPort = Number(new URL(o.server).port);
    const sock = join(o.lab.dir, `api-${o.role}.sock`);
    const forwarder = createServer((c) => {
      const up = connect(apiPort, '127.0.0.1');
      c.pipe(up).pipe(c);
      c.on('error', () => up.destroy());
      up.on('error', () => c.destroy());
    });
    forwarder.listen(sock);
    await once(forwarder, 'listening');
    const script = `const net=require('node:net');net.createServer((c)=>{const u=net.connect(${JSON.stringify(sock)});` +
      `c.pipe(u).pipe(c);c.on('error',()=>u.destroy());u.on('error',()=>c.destroy());}).listen(${apiPort},'127.0.0.1');`;
    const ns = o.lab.ns(o.role);
    const bridge = spawnLogged(`api-bridge-${o.role}`, 'ip', ['netns', 'exec', ns, process.execPath, '-e', script], join(o.lab.dir, `api-bridge-${o.role}.log`));
    const listening = await pollUntil(async () => ((await o.lab.exec(o.role, 'ss', ['-Htln', `sport = :${apiPort}`])).stdout.trim() !== '' ? true : undefined), { timeoutMs: 10_000, intervalMs: 50 });
    if (!listening.ok) throw new Error(`apiserver bridge in ${ns} did not listen:\n${logTail(bridge.logFile)}`);
    const work = join(o.frr?.dir ?? join(o.lab.dir, `speaker-${o.role}`), 'speaker-proc');
    mkdirSync(work, { recursive: true, mode: 0o700 });
    const metricsPort = 9120;
    const configPath = join(work, 'frr.conf');
    const tools = o.frr?.runtime.speakerTools(o.frr.dir);
    const frrArgs = o.frr === undefined || tools === undefined ? ['--disable-frr'] : [
      '--frr-vty-dir', o.frr.dir, '--frr-config-dir', o.frr.dir, '--frr-config', configPath, '--frr-work-dir', work,
      '--frr-state-interval', String(o.stateIntervalMs ?? 500), '--frr-bin-dir', tools.bindir, '--frr-reload-script', tools.reloadScript];
    const speaker = spawnLogged(`speaker-${o.role}`, 'ip', ['netns', 'exec', ns, process.execPath, SPEAKER_MAIN,
      '--node-name', o.role, '--kubeconfig', o.kubeconfigPath, '--namespace', o.namespace,
      '--health-port', '0', '--metrics-port', String(metricsPort), '--log-level', o.logLevel ?? 'info', ...frrArgs,
    ], join(o.lab.dir, `speaker-${o.role}.log`), o.env);
    return new SpeakerProcess(speaker, bridge, forwarder, o, metricsPort, configPath);
  }

  /** The speaker's PID (the node process; `ip netns exec` execs it). */
  get pid(): number {
    return this.#speaker.pid;
  }

  /** The speaker's log file (JSON lines). */
  get logFile(): string {
    return this.#speaker.logFile;
  }

  /** GET /metrics from inside the node's namespace; '' when it does not answer. */
  async metrics(): Promise<string> {
    const script = `fetch('http://127.0.0.1:${this.metricsPort}/metrics',{signal:AbortSignal.timeout(3000)})` +
      `.then((r)=>r.text()).then((t)=>process.stdout.write(t),()=>process.exit(1));`;
    const r = await this.#lab.exec(this.#role, process.execPath, ['-e', script], { timeoutMs: 5_000 });
    return r.exitCode === 0 ? r.stdout : '';
  }

  /** Stops the speaker (SIGTERM, SIGKILL after the grace), the bridge and the forwarder. */
  async stop(): Promise<void> {
    await stopProcess(this.#speaker, 5_000);
    await stopProcess(this.#bridge, 1_000);
    await new Promise((resolve) => this.#forwarder.close(resolve));
  }
}
