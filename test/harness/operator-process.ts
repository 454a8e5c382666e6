/**
 * The operator as a CHILD PROCESS (`node operator/src/main.ts --kubeconfig …`), for benchmarks
 * and restart tests: free ports for metrics and health, output in a log file, stopped by PID
 * (SIGTERM, then SIGKILL after a grace period), resident memory from /proc/<pid>/status.
 *
 * ```ts
 * const op = await OperatorProcess.start({ kubeconfigPath: cp.kubeconfigPath, namespace: 'metallb-system', logFile });
 * await op.waitReady();
 * console.log(op.rssKiB());
 * await op.stop();
 * ```
 */
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pollUntil } from '@metallb-ts/lib/time/poll.ts';
import { freePorts, logTail, spawnLogged, stopProcess, type ManagedProcess } from './control-plane-process.ts';

/** The operator's entry point. */
export const OPERATOR_MAIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'operator', 'src', 'main.ts');

/** Options of {@link OperatorProcess.start}. */
export interface OperatorProcessOptions {
  readonly kubeconfigPath: string;
  readonly namespace: string;
  /** Where stdout and stderr are appended (default: a new file in the temp dir, see `logFile`). */
  readonly logFile?: string;
  readonly lbClass?: string;
  /** Leader-election identity (default `operator-<pid of the test>`). */
  readonly identity?: string;
  readonly leaseName?: string;
  /** Log level (default `info`). */
  readonly logLevel?: string;
  /** Further flags, appended last. */
  readonly extraArgs?: readonly string[];
  /** Node binary (default: the one running the test). */
  readonly node?: string;
  /** Flags for node itself, placed before the entry point (e.g. `--import`, `--max-old-space-size`). */
  readonly nodeFlags?: readonly string[];
}

/** Children started by this process, for distinct default log files. */
let started = 0;

/** Resident set size of a process in KiB (`VmRSS`), undefined once it is gone. */
export function rssKiBOf(pid: number): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m?.[1] === undefined ? undefined : Number(m[1]);
  } catch {
    return undefined;
  }
}

/** The argv of main.ts for `o` and the chosen ports. */
export function operatorArgs(o: OperatorProcessOptions, metricsPort: number, healthPort: number): string[] {
  return [
    ...(o.nodeFlags ?? []), OPERATOR_MAIN, '--kubeconfig', o.kubeconfigPath, '--namespace', o.namespace,
    '--port', String(metricsPort), '--health-probe-port', String(healthPort),
    '--identity', o.identity ?? `operator-${process.pid}`, '--log-level', o.logLevel ?? 'info',
    ...(o.leaseName === undefined ? [] : ['--lease-name', o.leaseName]),
    ...(o.lbClass === undefined ? [] : ['--lb-class', o.lbClass]),
    ...(o.extraArgs ?? []),
  ];
}

/** A running operator child process. */
export class OperatorProcess {
  readonly #proc: ManagedProcess;
  /** Where the child's output goes. */
  get logFile(): string {
    return this.#proc.logFile;
  }

  /** Metrics port (plain HTTP, /metrics). */
  readonly metricsPort: number;
  /** Health port (/healthz, /readyz). */
  readonly healthPort: number;

  private constructor(proc: ManagedProcess, metricsPort: number, healthPort: number) {
    this.#proc = proc;
    this.metricsPort = metricsPort;
    this.healthPort = healthPort;
  }

  /** Spawns the operator; does not wait for readiness (see {@link waitReady}). */
  static async start(o: OperatorProcessOptions): Promise<OperatorProcess> {
    const [metricsPort, healthPort] = await freePorts(2);
    if (metricsPort === undefined || healthPort === undefined) throw new Error('freePorts(2) returned fewer ports');
    const logFile = o.logFile ?? join(tmpdir(), `metallb-ts-operator-${process.pid}-${String(++started)}.log`);
    const proc = spawnLogged('operator', o.node ?? process.execPath, operatorArgs(o, metricsPort, healthPort), logFile);
    return new OperatorProcess(proc, metricsPort, healthPort);
  }

  /** The child's PID. */
  get pid(): number {
    return this.#proc.pid;
  }

  /** Settles when the process has exited. */
  get exited(): Promise<void> {
    return this.#proc.exited;
  }

  /** Whether it has exited. */
  hasExited(): boolean {
    return this.#proc.hasExited();
  }

  /** Current resident memory in KiB (undefined once exited). */
  rssKiB(): number | undefined {
    return rssKiBOf(this.pid);
  }

  /** GETs a path on the metrics or health server; undefined when it does not answer. */
  async get(path: string, port = this.metricsPort): Promise<{ status: number; body: string } | undefined> {
    try {
      const res = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(2000) });
      return { status: res.status, body: await res.text() };
    } catch {
      return undefined;
    }
  }

  /** Waits (bounded) until /readyz answers 200: leading, synced, config loaded. */
  async waitReady(timeoutMs = 30_000): Promise<void> {
    const r = await pollUntil(async () => {
      if (this.hasExited()) return 'exited' as const;
      return (await this.get('/readyz', this.healthPort))?.status === 200 ? ('ready' as const) : undefined;
    }, { timeoutMs, intervalMs: 100 });
    if (!r.ok || r.value === 'exited') throw new Error(`operator not ready (${r.ok ? 'exited' : 'timeout'}); log tail:\n${logTail(this.#proc.logFile)}`);
  }

  /** SIGTERM (releases the lease), SIGKILL after `graceMs`; resolves once gone. */
  stop(graceMs = 10_000): Promise<void> {
    return stopProcess(this.#proc, graceMs);
  }

  /** SIGKILL at once (a crash: the lease is not released). */
  kill(): void {
    try {
      process.kill(this.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}
