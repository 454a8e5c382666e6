/**
 * Runs speaker/src/layer2/l2-node-child.ts (announcer + gossip + responder of one node) in lab
 * namespaces, and measures from the client: how long until the client's kernel neighbour entry
 * for a VIP points at a given MAC, and how many pings are lost meanwhile. Events and commands go
 * through {@link L2ResponderProcess} (same JSON-lines protocol).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { NodePlanSpecL2 } from '@metallb-ts/lib/api/types.generated.ts';
import { startJsonChild, type L2ResponderProcess } from './l2-responder.ts';
import type { HostRole, Lab } from './lab.ts';

const CHILD = fileURLToPath(new URL('../../speaker/src/layer2/l2-node-child.ts', import.meta.url));
/** The gossip port, as in a cluster. */
export const GOSSIP_PORT = 7946;

/** Options of {@link startL2Node}. */
export interface L2NodeOptions {
  /** Member name (default: the role). */
  readonly name?: string;
  /** Peers' roles to seed with (their LAN v4 address and the gossip port). */
  readonly seeds: readonly HostRole[];
  /** File holding the gossip secret; absent = insecure. */
  readonly keyFile?: string;
  /** The plan file (spec.l2). */
  readonly planFile: string;
  readonly settleMs?: number;
  readonly handoverMs?: number;
}

/** Writes `l2` as a plan file in the lab dir; returns its path. */
export function writeL2Plan(lab: Lab, name: string, l2: NodePlanSpecL2): string {
  const file = join(lab.dir, `${name}.l2.json`);
  writeFileSync(file, JSON.stringify(l2));
  return file;
}

/** Writes a gossip key file in the lab dir; returns its path. */
export function writeKey(lab: Lab, name: string, key: string): string {
  const file = join(lab.dir, `${name}.key`);
  writeFileSync(file, key, { mode: 0o600 });
  return file;
}

/** Starts the layer-2 node child in `role`'s namespace; resolves once gossip and capture run. */
export async function startL2Node(lab: Lab, role: HostRole, o: L2NodeOptions): Promise<L2ResponderProcess> {
  const args = JSON.stringify({
    node: o.name ?? role, bindHost: lab.addr(role).v4, port: GOSSIP_PORT,
    seeds: o.seeds.filter((s) => s !== role).map((s) => `${lab.addr(s).v4}:${GOSSIP_PORT}`),
    ...(o.keyFile === undefined ? { insecure: true } : { keyFile: o.keyFile }),
    interfaces: [lab.addr(role).iface], planFile: o.planFile,
    ...(o.settleMs === undefined ? {} : { settleMs: o.settleMs }), ...(o.handoverMs === undefined ? {} : { handoverMs: o.handoverMs }),
  });
  return startJsonChild(lab, role, CHILD, args, 90_000); // several children start at once on a busy machine
}

/**
 * Polls the client's neighbour entry for `ip` (no flush: gratuitous frames must move it) every
 * `pollMs` until its MAC is `mac`. Returns ms since `t0` (performance.now() time), or undefined.
 */
export async function msUntilNeighborMac(lab: Lab, client: HostRole, ip: string, mac: string, t0: number, timeoutMs = 10_000, pollMs = 10): Promise<number | undefined> {
  for (let i = 0; i < timeoutMs / pollMs && performance.now() - t0 < timeoutMs; i++) {
    if ((await lab.neighbor(client, ip))?.mac === mac) return performance.now() - t0;
    await sleep(pollMs);
  }
  return undefined;
}

/** Result of a bounded ping run. */
export interface PingLoss {
  readonly sent: number;
  readonly received: number;
}

/** Starts `ping -i interval -c count ip` in `role`; resolves with sent/received when done. */
export async function pingLoss(lab: Lab, role: HostRole, ip: string, count: number, intervalS: number): Promise<PingLoss> {
  const r = await lab.exec(role, 'ping', ['-n', '-q', '-i', String(intervalS), '-c', String(count), '-W', '1', ip]);
  const m = /(\d+) packets transmitted, (\d+) (?:packets )?received/.exec(r.stdout);
  if (m === null) throw new Error(`ping output not understood: ${r.stdout}${r.stderr}`);
  return { sent: Number(m[1]), received: Number(m[2]) };
}
