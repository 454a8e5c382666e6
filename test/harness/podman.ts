/**
 * The project's images and containers in tests: podman through hack/podman.sh (the project's own
 * image store and this kind of machine's flags), the images built by hack/build-images.sh (cached
 * by input hash: a warm run only checks), and containers run in the FOREGROUND as child processes
 * (`podman run --rm`, output in a log file) so that they go when the test stops them, and are
 * removed when it crashed: every container is named `<lab prefix>…` (`mlbts-<pid>-<id>-…`) and
 * {@link removeLeftoverContainers} removes those whose owner process is dead, as the lab does with
 * its namespaces.
 */
import { execa } from 'execa';
import { join } from 'node:path';
import { logTail, spawnLogged, stopProcess, type ManagedProcess } from './control-plane-process.ts';
import { assertInstalled, type Requirement } from './lab-prereqs.ts';
import { LAB_NAME_PREFIX, parseLabName, isAlive, run, runOk, type ExecResult, type RunOptions } from './netns.ts';

const HACK = join(import.meta.dirname, '..', '..', 'hack');

/** What building and running the images needs (installed by hack/setup.sh). */
export const IMAGE_REQUIREMENTS: readonly Requirement[] = [
  { what: 'podman', bin: 'podman', packages: ['podman'] },
  { what: 'runc', bin: 'runc', packages: ['runc'] },
  { what: 'mmdebstrap', bin: 'mmdebstrap', packages: ['mmdebstrap'] },
];

/** The three images, as hack/build-images.sh names them (the chart's default values name the same). */
export interface ImageNames {
  readonly operator: string;
  readonly speaker: string;
  readonly frr: string;
}

/** Runs podman with the project's flags; a non-zero exit is a value. */
export function podman(args: readonly string[], opts: RunOptions = {}): Promise<ExecResult> {
  return run('bash', [join(HACK, 'podman.sh'), ...args], opts);
}

/** Like {@link podman}, but throws unless it exits 0; returns stdout. */
export function podmanOk(args: readonly string[], opts: RunOptions = {}): Promise<string> {
  return runOk('bash', [join(HACK, 'podman.sh'), ...args], opts);
}

/**
 * Builds what changed (hack/build-images.sh, its progress on stderr) and returns the image
 * names. A cold build on two cores takes minutes (base root filesystems, npm, node-gyp), a
 * warm one seconds.
 */
export async function buildImages(): Promise<ImageNames> {
  assertInstalled(IMAGE_REQUIREMENTS);
  const r = await execa('bash', [join(HACK, 'build-images.sh')], { reject: false, stdin: 'ignore', stdout: 'inherit', stderr: 'inherit', timeout: 40 * 60_000 });
  if (r.exitCode !== 0) throw new Error(`hack/build-images.sh exited ${String(r.exitCode)} (its output is above)`);
  const [operator, speaker, frr] = (await runOk('bash', [join(HACK, 'build-images.sh'), '--names'])).split('\n');
  if (operator === undefined || speaker === undefined || frr === undefined) throw new Error('hack/build-images.sh --names printed fewer than three names');
  return { operator, speaker, frr };
}

/** Removes the containers of dead test runs (named after a lab whose owner PID is gone); returns their names. */
export async function removeLeftoverContainers(): Promise<string[]> {
  const names = (await podmanOk(['ps', '--all', '--format', '{{.Names}}'])).split('\n').filter((n) => n.startsWith(LAB_NAME_PREFIX));
  const dead = names.filter((n) => {
    const owner = parseLabName(n);
    return owner !== undefined && !isAlive(owner.pid);
  });
  if (dead.length > 0) await podman(['rm', '--force', '--time', '0', ...dead], { timeoutMs: 60_000 });
  return dead;
}

/** A container running in the foreground of a child `podman run --rm`. */
export class Container {
  readonly name: string;
  readonly #proc: ManagedProcess;
  readonly #graceSeconds: number;

  private constructor(name: string, proc: ManagedProcess, graceSeconds: number) {
    this.name = name;
    this.#proc = proc;
    this.#graceSeconds = graceSeconds;
  }

  /**
   * Starts `podman run --rm --name <name> <runArgs…>`; its output goes to `logFile`. Does not
   * wait for the container to be up (see {@link waitRunning}).
   */
  static start(name: string, runArgs: readonly string[], logFile: string, graceSeconds = 5): Container {
    const proc = spawnLogged(name, 'bash', [join(HACK, 'podman.sh'), 'run', '--rm', '--pull=never', '--name', name, ...runArgs], logFile);
    return new Container(name, proc, graceSeconds);
  }

  /** Where its output goes. */
  get logFile(): string {
    return this.#proc.logFile;
  }

  /** True once `podman run` returned (the container exited). */
  hasExited(): boolean {
    return this.#proc.hasExited();
  }

  /** Settles when `podman run` returned. */
  get exited(): Promise<void> {
    return this.#proc.exited;
  }

  /** Waits (bounded) until podman reports it running; throws with the log tail if it exited first. */
  async waitRunning(timeoutMs = 60_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      if (this.hasExited()) throw new Error(`container ${this.name} exited:\n${logTail(this.logFile)}`);
      const r = await podman(['container', 'inspect', '--format', '{{.State.Running}}', this.name]);
      if (r.stdout.trim() === 'true') return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`container ${this.name} not running after ${String(timeoutMs)} ms:\n${logTail(this.logFile)}`);
  }

  /** `podman exec` in the container. */
  exec(args: readonly string[], opts: RunOptions = {}): Promise<ExecResult> {
    return podman(['exec', this.name, ...args], opts);
  }

  /** `podman stop` (SIGTERM, SIGKILL after the grace), then waits for `podman run` to return; removed by --rm. */
  async stop(): Promise<void> {
    if (!this.hasExited()) await podman(['stop', '--time', String(this.#graceSeconds), this.name], { timeoutMs: (this.#graceSeconds + 30) * 1000 });
    await stopProcess(this.#proc, 10_000);
    await podman(['rm', '--force', '--ignore', '--time', '0', this.name], { timeoutMs: 30_000 });
  }
}
