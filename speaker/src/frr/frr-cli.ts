/**
 * The two FRR command-line tools the speaker runs: vtysh (apply a batch file, dry-run check,
 * show commands) and frr-reload.py (the full-reload fallback). Pointed at one FRR instance by
 * its vty socket directory and config directory (the sidecar's /var/run/frr and /etc/frr, or a
 * lab instance's directory). A non-zero exit is a value; only a missing binary throws.
 */
import { execa } from 'execa';

/** Outcome of one command. */
export interface CliResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The FRR commands the applier and the state reader need (a port; tests fake it). */
export interface FrrCli {
  /** Runs vtysh with `args` after the instance selection (e.g. `['-c', 'show running-config']`). */
  vtysh(args: readonly string[]): Promise<CliResult>;
  /** Runs `frr-reload.py --reload` on `file`. */
  fullReload(file: string): Promise<CliResult>;
}

/** Where the FRR instance and its tools are. */
export interface FrrCliOptions {
  /** Directory of the daemons' `*.vty` sockets (FRR's `--vty_socket`). */
  readonly vtyDir?: string;
  /** FRR config directory (`--config_dir` / `--confdir`). */
  readonly configDir?: string;
  /** Directory holding vtysh (frr-reload.py's `--bindir`), default /usr/bin. */
  readonly bindir?: string;
  /** frr-reload.py, default /usr/lib/frr/frr-reload.py. */
  readonly reloadScript?: string;
  /** Per-command limit (default 60 s; frr-reload.py of a large change is slow). */
  readonly timeoutMs?: number;
}

/** Creates an {@link FrrCli} backed by the real binaries. */
export function createFrrCli(opts: FrrCliOptions = {}): FrrCli {
  const bindir = opts.bindir ?? '/usr/bin';
  const timeout = opts.timeoutMs ?? 60_000;
  const target = [
    ...(opts.vtyDir === undefined ? [] : ['--vty_socket', opts.vtyDir]),
    ...(opts.configDir === undefined ? [] : ['--config_dir', opts.configDir]),
  ];
  const exec = async (cmd: string, args: readonly string[]): Promise<CliResult> => {
    const r = await execa(cmd, args, { reject: false, timeout, stdin: 'ignore' });
    if (r.failed && r.exitCode === undefined && !r.timedOut) throw new Error(`cannot run ${cmd}: ${r.shortMessage}`);
    return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
  };
  return {
    vtysh: (args) => exec(`${bindir}/vtysh`, [...target, ...args]),
    fullReload: (file) => exec('/usr/bin/python3', [
      opts.reloadScript ?? '/usr/lib/frr/frr-reload.py', '--reload', '--stdout', '--bindir', bindir,
      ...(opts.configDir === undefined ? [] : ['--confdir', opts.configDir, '--rundir', opts.configDir]),
      ...(opts.vtyDir === undefined ? [] : ['--vty_socket', opts.vtyDir]),
      file,
    ]),
  };
}
