/**
 * The layer-2 soak (issue 10, proof 6), shared by the l2soak bench and its short e2e case: a
 * running {@link L2FailoverScenario} with random loss on the gossip port, watched from two sides
 * for false failovers while every member stays alive:
 *
 * - the members' own events (l2-node-child.ts): a `member` event saying a live lab node is
 *   `dead` or `left` (a false failover; `suspect` is only a suspicion, refuted when the member's
 *   own `alive` at a higher incarnation follows), and any `l2` event (the VIP changed hands);
 * - the client's view: `arping` of the VIP must keep getting the leader's MAC and nobody else's.
 *
 * Every loop is bounded by a count and a deadline.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { addGossipLoss, gossipLossCounters, removeGossipLoss, type LossCounters } from './gossip-loss.ts';
import { FAILOVER_VIP, type L2FailoverScenario } from './l2-failover.ts';
import { GOSSIP_PORT } from './l2-node.ts';
import type { ChildEvent } from './l2-responder.ts';
import type { HostRole } from './lab.ts';

/** What the soak counted since it started. */
export interface SoakCounts {
  readonly seconds: number;
  /** `suspect` transitions of a live member, summed over the observers. */
  readonly suspicions: number;
  /** A member announcing itself alive at a higher incarnation: a suspicion it heard and refuted. */
  readonly refutations: number;
  /** `dead`/`left` of a live member in any member's view (each one a false failover). */
  readonly deaths: number;
  /** `l2` events (announced, withdrawn, conflict) on any member: the VIP changed hands. */
  readonly vipChanges: number;
  /** Client probes: sent, answered by the leader only, answered by anyone else, unanswered. */
  readonly arp: { readonly sent: number; readonly leaderOnly: number; readonly foreign: number; readonly unanswered: number };
  /** Gossip messages sent by all members per second. */
  readonly messagesPerS: number;
  /** Packets the loss tables saw and dropped. */
  readonly loss: LossCounters;
}

/** false_failovers as the RESULT line reports it: member deaths, VIP moves, foreign ARP owners. */
export const falseFailovers = (c: SoakCounts): number => c.deaths + c.vipChanges + c.arp.foreign;

const sentTotal = (metrics: string): number => metrics.split('\n')
  .filter((l) => l.startsWith('metallb_gossip_messages_sent_total{'))
  .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);

/** A soak in progress over a scenario whose leader announces and whose client resolves it. */
export class L2Soak {
  readonly #s: L2FailoverScenario;
  readonly #from = new Map<HostRole, number>();
  readonly #arp = { sent: 0, leaderOnly: 0, foreign: 0, unanswered: 0 };
  #sentAtStart = 0;
  #t0 = 0;

  private constructor(s: L2FailoverScenario) {
    this.#s = s;
  }

  /** Installs `lossPct` % loss on every node's gossip port and starts counting from now. */
  static async start(s: L2FailoverScenario, lossPct: number): Promise<L2Soak> {
    const soak = new L2Soak(s);
    await addGossipLoss(s.lab, s.lab.nodes, GOSSIP_PORT, lossPct);
    for (const [role, p] of s.procs) soak.#from.set(role, p.events.length);
    soak.#sentAtStart = await soak.#messagesSent();
    soak.#t0 = performance.now();
    return soak;
  }

  /**
   * Runs for `seconds`: one client ARP probe per second; calls `onMinute` with the counts so far
   * after every full minute.
   */
  async run(seconds: number, onMinute?: (c: SoakCounts) => Promise<void> | void): Promise<SoakCounts> {
    const end = this.#t0 + seconds * 1000;
    let minute = 1;
    for (let i = 0; i < seconds + 5 && performance.now() < end; i++) {
      const tick = performance.now();
      await this.#probe();
      if (onMinute !== undefined && performance.now() - this.#t0 >= minute * 60_000) {
        minute++;
        await onMinute(await this.counts());
      }
      await sleep(Math.max(0, 1000 - (performance.now() - tick)));
    }
    return this.counts();
  }

  /** The counts so far. */
  async counts(): Promise<SoakCounts> {
    const live = new Set<string>(this.#s.lab.nodes);
    let suspicions = 0;
    let refutations = 0;
    let deaths = 0;
    let vipChanges = 0;
    for (const [role, p] of this.#s.procs) {
      // A change event may repeat a status at a new incarnation: count transitions only.
      const last = new Map<string, unknown>();
      for (const e of p.events.slice(this.#from.get(role) ?? 0)) {
        if (e.event === 'l2') vipChanges++;
        if (e.event !== 'member' || !live.has(String(e['node']))) continue;
        const node = String(e['node']);
        if (isSelfRefutation(role, e)) refutations++;
        else if (e['status'] !== last.get(node) && e['status'] === 'suspect') suspicions++;
        else if (e['status'] !== last.get(node) && (e['status'] === 'dead' || e['status'] === 'left')) deaths++;
        last.set(node, e['status']);
      }
    }
    const seconds = (performance.now() - this.#t0) / 1000;
    const messagesPerS = (await this.#messagesSent() - this.#sentAtStart) / Math.max(seconds, 1e-3);
    return { seconds, suspicions, refutations, deaths, vipChanges, arp: { ...this.#arp }, messagesPerS, loss: await gossipLossCounters(this.#s.lab, this.#s.lab.nodes) };
  }

  /** Removes the loss tables. */
  async stop(): Promise<void> {
    await removeGossipLoss(this.#s.lab, this.#s.lab.nodes);
  }

  /** One arping of the VIP from the client; classifies the MACs that answered. */
  async #probe(): Promise<void> {
    const lab = this.#s.lab;
    this.#arp.sent++;
    const r = await lab.exec('client', 'arping', ['-c', '1', '-w', '1', '-I', lab.addr('client').iface, FAILOVER_VIP], { timeoutMs: 5_000 });
    const macs = new Set([...r.stdout.matchAll(/\[([0-9A-F:]{17})\]/gi)].map((m) => m[1]!.toLowerCase()));
    if (macs.size === 0) this.#arp.unanswered++;
    else if (macs.size === 1 && macs.has(this.#s.mac(this.#s.leader))) this.#arp.leaderOnly++;
    else this.#arp.foreign++;
  }

  async #messagesSent(): Promise<number> {
    let sum = 0;
    for (const p of this.#s.procs.values()) sum += sentTotal(await p.metrics());
    return sum;
  }
}

/** A member's own view of itself turning alive again: it refuted a suspicion about itself. */
function isSelfRefutation(role: HostRole, e: ChildEvent): boolean {
  return e['node'] === role && e['status'] === 'alive';
}
