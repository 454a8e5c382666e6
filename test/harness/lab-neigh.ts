/**
 * Kernel-side neighbour (ARP/NDP) checks from inside a lab namespace. `arping`/`ndisc6` use raw
 * sockets and leave the kernel's neighbour table alone; these helpers make the kernel itself
 * resolve an address (by sending it one UDP datagram) and read the MAC it learned, which is what
 * a real client on the LAN would use.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { run } from './netns.ts';

/** One entry of `ip -j neigh`. */
export interface NeighborEntry {
  /** Link-layer address, lower case. */
  readonly mac: string;
  /** NUD states, e.g. `['REACHABLE']`. */
  readonly state: readonly string[];
}

interface RawNeigh {
  dst: string;
  lladdr?: string;
  state?: string[];
}

const USABLE = ['REACHABLE', 'STALE', 'DELAY', 'PROBE', 'PERMANENT'];

/** The entry for `ip` in namespace `ns`, if the kernel has one with a MAC. */
export async function neighborOf(ns: string, ip: string): Promise<NeighborEntry | undefined> {
  const r = await run('ip', ['-n', ns, '-j', 'neigh', 'show', 'to', ip]);
  if (r.exitCode !== 0 || r.stdout.trim() === '') return undefined;
  const hit = (JSON.parse(r.stdout) as RawNeigh[]).find((n) => n.dst === ip && n.lladdr !== undefined);
  return hit?.lladdr === undefined ? undefined : { mac: hit.lladdr.toLowerCase(), state: hit.state ?? [] };
}

/**
 * Forgets any entry for `ip`, makes the kernel in `ns` resolve it again, and returns what it
 * learned; undefined when nothing answered within `timeoutMs` (bounded poll).
 */
export async function resolveNeighbor(ns: string, ip: string, timeoutMs = 3_000): Promise<NeighborEntry | undefined> {
  await run('ip', ['-n', ns, 'neigh', 'flush', 'to', ip]);
  await run('ip', ['netns', 'exec', ns, process.execPath, '-e', udpPokeScript(ip)], { timeoutMs: 5_000 });
  const stepMs = 50;
  for (let i = 0; i < timeoutMs / stepMs; i++) {
    const e = await neighborOf(ns, ip);
    if (e !== undefined && e.state.some((s) => USABLE.includes(s))) return e;
    await sleep(stepMs);
  }
  return undefined;
}

/** A one-line Node script sending one datagram to the discard port (9) of `ip`. */
function udpPokeScript(ip: string): string {
  const family = ip.includes(':') ? 'udp6' : 'udp4';
  return `const s=require('node:dgram').createSocket('${family}');` +
    `s.send('x',9,${JSON.stringify(ip)},()=>s.close());`;
}
