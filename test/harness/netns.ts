/**
 * Thin, bounded wrappers around `ip netns` and process handling for the test lab. Every name
 * the harness creates starts with {@link LAB_NAME_PREFIX}, followed by the owning process id, so
 * leftovers of a crashed run can be told apart from a concurrent live lab.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';

/** Every namespace and temp dir of a lab starts with this. */
export const LAB_NAME_PREFIX = 'mlbts-';

/** Where `ip netns add` puts its bind mounts. */
const NETNS_DIR = '/run/netns';

/** Default cap on any one command the harness runs. */
const COMMAND_TIMEOUT_MS = 30_000;

/** Outcome of a command; a non-zero exit is a value, not an exception. */
export interface ExecResult {
  /** Captured standard output (trailing newline stripped). */
  readonly stdout: string;
  /** Captured standard error. */
  readonly stderr: string;
  /** Exit code; -1 when the process was killed (timeout) or could not start. */
  readonly exitCode: number;
}

/** Options of {@link run}. */
export interface RunOptions {
  /** Written to standard input. */
  readonly input?: string;
  /** Kill the command after this long (default 30 s). */
  readonly timeoutMs?: number;
}

/** A command that was expected to succeed exited non-zero. */
export class CommandError extends Error {
  /** Always `'command-failed'`. */
  readonly code = 'command-failed';
  /** What ran and how it ended. */
  readonly result: ExecResult;

  constructor(cmd: string, args: readonly string[], result: ExecResult) {
    super(`${cmd} ${args.join(' ')} exited ${result.exitCode}: ${result.stderr || result.stdout}`);
    this.name = 'CommandError';
    this.result = result;
  }
}

/** Runs a command with a timeout and returns its outcome; never throws for a non-zero exit. */
export async function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<ExecResult> {
  const r = await execa(cmd, args, {
    reject: false,
    timeout: opts.timeoutMs ?? COMMAND_TIMEOUT_MS,
    ...(opts.input === undefined ? {} : { input: opts.input }),
  });
  return { stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? ''), exitCode: r.exitCode ?? -1 };
}

/** Like {@link run} but throws {@link CommandError} unless the command exits 0. */
export async function runOk(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<string> {
  const r = await run(cmd, args, opts);
  if (r.exitCode !== 0) throw new CommandError(cmd, args, r);
  return r.stdout;
}

/** The name prefix of one lab: `mlbts-<pid>-<id>-`. */
export function labPrefix(pid: number, id: string): string {
  return `${LAB_NAME_PREFIX}${pid}-${id}-`;
}

/** Parses a lab namespace/temp-dir name back into its owner pid and lab prefix. */
export function parseLabName(name: string): { readonly pid: number; readonly prefix: string } | undefined {
  const m = /^mlbts-(\d+)-([0-9a-f]{4})(-|$)/.exec(name);
  if (m === null || m[1] === undefined || m[2] === undefined) return undefined;
  return { pid: Number(m[1]), prefix: labPrefix(Number(m[1]), m[2]) };
}

/** Names of all network namespaces that `ip netns` knows. */
export function listNetns(): string[] {
  try {
    return readdirSync(NETNS_DIR).sort();
  } catch {
    return []; // no namespace was ever created on this machine
  }
}

/** Creates a namespace. */
export async function addNetns(name: string): Promise<void> {
  await runOk('ip', ['netns', 'add', name]);
}

/** Deletes a namespace if it exists. */
export async function delNetns(name: string): Promise<void> {
  if (listNetns().includes(name)) await runOk('ip', ['netns', 'del', name]);
}

/** PIDs of the processes running in a namespace. */
export async function netnsPids(name: string): Promise<number[]> {
  const r = await run('ip', ['netns', 'pids', name]);
  return r.exitCode === 0 ? r.stdout.split(/\s+/).filter((s) => s !== '').map(Number) : [];
}

/** True when a process with this PID exists and is not a zombie (EPERM still means it exists). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

/** Daemons reparented to an init that does not reap them linger as zombies: they are dead. */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false; // no procfs entry readable: trust kill(0)
  }
}

/**
 * True when `pid` runs and its command line mentions `marker` (e.g. the lab's temp dir): how the
 * harness makes sure a PID from a pidfile is still its own process before signalling it.
 */
export function ownsPid(pid: number, marker: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
  } catch {
    return false; // gone, or never existed
  }
}

/** Sends a signal, ignoring processes that are already gone. */
export function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // ESRCH: it exited on its own, which is what we want.
  }
}

/** SIGTERMs the given PIDs, waits (bounded) for them to exit, then SIGKILLs any that remain. */
export async function terminate(pids: readonly number[], graceMs = 3_000): Promise<void> {
  for (const pid of pids) signal(pid, 'SIGTERM');
  const stepMs = 50;
  for (let i = 0; i < graceMs / stepMs && pids.some(isAlive); i++) await sleep(stepMs);
  for (const pid of pids.filter(isAlive)) signal(pid, 'SIGKILL');
}
