/**
 * The speaker as a CHILD PROCESS inside a lab node's network namespace (`ip netns exec <ns> node
 * speaker/src/main.ts …`), pointed at that node's FRR instance, talking to the real apiserver
 * through the node's apiserver bridge (lab-api-bridge.ts). Everything started here is stopped by PID.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnLogged, stopProcess, type ManagedProcess } from './control-plane-process.ts';
import type { FrrInstance } from './frr.ts';
import { startApiBridge, type ApiBridge } from './lab-api-bridge.ts';
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
  readonly #bridge: ApiBridge;
  readonly #lab: Lab;
  readonly #role: HostRole;
  readonly #opts: SpeakerProcessOptions;
  /** Metrics port inside the node's namespace. */
  readonly metricsPort: number;
  /** Where the speaker keeps the full config (not the daemons' startup file). */
  readonly configPath: string;

  private constructor(speaker: ManagedProcess, bridge: ApiBridge, o: SpeakerProcessOptions, metricsPort: number, configPath: string) {
    this.#speaker = speaker;
    this.#bridge = bridge;
    this.#lab = o.lab;
    this.#role = o.role;
    this.#opts = o;
    this.metricsPort = metricsPort;
    this.configPath = configPath;
  }

  /** Starts the bridge and the speaker; waits (bounded) until the bridge listens. */
  static async start(o: SpeakerProcessOptions): Promise<SpeakerProcess> {
    const ns = o.lab.ns(o.role);
    const bridge = await startApiBridge({ ns, name: o.role, dir: o.lab.dir, server: o.server });
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
    return new SpeakerProcess(speaker, bridge, o, metricsPort, configPath);
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

  /** Stops this speaker (if it runs) and starts a new one with the same options (a pod restarted on its node). */
  async restart(): Promise<SpeakerProcess> {
    await this.stop();
    return SpeakerProcess.start(this.#opts);
  }

  /** Stops the speaker (SIGTERM, SIGKILL after the grace), and its apiserver bridge. */
  async stop(): Promise<void> {
    await stopProcess(this.#speaker, 5_000);
    await this.#bridge.stop();
  }
}
