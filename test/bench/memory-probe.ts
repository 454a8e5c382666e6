/**
 * Reading the operator's memory samples back. The IPAM bench preloads
 * {@link MEMORY_PROBE_PRELOAD} into the operator (`node --import=…`), which prints
 * `process.memoryUsage()` every 250 ms as one `MEMPROBE {json}` line on stderr (appended to the
 * operator's log file by the harness); {@link memorySamplesOf} parses them, so the bench can say
 * where the resident memory went (V8 heap, external buffers) when RSS peaked. Bench-only.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The preload module. */
export const MEMORY_PROBE_PRELOAD = join(import.meta.dirname, 'memory-probe-preload.ts');

/** One sample, in bytes (`at` in ms since the epoch). */
export interface MemorySample {
  readonly at: number;
  readonly rss: number;
  readonly heapTotal: number;
  readonly heapUsed: number;
  readonly external: number;
  readonly arrayBuffers: number;
}

const PREFIX = 'MEMPROBE ';

/** Parses every probe line of a log file (other lines are ignored). */
export function memorySamplesOf(logFile: string): MemorySample[] {
  let text: string;
  try {
    text = readFileSync(logFile, 'utf8');
  } catch {
    return [];
  }
  const out: MemorySample[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith(PREFIX)) continue;
    try {
      out.push(JSON.parse(line.slice(PREFIX.length)) as MemorySample);
    } catch {
      // A line cut by the process being stopped.
    }
  }
  return out;
}

/** The sample with the highest RSS among those taken in [from, to] (epoch ms), if any. */
export function peakSample(samples: readonly MemorySample[], from = 0, to = Number.POSITIVE_INFINITY): MemorySample | undefined {
  let best: MemorySample | undefined;
  for (const s of samples) if (s.at >= from && s.at <= to && (best === undefined || s.rss > best.rss)) best = s;
  return best;
}
