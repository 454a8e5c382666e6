/** Test kit: a real JSON logger whose lines are kept in memory, and a counting fake. */
import { Writable } from 'node:stream';
import { createLogger, type Logger, type LogLevel } from '../log.ts';

/** A logger and the entries it wrote (parsed JSON lines). */
export interface CapturedLog {
  readonly logger: Logger;
  /** Entries written so far (waits for winston's stream to flush). */
  entries(): Promise<Array<Record<string, unknown>>>;
}

/** A logger (redaction included) writing into memory. */
export function captureLogger(level: LogLevel = 'debug'): CapturedLog {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter((l) => l !== ''));
      done();
    },
  });
  const logger = createLogger({ level, stream });
  return {
    logger,
    entries: async () => {
      await new Promise((r) => setImmediate(r));
      return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    },
  };
}

/** A counter fake: `inc()` adds one to `value`. */
export class FakeCounter {
  /** Times `inc()` was called. */
  value = 0;
  /** Adds one. */
  inc(): void {
    this.value++;
  }
}

/** A gauge fake: keeps the last value set. */
export class FakeGauge {
  /** The last value set (undefined before any). */
  value: number | undefined;
  /** Sets the value. */
  set(v: number): void {
    this.value = v;
  }
}
