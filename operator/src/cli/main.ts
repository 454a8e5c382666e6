/**
 * The `metallb-ts` command line (also `kubectl metallb`): dispatches subcommands.
 */
import { runExplain } from './explain.ts';
import { runValidate, type Output } from './validate.ts';

/** Top-level usage text. */
export const USAGE = `usage: metallb-ts <command> [arguments]

Commands:
  validate <files or dirs...>   check metallb.io manifests offline with the operator's rules
  explain service|pool|node     why a Service is pending or not reachable, stage by stage

Run 'metallb-ts <command> --help' for details.`;

const COMMANDS: Readonly<Record<string, (args: readonly string[], io: Output) => number | Promise<number>>> = {
  validate: runValidate,
  explain: runExplain,
};

/** Runs the command line `argv` (without node and script); returns the exit status. */
export function main(argv: readonly string[], io: Output): number | Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined) {
    io.err(USAGE);
    return 2;
  }
  if (command === '-h' || command === '--help' || command === 'help') {
    io.out(USAGE);
    return 0;
  }
  const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (run === undefined) {
    io.err(`metallb-ts: unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  return run(rest, io);
}

/** The process's standard streams as an {@link Output}. */
export const processOutput: Output = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};
