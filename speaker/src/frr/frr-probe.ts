/**
 * Restart detection from FRR's pidfiles: the identity of an instance is each daemon's PID and
 * kernel start time (so a reused PID is still a new process). In the FRR sidecar the pidfiles
 * are in the shared /var/run/frr; in the lab, in the instance directory.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { InstanceProbe } from './frr-applier.ts';

/** Daemons whose restart loses configuration the speaker applied. */
export const WATCHED_DAEMONS = ['zebra', 'bgpd', 'bfdd', 'staticd'] as const;

/** A probe over `<dir>/<daemon>.pid`; undefined while any daemon is missing or dead. */
export function pidfileProbe(dir: string, daemons: readonly string[] = WATCHED_DAEMONS): InstanceProbe {
  return async () => {
    const parts: string[] = [];
    for (const d of daemons) {
      const pid = await readText(join(dir, `${d}.pid`));
      const stat = pid === undefined ? undefined : await readText(`/proc/${pid}/stat`);
      // Field 22 (starttime) follows the parenthesised command name.
      const start = stat?.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
      if (pid === undefined || start === undefined) return undefined;
      parts.push(`${d}:${pid}@${start}`);
    }
    return parts.join(',');
  };
}

async function readText(path: string): Promise<string | undefined> {
  try {
    const t = (await readFile(path, 'utf8')).trim();
    return t === '' ? undefined : t;
  } catch {
    return undefined; // not there (yet): the daemon is down or restarting
  }
}
