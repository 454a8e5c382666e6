/**
 * A deterministic cluster simulator for the pure SWIM state machine: a virtual clock, seeded
 * randomness, and a network that loses each datagram with a given probability and delays it by
 * a random amount. Streams (push-pull) are not lost (TCP retransmits) but are cut by partitions
 * and dead members. Every packet goes through the real codec, so the simulation also exercises
 * encoding and decoding.
 */
import { decodePacket } from '../codec.ts';
import { gossipConfig, type GossipConfig } from '../config.ts';
import type { Addr, MemberStatus, Message } from '../messages.ts';
import { Swim, type MembershipChange, type Output, type Send } from '../swim.ts';
import { EventHeap } from './event-heap.ts';
import { seededRng } from './seeded-rng.ts';

/** Parameters of a simulated cluster. */
export interface SimOptions {
  /** Number of members, named m00, m01, … */
  readonly members: number;
  readonly seed: number;
  /** Probability that a datagram is lost (0..1). */
  readonly loss?: number;
  /** One-way delay bounds in ms (uniform). */
  readonly minDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Protocol overrides applied to every member. */
  readonly config?: Partial<GossipConfig>;
  /** Optional envelope every packet goes through (e.g. the real AES-GCM one, from a test). */
  readonly wire?: SimWire;
}

/** Wraps packets on the simulated wire; `open` returns undefined for a packet to drop. */
export interface SimWire {
  seal(bytes: Uint8Array, channel: 'packet' | 'stream'): Uint8Array;
  open(bytes: Uint8Array, channel: 'packet' | 'stream'): Uint8Array | undefined;
}

/** A membership change seen by `observer` at virtual time `at`. */
export interface ObservedChange extends MembershipChange {
  readonly at: number;
  readonly observer: string;
}

interface SimNode {
  readonly name: string;
  readonly addr: Addr;
  swim: Swim;
  up: boolean;
  scheduledTick: number;
  sentPackets: number;
  sentBytes: number;
}

type SimEvent =
  | { readonly kind: 'tick'; readonly node: string }
  | { readonly kind: 'deliver'; readonly to: Addr; readonly from: Addr; readonly bytes: Uint8Array; readonly channel: 'packet' | 'stream' };

/** Name of the i-th simulated member. */
export const memberName = (i: number): string => `m${String(i).padStart(2, '0')}`;

/** A simulated cluster; every member joins through m00. */
export class ClusterSim {
  readonly #opts: SimOptions;
  readonly #net: () => number;
  readonly #heap = new EventHeap<SimEvent>();
  readonly #nodes = new Map<string, SimNode>();
  readonly #byAddr = new Map<Addr, SimNode>();
  #partition: Map<string, number> | undefined;
  #now = 0;
  /** Every change any member observed, in order. */
  readonly changes: ObservedChange[] = [];
  /** Packets that failed to decode at a receiver (only forged input should land here). */
  decodeErrors = 0;
  /** Packets the wire's `open` refused. */
  wireDrops = 0;

  constructor(opts: SimOptions) {
    this.#opts = opts;
    this.#net = seededRng(opts.seed ^ 0x5eed);
    for (let i = 0; i < opts.members; i++) this.#add(memberName(i), i);
    for (let i = 1; i < opts.members; i++) this.#apply(this.#node(memberName(i)), this.#node(memberName(i)).swim.join([this.#node(memberName(0)).addr]));
  }

  /** Current virtual time (ms). */
  get now(): number {
    return this.#now;
  }

  /** Names of all members, alive or not. */
  names(): string[] {
    return [...this.#nodes.keys()];
  }

  /** Names of members that are running. */
  upNames(): string[] {
    return [...this.#nodes.values()].filter((n) => n.up).map((n) => n.name);
  }

  /** The state machine of `name` (read-only use in tests). */
  swim(name: string): Swim {
    return this.#node(name).swim;
  }

  /** Datagrams and bytes sent by `name` so far. */
  sent(name: string): { packets: number; bytes: number } {
    const n = this.#node(name);
    return { packets: n.sentPackets, bytes: n.sentBytes };
  }

  /** Runs events until virtual time `until`. */
  runUntil(until: number): void {
    while (this.#heap.peekAt() <= until) {
      const ev = this.#heap.pop();
      if (ev === undefined) break;
      this.#now = ev.at;
      if (ev.value.kind === 'tick') this.#onTick(ev.value.node, ev.at);
      else this.#onDeliver(ev.value);
    }
    this.#now = until;
  }

  /** Runs for `ms` more virtual milliseconds. */
  runFor(ms: number): void {
    this.runUntil(this.#now + ms);
  }

  /** Runs until `pred` holds (checked every `stepMs`) or `maxMs` passed; returns when it held. */
  runUntilTrue(pred: () => boolean, maxMs: number, stepMs = 10): number | undefined {
    const end = this.#now + maxMs;
    while (this.#now < end) {
      if (pred()) return this.#now;
      this.runUntil(Math.min(end, this.#now + stepMs));
    }
    return pred() ? this.#now : undefined;
  }

  /** Stops `name` silently: it sends and receives nothing more. */
  kill(name: string): void {
    this.#node(name).up = false;
  }

  /** Restarts a killed member as a fresh process that rejoins through `seed`. */
  restart(name: string, seed: string): void {
    const n = this.#node(name);
    n.up = true;
    n.swim = new Swim({ config: this.#config(name), rng: seededRng(this.#opts.seed + this.#nodes.size + Math.floor(this.#now)), now: this.#now });
    n.scheduledTick = Infinity;
    this.#apply(n, n.swim.join([this.#node(seed).addr]));
  }

  /** Makes `name` leave gracefully (it keeps running to gossip its leave, then should be killed). */
  leave(name: string): void {
    const n = this.#node(name);
    this.#apply(n, n.swim.leave(this.#now));
  }

  /** Splits the network: members in different groups cannot reach each other. */
  partition(groups: readonly (readonly string[])[]): void {
    this.#partition = new Map();
    groups.forEach((g, i) => g.forEach((name) => this.#partition?.set(name, i)));
  }

  /** Removes the partition. */
  heal(): void {
    this.#partition = undefined;
  }

  /** Delivers raw wire bytes to `to` as if sent from `fromAddr` (forged or garbled input). */
  inject(to: string, fromAddr: Addr, bytes: Uint8Array, channel: 'packet' | 'stream' = 'packet'): void {
    this.#heap.push(this.#now, { kind: 'deliver', to: this.#node(to).addr, from: fromAddr, bytes, channel });
  }

  /** Observes every datagram put on the wire (after sealing), e.g. to replay or garble it. */
  onWire: ((from: string, to: Addr, bytes: Uint8Array) => void) | undefined;

  /** Status of `target` in the view of `observer`. */
  statusIn(observer: string, target: string): MemberStatus | undefined {
    return this.#node(observer).swim.statusOf(target);
  }

  /** True when every running member sees exactly the running members as live. */
  converged(): boolean {
    const want = this.upNames().sort().join(',');
    return this.upNames().every((n) => this.#node(n).swim.liveMembers().join(',') === want);
  }

  #config(name: string): GossipConfig {
    return gossipConfig(name, `${name}:7946`, this.#opts.config);
  }

  #add(name: string, i: number): void {
    const swim = new Swim({ config: this.#config(name), rng: seededRng(this.#opts.seed * 1000 + i), now: 0 });
    const n: SimNode = { name, addr: `${name}:7946`, swim, up: true, scheduledTick: Infinity, sentPackets: 0, sentBytes: 0 };
    this.#nodes.set(name, n);
    this.#byAddr.set(n.addr, n);
    this.#schedule(n);
  }

  #node(name: string): SimNode {
    const n = this.#nodes.get(name);
    if (n === undefined) throw new Error(`no simulated member ${name}`);
    return n;
  }

  #schedule(n: SimNode): void {
    const at = Math.max(this.#now, n.swim.nextTickAt());
    if (at < n.scheduledTick) {
      n.scheduledTick = at;
      this.#heap.push(at, { kind: 'tick', node: n.name });
    }
  }

  #onTick(name: string, at: number): void {
    const n = this.#node(name);
    if (at !== n.scheduledTick) return; // superseded by an earlier schedule
    n.scheduledTick = Infinity;
    if (!n.up) return;
    this.#apply(n, n.swim.tick(at));
  }

  #reachable(a: SimNode, b: SimNode): boolean {
    if (!a.up || !b.up) return false;
    const p = this.#partition;
    return p === undefined || p.get(a.name) === p.get(b.name);
  }

  #onDeliver(ev: Extract<SimEvent, { kind: 'deliver' }>): void {
    const n = this.#byAddr.get(ev.to);
    if (n === undefined || !n.up) return;
    const plain = this.#opts.wire === undefined ? ev.bytes : this.#opts.wire.open(ev.bytes, ev.channel);
    if (plain === undefined) {
      this.wireDrops++;
      return;
    }
    const decoded = decodePacket(plain);
    if (!decoded.ok) {
      this.decodeErrors++;
      return;
    }
    this.#apply(n, n.swim.receive(ev.from, decoded.value, this.#now));
  }

  #apply(n: SimNode, out: Output): void {
    for (const c of out.changes) this.changes.push({ ...c, at: this.#now, observer: n.name });
    for (const s of out.sends) this.#send(n, s);
    this.#schedule(n);
  }

  #send(from: SimNode, s: Send): void {
    if (!from.up) return;
    if (s.channel === 'packet') {
      from.sentPackets++;
      from.sentBytes += s.bytes.length;
    }
    const bytes = this.#opts.wire === undefined ? s.bytes : this.#opts.wire.seal(s.bytes, s.channel);
    if (s.channel === 'packet') this.onWire?.(from.name, s.to, bytes);
    const to = this.#byAddr.get(s.to);
    if (to === undefined || !this.#reachable(from, to)) return;
    if (s.channel === 'packet' && this.#net() < (this.#opts.loss ?? 0)) return;
    const lo = this.#opts.minDelayMs ?? 0.1;
    const hi = this.#opts.maxDelayMs ?? 2;
    this.#heap.push(this.#now + lo + this.#net() * (hi - lo), { kind: 'deliver', to: s.to, from: from.addr, bytes, channel: s.channel });
  }
}

/** Messages of one type in a list, for assertions. */
export function ofType<T extends Message['type']>(ms: readonly Message[], type: T): Extract<Message, { type: T }>[] {
  return ms.filter((m): m is Extract<Message, { type: T }> => m.type === type);
}
