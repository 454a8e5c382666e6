/**
 * CPU seconds of a process from /proc/<pid>/stat, for the benches that report how busy a
 * process was (the operator, kube-apiserver, etcd, the layer-2 responder).
 */
import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat on Linux (USER_HZ). */
const CLK_TCK = 100;

/** User + system CPU seconds of a process; undefined once it has exited (or /proc is unreadable). */
export function cpuSecondsOf(pid: number): number | undefined {
  try {
    return cpuSecondsFromStat(readFileSync(`/proc/${String(pid)}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** utime + stime of one /proc/<pid>/stat line, in seconds (the name field may hold spaces). */
export function cpuSecondsFromStat(stat: string): number | undefined {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After ")": state is field 3 of the man page; utime and stime are fields 14 and 15.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return Number.isFinite(utime) && Number.isFinite(stime) ? (utime + stime) / CLK_TCK : undefined;
}
