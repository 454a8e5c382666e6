/**
 * A layer-2 failover scenario in the lab, shared by the e2e test and the l2failover bench: N node
 * namespaces each run the real announcer + gossip + responder (l2-node-child.ts) for one VIP that
 * every node may announce; the client measures, through its own kernel, which MAC the VIP
 * resolves to. Every wait is bounded.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { NodePlanSpecL2 } from '@metallb-ts/lib/api/types.generated.ts';
import { rankCandidates } from '@metallb-ts/speaker/layer2/core/election.ts';
import { addKubeProxyVips } from './lab-kube-proxy.ts';
import { msUntilNeighborMac, pingLoss, startL2Node, writeKey, writeL2Plan, type PingLoss } from './l2-node.ts';
import type { L2ResponderProcess } from './l2-responder.ts';
import { Lab, type HostRole } from './lab.ts';
import { signal } from './netns.ts';

/** The scenario's VIP (inside the lab's layer-2 VIP range). */
export const FAILOVER_VIP = '192.0.2.210';
/** A member name that would win the election if forged gossip were believed. */
export const PHANTOM = phantomName();

function phantomName(): string {
  for (let i = 0; ; i++) {
    const name = `phantom-${i}`;
    const nodes = [name, ...Array.from({ length: 32 }, (_, k) => `node-${k}`)].map((n) => ({ name: n }));
    if (rankCandidates(nodes, FAILOVER_VIP)[0] === name) return name;
  }
}

/** One measured takeover. */
export interface Takeover {
  readonly from: HostRole;
  readonly to: HostRole;
  /** ms from the event until the client's neighbour entry pointed at `to`; undefined = never (bounded). */
  readonly ms: number | undefined;
}

/** The running scenario. */
export class L2FailoverScenario {
  readonly procs = new Map<HostRole, L2ResponderProcess>();
  /** Node roles alive in gossip, in election order for the VIP. */
  #order: HostRole[];

  readonly lab: Lab;
  readonly keyFile: string;
  readonly planFile: string;

  private constructor(lab: Lab, keyFile: string, planFile: string) {
    this.lab = lab;
    this.keyFile = keyFile;
    this.planFile = planFile;
    this.#order = rankCandidates(lab.nodes.map((name) => ({ name })), FAILOVER_VIP) as HostRole[];
  }

  /** Builds the lab, writes plan and key, starts every node and waits for the leader to announce. */
  static async create(nodes: number): Promise<L2FailoverScenario> {
    const lab = await Lab.create({ nodes });
    try {
      // The phantom is eligible too: if forged gossip made it a member, it would win the VIP.
      const l2: NodePlanSpecL2 = {
        candidateSets: [{ nodes: [...lab.nodes, PHANTOM].map((name) => ({ name })) }],
        vips: [{ ip: FAILOVER_VIP, set: 0, services: ['default/web'] }],
      };
      const s = new L2FailoverScenario(lab, writeKey(lab, 'gossip', 'lab gossip secret'), writeL2Plan(lab, 'plan', l2));
      for (const n of lab.nodes) await addKubeProxyVips(lab, n, [FAILOVER_VIP]);
      await Promise.all(lab.nodes.map((n) => s.start(n)));
      await s.procs.get(s.leader)!.waitFor((e) => e.event === 'l2' && e['state'] === 'announced', 0, 30_000);
      return s;
    } catch (e) {
      await lab.destroy();
      throw e;
    }
  }

  /** The node that should announce now. */
  get leader(): HostRole {
    return this.#order[0]!;
  }

  /** MAC of a node's LAN interface. */
  mac(role: HostRole): string {
    return this.lab.addr(role).mac.toLowerCase();
  }

  /** Starts (or restarts) the node child of `role`. */
  async start(role: HostRole): Promise<L2ResponderProcess> {
    const p = await startL2Node(this.lab, role, { seeds: this.lab.nodes, keyFile: this.keyFile, planFile: this.planFile, settleMs: 1000, handoverMs: 300 });
    this.procs.set(role, p);
    return p;
  }

  /** Resolves the VIP through the client kernel (flush + ping) and returns the MAC. */
  async clientMac(): Promise<string | undefined> {
    return (await this.lab.resolveNeighbor('client', FAILOVER_VIP))?.mac;
  }

  /** Silent death of the leader: SIGSTOP its process, drop its traffic; time until the client follows. */
  async silentFailover(timeoutMs = 10_000): Promise<Takeover> {
    const from = this.leader;
    const to = this.#order[1]!;
    await this.#expectClientAt(from);
    const t0 = performance.now();
    signal(this.procs.get(from)!.pid!, 'SIGSTOP');
    await this.lab.dropTraffic(from);
    return { from, to, ms: await msUntilNeighborMac(this.lab, 'client', FAILOVER_VIP, this.mac(to), t0, timeoutMs) };
  }

  /**
   * Undoes {@link silentFailover}: the node resumes, refutes its death and (ranking first) takes
   * the VIP back. Resolves with ms until the interim owner `to` withdrew (undefined: not within
   * the timeout). Until then both answer: the resumed node learns of its death only when gossip
   * reaches it, and the interim owner keeps the VIP until the refutation reaches it.
   */
  async recover(role: HostRole, to: HostRole, timeoutMs = 15_000): Promise<number | undefined> {
    await this.lab.restoreTraffic(role);
    const interim = this.procs.get(to)!;
    const from = interim.events.length;
    const t0 = performance.now();
    signal(this.procs.get(role)!.pid!, 'SIGCONT');
    try {
      await interim.waitFor((e) => e.event === 'l2' && e['state'] === 'withdrawn', from, timeoutMs);
      return performance.now() - t0;
    } catch {
      return undefined;
    }
  }

  /**
   * Graceful stop of the leader (SIGTERM) while the client pings the VIP every `intervalS`:
   * time until the client's entry points at the next node, and the pings lost.
   */
  async gracefulHandover(pings = 60, intervalS = 0.05): Promise<Takeover & { readonly loss: PingLoss }> {
    const from = this.leader;
    const to = this.#order[1]!;
    await this.#expectClientAt(from);
    const ping = pingLoss(this.lab, 'client', FAILOVER_VIP, pings, intervalS);
    await sleep(500);
    const old = this.procs.get(from)!;
    const t0 = performance.now();
    signal(old.pid!, 'SIGTERM');
    const ms = await msUntilNeighborMac(this.lab, 'client', FAILOVER_VIP, this.mac(to), t0, 10_000);
    await old.waitFor((e) => e.event === 'stopped');
    this.#order = [...this.#order.filter((r) => r !== from), from];
    return { from, to, ms, loss: await ping };
  }

  /** Restarts a stopped node; it ranks where it ranks, so the order is restored. */
  async restart(role: HostRole): Promise<void> {
    await this.procs.get(role)?.stop();
    this.#order = rankCandidates(this.lab.nodes.map((name) => ({ name })), FAILOVER_VIP) as HostRole[];
    await this.start(role);
  }

  /** The client needs an entry (gratuitous frames update entries, never create them) at `role`. */
  async #expectClientAt(role: HostRole): Promise<void> {
    const mac = await this.clientMac();
    if (mac !== this.mac(role)) throw new Error(`the client resolves ${FAILOVER_VIP} to ${String(mac)}, not to ${role} (${this.mac(role)})`);
  }

  /** Stops every child, then the lab. */
  async destroy(): Promise<void> {
    for (const [role, p] of this.procs) {
      signal(p.pid!, 'SIGCONT');
      await this.lab.restoreTraffic(role);
      await p.stop();
    }
    await this.lab.destroy();
  }
}
