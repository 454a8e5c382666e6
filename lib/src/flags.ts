/**
 * Command-line helpers shared by the binaries' option parsers (operator/src/options.ts,
 * speaker/src/options.ts): strict flag parsing as a Result, log levels and port values.
 */
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import type { LogLevel } from './log.ts';
import { err, ok, type Result } from './result.ts';

/** Environment variables read (a plain record, so tests pass their own). */
export type Env = Readonly<Record<string, string | undefined>>;

/** The levels `--log-level` accepts. */
export const LOG_LEVELS: readonly LogLevel[] = ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'];

/** Parses `argv` strictly (no positionals, no unknown flags); a usage error as a message. */
export function parseFlags<T extends ParseArgsOptionsConfig>(argv: readonly string[], options: T): Result<ReturnType<typeof parseArgs<{ options: T }>>['values'], string> {
  try {
    return ok(parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values);
  } catch (e) {
    return err(e instanceof Error ? e.message : String(e));
  }
}

/** `--log-level`'s value (default info), or an error naming the flag. */
export function logLevelOf(text: string | undefined): Result<LogLevel, string> {
  const level = text ?? 'info';
  return (LOG_LEVELS as readonly string[]).includes(level) ? ok(level as LogLevel) : err(`--log-level: unknown level ${JSON.stringify(level)}`);
}

/** A TCP port number, or an error naming the flag. */
export function portOf(flag: string, text: string | undefined, fallback: number): Result<number, string> {
  if (text === undefined) return ok(fallback);
  const n = Number(text);
  return Number.isInteger(n) && n >= 0 && n <= 65535 ? ok(n) : err(`--${flag}: not a port: ${JSON.stringify(text)}`);
}

/** Drops undefined and empty optional values (exactOptionalPropertyTypes). */
export function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return value === undefined || value === '' ? {} : ({ [key]: value } as { [P in K]?: string });
}
