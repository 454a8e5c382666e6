/**
 * One FRR instance (zebra, bgpd, bfdd, staticd) running inside a lab namespace, with every path
 * explicit so several instances coexist on one machine without touching /etc/frr or
 * /var/run/frr: sockets, pidfiles, logs and config live in the instance's own directory
 * (`--vty_socket`, `--config_dir`). vtysh talks to its unix sockets from the root namespace.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { CodedError } from '@metallb-ts/lib/errors.ts';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { FRR_LIBEXEC, resolveBin } from './lab-prereqs.ts';
import { isAlive, ownsPid, run, runOk, signal, terminate, type ExecResult } from './netns.ts';

/** The daemons every instance runs, zebra first (the others connect to it). */
export const FRR_DAEMONS = ['zebra', 'bgpd', 'bfdd', 'staticd'] as const;

/** One of {@link FRR_DAEMONS}. */
export type FrrDaemon = (typeof FRR_DAEMONS)[number];

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
}

const POLL_MS = 50;
const SOCKET_WAIT_MS = 10_000;

/** Starts the daemons and waits (bounded) until each answers on its vty socket. */
export async function startFrr(opts: FrrStartOptions): Promise<FrrInstance> {
  writeFileSync(join(opts.dir, 'vtysh.conf'), '');
  writeFileSync(join(opts.dir, 'frr.conf'), opts.conf);
  await runOk('chown', ['-R', 'frr:frr', opts.dir]);
  const frr = new FrrInstance(opts.ns, opts.dir);
  try {
    for (const d of FRR_DAEMONS) {
      await startDaemon(opts.ns, opts.dir, d);
      await waitForFile(opts.dir, d === 'zebra' ? 'zserv.api' : `${d}.vty`);
    }
    await waitForFile(opts.dir, 'zebra.vty');
  } catch (err) {
    await frr.stop();
    throw err;
  }
  return frr;
}

/** Command line of one daemon; every path points into `dir`. */
export function daemonArgs(dir: string, d: FrrDaemon): string[] {
  const extra = d === 'zebra' ? ['-s', '90000000'] : d === 'bfdd' ? ['--bfdctl', join(dir, 'bfdd.sock')] : [];
  return [
    '-d', '-u', 'frr', '-g', 'frr', '-i', join(dir, `${d}.pid`), '-z', join(dir, 'zserv.api'),
    '--vty_socket', dir, '-A', '127.0.0.1', '-P', '0', '--log', `file:${join(dir, `${d}.log`)}`,
    '-f', join(dir, 'frr.conf'), ...extra,
  ];
}

async function startDaemon(ns: string, dir: string, d: FrrDaemon): Promise<void> {
  const r = await run('ip', ['netns', 'exec', ns, join(FRR_LIBEXEC, d), ...daemonArgs(dir, d)]);
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
  try {
    return `\n--- ${d}.log ---\n${readFileSync(join(dir, `${d}.log`), 'utf8').split('\n').slice(-20).join('\n')}`;
  } catch {
    return ''; // the daemon died before it opened its log
  }
}

/** A running instance. Create it with {@link startFrr} (or `lab.startFrr`). */
export class FrrInstance {
  /** Namespace the daemons run in. */
  readonly ns: string;
  /** Instance directory: `frr.conf`, `<daemon>.vty|.pid|.log`, `zserv.api`, `bfdd.sock`. */
  readonly dir: string;

  constructor(ns: string, dir: string) {
    this.ns = ns;
    this.dir = dir;
  }

  /** Arguments that point vtysh (and frr-reload.py) at this instance. */
  vtyshBaseArgs(): string[] {
    return ['--vty_socket', this.dir, '--config_dir', this.dir];
  }

  /** Runs one or more vtysh commands (`-c` each) and returns the output; throws on failure. */
  async vtysh(cmds: string | readonly string[]): Promise<string> {
    const list = typeof cmds === 'string' ? [cmds] : cmds;
    const r = await run('vtysh', [...this.vtyshBaseArgs(), ...list.flatMap((c) => ['-c', c])]);
    if (r.exitCode !== 0) throw new FrrError('vtysh-failed', `vtysh ${list.join(' ; ')}: ${r.stdout}${r.stderr}`);
    return r.stdout;
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
    const bindir = dirname(resolveBin('vtysh') ?? '/usr/bin/vtysh');
    const r = await run('/usr/bin/python3', [join(FRR_LIBEXEC, 'frr-reload.py'), '--reload', '--stdout',
      '--bindir', bindir, '--confdir', this.dir, '--rundir', this.dir, '--vty_socket', this.dir, file]);
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
    await startDaemon(this.ns, this.dir, d);
    await waitForFile(this.dir, d === 'zebra' ? 'zserv.api' : `${d}.vty`);
  }

  /** PIDs of the daemons that are still running, read from their pidfiles. */
  pids(): number[] {
    return FRR_DAEMONS.map((d) => readPid(join(this.dir, `${d}.pid`))).filter(
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
