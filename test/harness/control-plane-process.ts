/**
 * Child processes of the control plane harness: started with their output in a log file,
 * stopped by PID (SIGTERM, then SIGKILL after a bounded wait), and killed when the test process
 * exits or is interrupted. Only PIDs this module started are ever signalled.
 */
import { readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';

/** A started child process and where its output goes. */
export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Settles when the process has exited (never rejects). */
  readonly exited: Promise<void>;
  /** True once the process has exited. */
  hasExited(): boolean;
}

// Process-wide on purpose: exit and signal handlers are process-wide, and they must reach every
// child any ControlPlane in this process started.
const livePids = new Set<number>();
const ownedDirs = new Set<string>();
let handlersInstalled = false;

/** Kills every live child and removes owned directories; synchronous so it can run in 'exit'. */
function killAllNow(): void {
  for (const pid of livePids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone: nothing left to kill.
    }
  }
  livePids.clear();
  for (const dir of ownedDirs) rmSync(dir, { recursive: true, force: true });
  ownedDirs.clear();
}

/** Installs the exit and signal handlers once per process. */
function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', killAllNow);
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    // `on`, not `once`: execa's signal-exit re-raises the signal when it sees no other listener.
    process.on(signal, () => {
      killAllNow();
      // Let other harnesses' listeners for the same signal run first; they clean up their own.
      setImmediate(() => process.exit(code));
    });
  }
}

/** Registers a directory to be removed if the process exits before the harness stops. */
export function ownDir(dir: string): void {
  installHandlers();
  ownedDirs.add(dir);
}

/** Forgets a directory the harness has removed itself. */
export function disownDir(dir: string): void {
  ownedDirs.delete(dir);
}

/** Starts `binary args` with stdout and stderr appended to `logFile`. */
export function spawnLogged(name: string, binary: string, args: readonly string[], logFile: string, env?: Readonly<Record<string, string>>): ManagedProcess {
  installHandlers();
  // execa appends both streams to the file (it pipes them; raw descriptors are sync-only there).
  const log = { file: logFile, append: true } as const;
  const child = execa(binary, args, { stdin: 'ignore', stdout: log, stderr: log, reject: false, cleanup: true, ...(env === undefined ? {} : { env }) });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${name} did not start (${binary}); see ${logFile}`);
  livePids.add(pid);
  let done = false;
  const exited = child.then(() => undefined, () => undefined).finally(() => {
    done = true;
    livePids.delete(pid);
  });
  return { name, pid, logFile, exited, hasExited: () => done };
}

/** SIGTERM, then SIGKILL if the process has not exited within `graceMs`; resolves once it is gone. */
export async function stopProcess(p: ManagedProcess, graceMs = 5000): Promise<void> {
  if (p.hasExited()) return;
  signal(p.pid, 'SIGTERM');
  // Cancel the grace timer once the process is gone, so it cannot hold the event loop open.
  const ac = new AbortController();
  const timer = sleep(graceMs, 'timeout' as const, { signal: ac.signal }).catch(() => 'cancelled' as const);
  const outcome = await Promise.race([p.exited.then(() => 'exited' as const), timer]);
  ac.abort();
  if (outcome === 'timeout') {
    signal(p.pid, 'SIGKILL');
    await p.exited;
  }
}

/** Sends a signal to one of our PIDs, ignoring "no such process". */
function signal(pid: number, sig: NodeJS.Signals): void {
  if (!livePids.has(pid)) return;
  try {
    process.kill(pid, sig);
  } catch {
    // Exited between the check and the kill.
  }
}

/** The last `lines` lines of a log file, or a note that it cannot be read. */
export function logTail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch (e) {
    return `(cannot read ${file}: ${String(e)})`;
  }
}

/** Asks the kernel for `n` distinct free loopback TCP ports (bind :0 on all, then close). */
export async function freePorts(n: number): Promise<number[]> {
  const servers = Array.from({ length: n }, () => createServer());
  const ports = await Promise.all(servers.map((s) => new Promise<number>((resolve, reject) => {
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      if (a === null || typeof a === 'string') reject(new Error('no port from listen(0)'));
      else resolve(a.port);
    });
  })));
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}
