/**
 * Start-up of a long-running binary, called first thing by its entry file (before it imports
 * anything heavy):
 *
 * - re-executes the process in place (same PID, `process.execve`) with the heap flags of
 *   heap-flags.ts when some are missing, so `node operator/src/main.ts`, `npx`, a bin link and a
 *   container command all get them without a wrapper script;
 * - enables node's on-disk compile cache (`NODE_COMPILE_CACHE` or the temp directory), so a
 *   restarted process skips compiling its ~3,000 dependency modules again.
 *
 * Either step is skipped when the runtime lacks it; a failure to re-execute leaves the process
 * running with node's defaults.
 */
import { enableCompileCache } from 'node:module';
import { heapFlagsToAdd, RELAUNCHED_ENV } from './heap-flags.ts';

/** See the module comment. Returns only when the process was not replaced. */
export function relaunchWithHeapFlags(): void {
  const add = heapFlagsToAdd({ execArgv: process.execArgv, env: process.env });
  if (add.length > 0 && typeof process.execve === 'function') {
    try {
      process.execve(process.execPath, [process.execPath, ...add, ...process.execArgv, ...process.argv.slice(1)], { ...process.env, [RELAUNCHED_ENV]: '1' });
    } catch (e) {
      process.stderr.write(`warning: could not re-execute with ${add.join(' ')}: ${String(e)}\n`);
    }
  }
  enableCompileCache();
}
