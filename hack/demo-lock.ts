/**
 * One demo at a time: a lock file holding the running demo's PID, created exclusively
 * (O_CREAT|O_EXCL). A second demo finds it, sees that PID alive and is refused; a file left by a
 * demo that died (its PID gone, or no PID in it) is stale and taken over. The holder removes it
 * on release, and only while it still holds its own PID.
 */
import { openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { isAlive } from '@metallb-ts/test/harness/netns.ts';

/** Where the demo's lock lives unless METALLB_TS_DEMO_LOCK says otherwise (the smoke test uses its own). */
export const DEFAULT_DEMO_LOCK = '/run/lock/metallb-ts-demo.pid';

/** Held: `release()` removes the file. Refused: the PID that holds it. */
export type LockOutcome =
  | { readonly kind: 'held'; release(): void }
  | { readonly kind: 'refused'; readonly holder: number };

/** Takes the lock at `path` for `pid`, or says who holds it (`alive` is injectable for tests). */
export function acquireLock(path: string, pid: number = process.pid, alive: (pid: number) => boolean = isAlive): LockOutcome {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o644);
      writeSync(fd, `${String(pid)}\n`);
      closeSync(fd);
      return { kind: 'held', release: () => releaseLock(path, pid) };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = holderOf(path);
    if (holder !== undefined && holder !== pid && alive(holder)) return { kind: 'refused', holder };
    // Stale (its demo died) or unreadable: remove it and try once more.
    rmSync(path, { force: true });
  }
  const holder = holderOf(path);
  return { kind: 'refused', holder: holder ?? 0 };
}

/** The PID in the lock file, undefined when there is none or it is not a PID. */
export function holderOf(path: string): number | undefined {
  try {
    const n = Number(readFileSync(path, 'utf8').trim());
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

function releaseLock(path: string, pid: number): void {
  if (holderOf(path) === pid) rmSync(path, { force: true });
}
