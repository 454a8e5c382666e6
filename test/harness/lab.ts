/**
 * The network-namespace test lab: a LAN bridge with N nodes, a client and a router, plus an
 * external client behind the router (address plan in lab-plan.ts). Each lab has a unique name
 * prefix `mlbts-<pid>-<rand4>-`, cleans up dead labs' leftovers when created, and removes its own
 * namespaces and processes on `destroy()` or when the process exits.
 *
 * ```ts
 * const lab = await Lab.create({ nodes: 2 });
 * try {
 *   const frr = await lab.startFrr('router', conf);
 *   await lab.exec('client', 'arping', ['-c', '1', lab.addr('node-0').v4]);
 * } finally {
 *   await lab.destroy();
 * }
 * ```
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startFrr, type FrrInstance, type FrrVersion, type VrfNetns } from './frr.ts';
import { buildLab, type MacTable } from './lab-build.ts';
import { cleanupLab, cleanupLeftoverLabs } from './lab-leftovers.ts';
import { neighborOf, resolveNeighbor, type NeighborEntry } from './lab-neigh.ts';
import { ifaceOf, labPlanFor, nodeRoles, type HostRole, type LabPlan, type LabRole, type LinkName } from './lab-plan.ts';
import { assertInstalled } from './lab-prereqs.ts';
import { DROP_TABLE, dropRulesetFor } from './lab-traffic.ts';
import { labPrefix, listNetns, run, runOk, signal, type ExecResult, type RunOptions } from './netns.ts';

export type { HostRole, LabRole, LinkName } from './lab-plan.ts';
export type { ExecResult, RunOptions } from './netns.ts';
export type { NeighborEntry } from './lab-neigh.ts';

/** Options of {@link Lab.create}. */
export interface LabOptions {
  /** Number of node namespaces (`node-0` …), 1..32. */
  readonly nodes: number;
}

/** A host's address on one link. */
export interface HostAddr {
  /** IPv4 address (no prefix length; the subnet is /24). */
  readonly v4: string;
  /** IPv6 address (no prefix length; the subnet is /64). */
  readonly v6: string;
  /** Interface name inside the host's namespace. */
  readonly iface: string;
  /** MAC address of that interface. */
  readonly mac: string;
}

/** Labs of this process not yet destroyed, for the exit handler. */
const liveLabs = new Set<Lab>();
let exitHandlerInstalled = false;

/** A running lab. Create with {@link Lab.create}; always `destroy()` it. */
export class Lab {
  /** Name prefix of every namespace and of the temp dir. */
  readonly prefix: string;
  /** Temp dir (FRR instance dirs live below it). */
  readonly dir: string;
  /** The topology and addresses. */
  readonly plan: LabPlan;
  /** Node roles, `node-0` … */
  readonly nodes: ReadonlyArray<`node-${number}`>;
  #macs: MacTable = new Map();
  #frrs: FrrInstance[] = [];
  #destroyed = false;

  private constructor(prefix: string, plan: LabPlan, nodes: number) {
    this.prefix = prefix;
    this.dir = join(tmpdir(), prefix.slice(0, -1));
    this.plan = plan;
    this.nodes = nodeRoles(nodes);
  }

  /** Checks prerequisites, cleans dead labs' leftovers, then builds a new lab. */
  static async create(opts: LabOptions): Promise<Lab> {
    assertInstalled();
    await cleanupLeftoverLabs();
    const lab = new Lab(labPrefix(process.pid, randomBytes(2).toString('hex')), labPlanFor(opts.nodes), opts.nodes);
    mkdirSync(lab.dir, { mode: 0o755 });
    registerForExit(lab);
    try {
      lab.#macs = await buildLab(lab.plan, (r) => lab.ns(r));
    } catch (err) {
      await lab.destroy();
      throw err;
    }
    return lab;
  }

  /** Removes namespaces, temp dirs and processes of labs whose owning process is dead. */
  static cleanupLeftovers(): Promise<string[]> {
    return cleanupLeftoverLabs();
  }

  /** Namespace name of a role. */
  ns(role: LabRole): string {
    return `${this.prefix}${role}`;
  }

  /** Address of a host on `link` (default: its first link; the router's is the LAN). */
  addr(role: HostRole, link?: LinkName): HostAddr {
    const host = this.plan.hosts.find((h) => h.role === role);
    const i = host === undefined ? undefined : ifaceOf(host, link);
    if (i === undefined) throw new RangeError(`lab has no ${role}${link === undefined ? '' : ` on ${link}`}`);
    return { v4: i.v4, v6: i.v6, iface: i.iface, mac: this.#macs.get(role)?.get(i.iface) ?? '' };
  }

  /** Runs a command inside a role's namespace (`ip netns exec`); a non-zero exit is returned. */
  exec(role: LabRole, cmd: string, args: readonly string[] = [], opts: RunOptions = {}): Promise<ExecResult> {
    return run('ip', ['netns', 'exec', this.ns(role), cmd, ...args], opts);
  }

  /**
   * Starts zebra, bgpd, bfdd and staticd (FRR 10: and mgmtd) in a role's namespace with
   * `frrConf` as frr.conf; `version` picks the FRR build (default the machine's 8.4), `vrfNetns`
   * backs VRFs with lab namespaces (FRR 10, see frr-runtime.ts).
   */
  async startFrr(role: LabRole, frrConf: string, version?: FrrVersion, vrfNetns?: VrfNetns): Promise<FrrInstance> {
    const dir = join(this.dir, `frr-${role}-${this.#frrs.length}`);
    mkdirSync(dir, { mode: 0o755 });
    const frr = await startFrr({ ns: this.ns(role), dir, conf: frrConf, ...(version === undefined ? {} : { version }), ...(vrfNetns === undefined ? {} : { vrfNetns }) });
    this.#frrs.push(frr);
    return frr;
  }

  /**
   * Adds a point-to-point veth between two hosts (`aIface` in `a`, `bIface` in `b`), both up,
   * with only their IPv6 link-local addresses (what an unnumbered BGP session needs). It is
   * created inside `a`'s namespace with its peer placed directly into `b`'s, like the lab's links.
   */
  async link(a: HostRole, aIface: string, b: HostRole, bIface: string): Promise<void> {
    await runOk('ip', ['-n', this.ns(a), 'link', 'add', aIface, 'type', 'veth', 'peer', 'name', bIface, 'netns', this.ns(b)]);
    await runOk('ip', ['-n', this.ns(a), 'link', 'set', aIface, 'up']);
    await runOk('ip', ['-n', this.ns(b), 'link', 'set', bIface, 'up']);
  }

  /** Adds `cidr` to a host's loopback (a router's loopback address, a multihop peering target). */
  async addLoopback(role: HostRole, cidr: string): Promise<void> {
    await runOk('ip', ['-n', this.ns(role), 'addr', 'add', cidr, 'dev', 'lo']);
  }

  /** The kernel neighbour entry (ARP/NDP) for `ip` in a role's namespace, if it has a MAC. */
  neighbor(role: HostRole, ip: string): Promise<NeighborEntry | undefined> {
    return neighborOf(this.ns(role), ip);
  }

  /** Flushes and re-resolves `ip` through the role's kernel (bounded); undefined if unanswered. */
  resolveNeighbor(role: HostRole, ip: string, timeoutMs?: number): Promise<NeighborEntry | undefined> {
    return resolveNeighbor(this.ns(role), ip, timeoutMs);
  }

  /**
   * Silently drops every frame on the host's interfaces (no RST, no ICMP): a dead node. Returns
   * when (performance.now()) the `nft` that installs the drop was started and when it returned:
   * the drop took effect in between, just before the return (nft commits, then exits).
   */
  async dropTraffic(role: HostRole): Promise<{ readonly startedMs: number; readonly inPlaceMs: number }> {
    await this.restoreTraffic(role);
    const ifaces = this.plan.hosts.find((h) => h.role === role)?.ifaces.map((i) => i.iface) ?? [];
    const startedMs = performance.now();
    await runOk('ip', ['netns', 'exec', this.ns(role), 'nft', '-f', '-'], { input: dropRulesetFor(ifaces) });
    return { startedMs, inPlaceMs: performance.now() };
  }

  /** Undoes {@link dropTraffic}; a no-op when traffic is not dropped. */
  async restoreTraffic(role: HostRole): Promise<void> {
    const tables = await runOk('ip', ['netns', 'exec', this.ns(role), 'nft', 'list', 'tables']);
    if (!tables.split('\n').includes(`table netdev ${DROP_TABLE}`)) return;
    await runOk('ip', ['netns', 'exec', this.ns(role), 'nft', 'delete', 'table', 'netdev', DROP_TABLE]);
  }

  /** Stops every FRR started here, kills what runs in the namespaces, deletes them. Idempotent. */
  async destroy(): Promise<void> {
    if (this.#destroyed) return;
    this.#destroyed = true;
    await Promise.all(this.#frrs.map((f) => f.stop()));
    await cleanupLab(this.prefix, this.#ownNamespaces(), this.dir);
    liveLabs.delete(this);
  }

  /** Synchronous last-resort cleanup for the process 'exit' handler. */
  destroySync(): void {
    for (const pid of this.#frrs.flatMap((f) => f.pids())) signal(pid, 'SIGKILL');
    for (const ns of this.#ownNamespaces()) {
      try {
        execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore', timeout: 5_000 });
      } catch {
        // Best effort while exiting; the next Lab.create() removes what is left.
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
    liveLabs.delete(this);
  }

  #ownNamespaces(): string[] {
    return listNetns().filter((n) => n.startsWith(this.prefix));
  }
}

/** Installs (once) handlers that clean live labs on exit, SIGINT and SIGTERM. */
function registerForExit(lab: Lab): void {
  liveLabs.add(lab);
  if (exitHandlerInstalled) return;
  exitHandlerInstalled = true;
  process.on('exit', () => {
    for (const l of [...liveLabs]) l.destroySync();
  });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => process.exit(sig === 'SIGINT' ? 130 : 143));
  }
}
