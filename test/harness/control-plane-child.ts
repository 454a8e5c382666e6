/**
 * Fixture for the harness's own cleanup test: starts a control plane, prints its PIDs and dir
 * as one JSON line, then waits (bounded) to be signalled. The parent sends SIGTERM and checks
 * that the exit handlers killed both processes and removed the directory.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ControlPlane } from './control-plane.ts';

const cp = await ControlPlane.start();
process.stdout.write(`${JSON.stringify({ ...cp.pids, dir: cp.dir })}\n`);
// Bounded: if nobody signals us, stop cleanly after a minute instead of lingering.
await sleep(60_000);
await cp.stop();
