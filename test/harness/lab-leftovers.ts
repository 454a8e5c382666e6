/**
 * Removes what a crashed test run left behind: namespaces and temp dirs named `mlbts-<pid>-…`
 * whose owning process is dead, and the processes still running in them. A concurrent live lab
 * (its owner alive) is never touched.
 */
import { readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readPid } from './frr.ts';
import { delNetns, isAlive, listNetns, netnsPids, ownsPid, parseLabName, terminate } from './netns.ts';

/** Cleans every dead lab; returns the prefixes it removed. */
export async function cleanupLeftoverLabs(tmpRoot: string = tmpdir()): Promise<string[]> {
  const namespaces = listNetns();
  const dirs = listDir(tmpRoot);
  const dead = deadPrefixes([...namespaces, ...dirs]);
  for (const prefix of dead) {
    await cleanupLab(prefix, namespaces.filter((n) => n.startsWith(prefix)), join(tmpRoot, prefix.slice(0, -1)));
  }
  return dead;
}

/** Lab prefixes among `names` whose owner PID is no longer running (sorted, unique). */
export function deadPrefixes(names: readonly string[], alive: (pid: number) => boolean = isAlive): string[] {
  const labs = names.map(parseLabName).filter((p) => p !== undefined);
  return [...new Set(labs.filter((p) => !alive(p.pid)).map((p) => p.prefix))].sort();
}

/**
 * Stops the processes of one lab (those inside its namespaces, and those its pidfiles name
 * that still carry its temp dir on their command line), then deletes namespaces and temp dir.
 */
export async function cleanupLab(prefix: string, namespaces: readonly string[], dir: string): Promise<void> {
  const inNs = (await Promise.all(namespaces.map(netnsPids))).flat();
  const fromPidfiles = pidfilesUnder(dir).map(readPid).filter(
    (p): p is number => p !== undefined && ownsPid(p, dir));
  await terminate([...new Set([...inNs, ...fromPidfiles])].filter((p) => p !== process.pid));
  for (const ns of namespaces) {
    if (ns.startsWith(prefix)) await delNetns(ns);
  }
  rmSync(dir, { recursive: true, force: true });
}

function pidfilesUnder(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.pid')).map((f) => join(dir, f));
  } catch {
    return []; // no temp dir: nothing was started from it
  }
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
