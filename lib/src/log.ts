/**
 * The process logger: winston, JSON lines on stdout, with secrets redacted always.
 *
 * Built once in a binary's `main.ts` and passed down; subsystems take `logger.child({ component })`.
 */
import type { Writable } from 'node:stream';
import winston from 'winston';

/** The logger type handed around the code base. */
export type Logger = winston.Logger;

/** Log levels, most to least severe (winston's npm levels). */
export type LogLevel = 'error' | 'warn' | 'info' | 'http' | 'verbose' | 'debug' | 'silly';

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** Minimum level written. */
  readonly level: LogLevel;
  /** Default `component` field on every line. */
  readonly component?: string;
  /** Where lines go; stdout unless a test injects a stream. */
  readonly stream?: Writable;
}

/** Keys whose values never reach a log line. */
export const SECRET_KEY = /password|secret|token|key$/i;

/** The placeholder written instead of a secret value. */
export const REDACTED = '<redacted>';

/**
 * Returns a copy of `value` where every property whose key matches {@link SECRET_KEY} (at any
 * depth, inside arrays too) is replaced by {@link REDACTED}. Cycles are cut, not followed.
 */
export function redact(value: unknown, seen: WeakSet<object> = new WeakSet()): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => redact(v, seen));
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) ? REDACTED : redact(v, seen);
  return out;
}

/**
 * A winston format applying {@link redact} to the string-keyed fields of each entry in place;
 * winston's symbol-keyed bookkeeping (level, splat) is left alone.
 */
export const redactFormat = winston.format((info) => {
  const seen = new WeakSet<object>([info]);
  for (const key of Object.keys(info)) {
    info[key] = SECRET_KEY.test(key) ? REDACTED : redact(info[key], seen);
  }
  return info;
});

/**
 * Creates the JSON logger; `component`, when given, is the field of every line not logged through
 * a child with its own. (Through a child, not winston's `defaultMeta`: defaultMeta is applied
 * last and would overwrite every child's `component`.)
 */
export function createLogger(opts: LoggerOptions): Logger {
  const transport = opts.stream === undefined
    ? new winston.transports.Stream({ stream: process.stdout })
    : new winston.transports.Stream({ stream: opts.stream });
  const root = winston.createLogger({
    level: opts.level,
    format: winston.format.combine(winston.format.timestamp(), redactFormat(), winston.format.json()),
    transports: [transport],
  });
  return opts.component === undefined ? root : root.child({ component: opts.component });
}
