/**
 * Child process for the lab's cleanup tests: creates a one-node lab with FRR on node-0, prints
 * `{ prefix, dir, pids }` as one JSON line, then waits (bounded, 60 s) to be signalled.
 * Run: `node test/harness/lab-fixture-child.ts`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Lab } from './lab.ts';

const lab = await Lab.create({ nodes: 1 });
const frr = await lab.startFrr('node-0', 'frr defaults traditional\nrouter bgp 64512\nexit\n');
process.stdout.write(JSON.stringify({ prefix: lab.prefix, dir: lab.dir, pids: frr.pids() }) + '\n');
// Never destroy: the parent checks that SIGTERM (exit handler) or the next cleanup removes it all.
await sleep(60_000);
