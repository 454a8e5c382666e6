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

/**
 * Field names whose values never reach a log line, compared without case, `-` or `_`: a name
 * ending in one of these (`password`, `bgpPassword`, `authSecret`, `apiToken`, `secretkey`…).
 * Deliberately not `key` alone: `key`, `serviceKey` and `keyring` name things, not secrets.
 */
export const SECRET_FIELD_SUFFIXES = [
  'password', 'passwd', 'secret', 'secretkey', 'privatekey', 'apikey', 'token', 'authorization', 'bearer', 'credentials',
] as const;

/** The placeholder written instead of a secret value. */
export const REDACTED = '<redacted>';

/** Whether a field of this name holds a secret (see {@link SECRET_FIELD_SUFFIXES}). */
export function isSecretField(name: string): boolean {
  const n = name.toLowerCase().replace(/[-_]/g, '');
  return SECRET_FIELD_SUFFIXES.some((s) => n.endsWith(s));
}

/**
 * Secret-looking spans inside free text (messages, errors, FRR config): PEM blocks, bearer
 * tokens, `password <x>` as FRR writes it, and `name: value` / `name=value` pairs whose name is
 * a secret field. Each is replaced with its label kept and the value redacted.
 */
const TEXT_PATTERNS: ReadonlyArray<readonly [RegExp, string]> = [
  [/-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g, `-----BEGIN $1-----${REDACTED}-----END $1-----`],
  [/\b(bearer)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`],
  [/\b(password)(\s+|\s*[=:]\s*)("[^"]*"|[^\s",;]+)/gi, `$1$2${REDACTED}`],
  [/(["']?[\w-]*(?:password|passwd|secretkey|token|authorization|apikey)["']?\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s",;}]+)/gi, `$1${REDACTED}`],
];

/** `text` with every secret-looking span redacted (see TEXT_PATTERNS). */
export function redactText(text: string): string {
  return TEXT_PATTERNS.reduce((t, [re, by]) => t.replace(re, by), text);
}

/** A Secret object (its `data`/`stringData` are secrets whatever their keys). */
const isSecretObject = (v: Record<string, unknown>): boolean => v.kind === 'Secret' && ('data' in v || 'stringData' in v);

/**
 * Returns a copy of `value` where every property named like a secret (see {@link isSecretField}),
 * at any depth and inside arrays too, is replaced by {@link REDACTED}, the data of a Secret
 * object likewise, and every string is passed through {@link redactText}. Cycles are cut.
 */
export function redact(value: unknown, seen: WeakSet<object> = new WeakSet()): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => redact(v, seen));
  if (value instanceof Error) return { name: value.name, message: redactText(value.message), stack: redact(value.stack, seen) };
  const record = value as Record<string, unknown>;
  const secretObject = isSecretObject(record);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record)) {
    out[k] = isSecretField(k) || (secretObject && (k === 'data' || k === 'stringData')) ? REDACTED : redact(v, seen);
  }
  return out;
}

/**
 * A winston format applying {@link redact} to the string-keyed fields of each entry (the
 * message too) in place;
 * winston's symbol-keyed bookkeeping (level, splat) is left alone.
 */
export const redactFormat = winston.format((info) => {
  const seen = new WeakSet<object>([info]);
  for (const key of Object.keys(info)) {
    info[key] = isSecretField(key) ? REDACTED : redact(info[key], seen);
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
