/**
 * One FRR instance (zebra, bgpd, bfdd, staticd; FRR 10 adds mgmtd) running inside a lab
 * namespace, with every path explicit so several instances coexist on one machine without
 * touching /etc/frr or /var/run/frr: sockets, pidfiles, logs and config live in the instance's
 * own directory (`--vty_socket`, `--config_dir`). vtysh talks to its unix sockets from the root
 * namespace. The FRR build (the machine's 8.4, or FRR 10 from a trixie rootfs) is the
 * instance's {@link FrrRuntime} (frr-runtime.ts).
 */
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { CodedError } from '@metallb-ts/lib/errors.ts';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { frrRuntime, type FrrDaemon, type FrrRuntime, type FrrVersion, type VrfNetns } from './frr-runtime.ts';
import { isAlive, ownsPid, run, runOk, signal, terminate, type ExecResult } from './netns.ts';

export type { FrrDaemon, FrrVersion, VrfNetns } from './frr-runtime.ts';

/** What can fail about an instance. */
export const FRR_ERROR_CODES = ['frr-start-failed', 'vtysh-failed', 'reload-failed'] as const;

/** Failure to start, query or reload an instance; `code` (one of {@link FRR_ERROR_CODES}) says which. */
export class FrrError extends CodedError<(typeof FRR_ERROR_CODES)[number]> {}

/** Where and how to start an instance. */
export interface FrrStartOptions {
  /** Network namespace the daemons run in. */
  readonly ns: string;
  /** Empty directory for sockets, pidfiles, logs and config; made frr-owned here. */
  readonly dir: string;
  /** Initial integrated configuration (frr.conf text). */
  readonly conf: string;
  /** The FRR build (default the machine's, 8.4). */
  readonly version?: FrrVersion;
  /** Network namespaces as VRFs (FRR 10 only): VRF name → lab namespace. */
  readonly vrfNetns?: VrfNetns;
}

const POLL_MS = 50;
const SOCKET_WAIT_MS = 10_000;

/** Starts the daemons and waits (bounded) until each answers on its vty socket. */
export async function startFrr(opts: FrrStartOptions): Promise<FrrInstance> {
  const rt = frrRuntime(opts.version, opts.vrfNetns);
  writeFileSync(join(opts.dir, 'vtysh.conf'), '');
  writeFileSync(join(opts.dir, 'frr.conf'), opts.conf);
  await runOk('chown', ['-R', rt.owner, opts.dir]);
  const frr = new FrrInstance(opts.ns, opts.dir, rt);
  try {
    for (const d of rt.daemons) {
      await startDaemon(rt, opts.ns, opts.dir, d);
      await waitForFile(opts.dir, d === 'zebra' ? 'zserv.api' : `${d}.vty`);
    }
    await waitForFile(opts.dir, 'zebra.vty');
    if (!rt.daemonsReadConfig) await frr.boot();
  } catch (err) {
    await frr.stop();
    throw err;
  }
  return frr;
}

/**
 * Command line of one daemon; every path points into `dir`. FRR 10's daemons get no `-f` and
 * its bfdd no `--bfdctl` (its control socket is in /run/frr, which is `dir` there).
 */
export function daemonArgs(dir: string, d: FrrDaemon, rt: FrrRuntime = frrRuntime()): string[] {
  const bfdctl = rt.daemonsReadConfig ? ['--bfdctl', join(dir, 'bfdd.sock')] : [];
  const extra = d === 'zebra' ? ['-s', '90000000'] : d === 'bfdd' ? bfdctl : [];
  return [
    '-d', '-u', 'frr', '-g', 'frr', '-i', join(dir, `${d}.pid`), '-z', join(dir, 'zserv.api'),
    '--vty_socket', dir, '-A', '127.0.0.1', '-P', '0', '--log', `file:${join(dir, `${d}.log`)}`,
    ...(rt.daemonsReadConfig ? ['-f', join(dir, 'frr.conf')] : []), ...rt.extraDaemonArgs, ...extra,
  ];
}

async function startDaemon(rt: FrrRuntime, ns: string, dir: string, d: FrrDaemon): Promise<void> {
  const { cmd, args } = rt.daemon(dir, d, daemonArgs(dir, d, rt));
  const r = await run('ip', ['netns', 'exec', ns, cmd, ...args]);
  if (r.exitCode !== 0) {
    throw new FrrError('frr-start-failed', `${d} in ${ns} exited ${r.exitCode}: ${r.stderr}${logTail(dir, d)}`);
  }
}

async function waitForFile(dir: string, name: string): Promise<void> {
  const path = join(dir, name);
  for (let i = 0; i < SOCKET_WAIT_MS / POLL_MS; i++) {
    if (existsSync(path)) return;
    await sleep(POLL_MS);
  }
  throw new FrrError('frr-start-failed', `${path} did not appear within ${SOCKET_WAIT_MS} ms${logTail(dir, 'zebra')}`);
}

function logTail(dir: string, d: FrrDaemon): string {
  return [`${d}.log`, 'daemons.out'].map((f) => {
    try {
      return `\n--- ${f} ---\n${readFileSync(join(dir, f), 'utf8').split('\n').slice(-20).join('\n')}`;
    } catch {
      return ''; // the daemon died before it opened its log (daemons.out: FRR 10 only)
    }
  }).join('');
}

/** A running instance. Create it with {@link startFrr} (or `lab.startFrr`). */
export class FrrInstance {
  /** Namespace the daemons run in. */
  readonly ns: string;
  /** Instance directory: `frr.conf`, `<daemon>.vty|.pid|.log`, `zserv.api`, `bfdd.sock`. */
  readonly dir: string;
  /** The FRR build it runs. */
  readonly runtime: FrrRuntime;

  constructor(ns: string, dir: string, runtime: FrrRuntime = frrRuntime()) {
    this.ns = ns;
    this.dir = dir;
    this.runtime = runtime;
  }

  /** Arguments that point vtysh (and frr-reload.py) at this instance. */
  vtyshBaseArgs(): string[] {
    return ['--vty_socket', this.dir, '--config_dir', this.dir];
  }

  /** Runs this build's vtysh on this instance with `args`; a non-zero exit is returned. */
  runVtysh(args: readonly string[]): Promise<ExecResult> {
    const { cmd, args: full } = this.runtime.vtysh(this.dir, [...this.vtyshBaseArgs(), ...args]);
    return run(cmd, full);
  }

  /**
   * `vtysh -f` of a config file (copied into the instance directory first, where FRR 10's
   * chrooted vtysh can read it); the result as vtysh printed it, refusals included.
   */
  loadFile(file: string): Promise<ExecResult> {
    const copy = join(this.dir, `load-${basename(file)}`);
    copyFileSync(file, copy);
    return this.runVtysh(['-f', copy]);
  }

  /** Runs one or more vtysh commands (`-c` each) and returns the output; throws on failure. */
  async vtysh(cmds: string | readonly string[]): Promise<string> {
    const list = typeof cmds === 'string' ? [cmds] : cmds;
    const r = await this.runVtysh(list.flatMap((c) => ['-c', c]));
    if (r.exitCode !== 0) throw new FrrError('vtysh-failed', `vtysh ${list.join(' ; ')}: ${r.stdout}${r.stderr}`);
    return r.stdout;
  }

  /** `vtysh -b` (of one daemon, or all): the startup frr.conf applied, as FRR 10's frrinit.sh does. */
  async boot(d?: FrrDaemon): Promise<void> {
    const r = await this.runVtysh(['-b', ...(d === undefined ? [] : ['-d', d])]);
    if (r.exitCode !== 0) throw new FrrError('frr-start-failed', `vtysh -b${d === undefined ? '' : ` -d ${d}`} in ${this.ns}: ${r.stdout}${r.stderr}`);
  }

  /** Runs a `... json` show command and parses its output. */
  async vtyshJson<T>(cmd: string): Promise<T> {
    const out = await this.vtysh(cmd);
    try {
      return JSON.parse(out) as T;
    } catch (err) {
      throw new FrrError('vtysh-failed', `${cmd}: not JSON: ${out.slice(0, 200)}`, { cause: err });
    }
  }

  /** Applies a new integrated config with `frr-reload.py --reload`; throws with its output on failure. */
  async reload(conf: string): Promise<ExecResult> {
    const file = join(this.dir, 'reload.conf');
    writeFileSync(file, conf);
    const { cmd, args } = this.runtime.reloadPy(this.dir, ['--reload', '--stdout', '--confdir', this.dir, '--rundir', this.dir, '--vty_socket', this.dir, file]);
    const r = await run(cmd, args);
    if (r.exitCode !== 0) throw new FrrError('reload-failed', `frr-reload.py exited ${r.exitCode}: ${r.stdout}${r.stderr}`);
    return r;
  }

  /** PID of one daemon if it runs (read from its pidfile and checked to be this instance's). */
  pidOf(d: FrrDaemon): number | undefined {
    const pid = readPid(join(this.dir, `${d}.pid`));
    return pid !== undefined && ownsPid(pid, this.dir) ? pid : undefined;
  }

  /** SIGKILLs one daemon of this instance (a crash) and waits (bounded) until it is gone. */
  async killDaemon(d: FrrDaemon): Promise<number> {
    const pid = this.pidOf(d);
    if (pid === undefined) throw new FrrError('vtysh-failed', `${d} of ${this.dir} is not running`);
    signal(pid, 'SIGKILL');
    for (let i = 0; i < SOCKET_WAIT_MS / POLL_MS && isAlive(pid); i++) await sleep(POLL_MS);
    return pid;
  }

  /**
   * Starts one daemon again (what watchfrr does after a crash), with the instance's startup
   * frr.conf, and waits (bounded) for its vty socket.
   */
  async startDaemon(d: FrrDaemon): Promise<void> {
    await startDaemon(this.runtime, this.ns, this.dir, d);
    await waitForFile(this.dir, d === 'zebra' ? 'zserv.api' : `${d}.vty`);
    if (!this.runtime.daemonsReadConfig) await this.boot(d);
  }

  /** PIDs of the daemons that are still running, read from their pidfiles. */
  pids(): number[] {
    return this.runtime.daemons.map((d) => readPid(join(this.dir, `${d}.pid`))).filter(
      (p): p is number => p !== undefined && ownsPid(p, this.dir));
  }

  /** Stops every daemon (SIGTERM, then SIGKILL after a bounded wait). Idempotent. */
  async stop(): Promise<void> {
    await terminate(this.pids());
  }
}

/** The PID in a pidfile, or undefined when it is missing or unreadable. */
export function readPid(path: string): number | undefined {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim());
    return Number.isInteger(pid) && pid > 1 ? pid : undefined;
  } catch {
    return undefined;
  }
}
