/**
 * The SWIM membership state machine with Lifeguard's extensions, as a pure object. The shell
 * (or the simulator) feeds it events — `tick(now)` when {@link Swim.nextTickAt} is due and
 * `receive(fromAddr, messages, now)` for every decoded packet — and carries out what it returns:
 * packets to send and membership changes to publish. Time arrives as a parameter and
 * randomness through the injected {@link Rng}; nothing here touches a socket or a timer.
 *
 * Protocol (SWIM, Das et al. 2002; Lifeguard, Dadgar et al. 2017; memberlist's rules):
 * - every probe interval, ping the next member of a shuffled round-robin list; no ack within the
 *   probe timeout → ask `indirectChecks` random members to ping it (ping-req), who answer with a
 *   relayed ack or a nack; no ack by the end of the interval → suspect it;
 * - a suspicion expires after a timeout that starts at max and shrinks towards min with every
 *   independent confirmation; expiry declares the member dead — unless the suspect itself sent
 *   us a packet meanwhile (our deviation from memberlist: it is demonstrably alive and only its
 *   refutation was lost, so the timer starts over while the out-of-turn probes fetch it);
 * - a member that hears it is suspected (or dead) refutes with a higher incarnation;
 * - rumours (suspect/alive/dead) are piggybacked on every packet and sent in gossip rounds,
 *   each up to the retransmit limit; push-pull exchanges the full table periodically;
 * - a graceful leave is a dead rumour about oneself (`from === node`).
 */
import type { Rng } from '@metallb-ts/lib/random/rng.ts';
import { BroadcastQueue } from './broadcast-queue.ts';
import { encodeMessage, encodePacketParts, packetHeaderBytes } from './codec.ts';
import { pushPullIntervalMs, retransmitLimit, suspicionBounds, type GossipConfig } from './config.ts';
import type { Addr, Alive, Dead, MemberSnapshot, MemberStatus, Message, PushPull, Suspect } from './messages.ts';
import { Suspicion } from './suspicion.ts';

/** A packet (datagram channel) or a push-pull (stream channel) to send. */
export interface Send {
  readonly to: Addr;
  readonly channel: 'packet' | 'stream';
  readonly messages: readonly Message[];
  /** The encoded packet (what goes on the wire before encryption). */
  readonly bytes: Uint8Array;
}

/** A member whose status (or address) changed in this member's view. */
export interface MembershipChange {
  readonly node: string;
  readonly addr: Addr;
  readonly status: MemberStatus;
  readonly incarnation: number;
}

/** What one event produced. */
export interface Output {
  readonly sends: Send[];
  readonly changes: MembershipChange[];
}

interface Member {
  readonly node: string;
  addr: Addr;
  incarnation: number;
  status: MemberStatus;
  /** When the status last changed. */
  since: number;
}

interface Probe {
  readonly seq: number;
  readonly target: string;
  readonly targetAddr: Addr;
  readonly indirectAt: number;
  deadline: number;
  acked: boolean;
  indirectSent: boolean;
  nacksExpected: number;
  nacks: number;
  /** Times the verdict was postponed because this member's own loop stalled. */
  stallDeferrals: number;
}

interface Relay {
  readonly origSeq: number;
  readonly requester: Addr;
  readonly nackAt: number;
}

const isLive = (m: Member): boolean => m.status === 'alive' || m.status === 'suspect';

/** One member's view of the cluster and its protocol state. */
export class Swim {
  readonly #cfg: GossipConfig;
  readonly #rng: Rng;
  readonly #members = new Map<string, Member>();
  readonly #suspicions = new Map<string, Suspicion>();
  readonly #relays = new Map<number, Relay>();
  readonly #queue = new BroadcastQueue();
  #probeOrder: string[] = [];
  #probeIndex = 0;
  #probe: Probe | undefined;
  #seq = 0;
  #awareness = 0;
  #leaving = false;
  #nextProbeAt: number;
  #nextGossipAt: number;
  #nextPushPullAt: number;
  #nextReclaimAt: number;
  #out: Output = { sends: [], changes: [] };

  /** Starts alone, alive at `incarnation`; `now` spreads the first timers with jitter. */
  constructor(opts: { config: GossipConfig; rng: Rng; now: number; incarnation?: number }) {
    this.#cfg = opts.config;
    this.#rng = opts.rng;
    const self: Member = { node: opts.config.name, addr: opts.config.addr, incarnation: opts.incarnation ?? 0, status: 'alive', since: opts.now };
    this.#members.set(self.node, self);
    const c = this.#cfg;
    this.#nextProbeAt = opts.now + Math.floor(this.#rng() * c.probeIntervalMs);
    this.#nextGossipAt = opts.now + Math.floor(this.#rng() * c.gossipIntervalMs);
    this.#nextPushPullAt = opts.now + Math.floor(this.#rng() * c.pushPullIntervalMs);
    this.#nextReclaimAt = opts.now + c.deadReclaimMs;
  }

  /** This member's name. */
  get name(): string {
    return this.#cfg.name;
  }

  /** Lifeguard local health score (0 = healthy); the probe interval is scaled by score + 1. */
  get awareness(): number {
    return this.#awareness;
  }

  /** Every known member (self included), sorted by name. */
  members(): MemberSnapshot[] {
    return [...this.#members.values()]
      .map((m) => ({ node: m.node, addr: m.addr, incarnation: m.incarnation, status: m.status }))
      .sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
  }

  /** Names of members currently alive or suspect (self included), sorted: the usable set. */
  liveMembers(): string[] {
    return this.members().filter((m) => m.status === 'alive' || m.status === 'suspect').map((m) => m.node);
  }

  /** Status of `node` in this view, or undefined if unknown. */
  statusOf(node: string): MemberStatus | undefined {
    return this.#members.get(node)?.status;
  }

  /** The earliest time at which {@link Swim.tick} has something to do. */
  nextTickAt(): number {
    let t = Math.min(this.#nextGossipAt, this.#nextReclaimAt);
    if (!this.#leaving) t = Math.min(t, this.#nextProbeAt, this.#nextPushPullAt);
    const p = this.#probe;
    if (p !== undefined && !p.acked) t = Math.min(t, p.indirectSent ? p.deadline : p.indirectAt);
    for (const s of this.#suspicions.values()) t = Math.min(t, s.deadline);
    for (const r of this.#relays.values()) t = Math.min(t, r.nackAt);
    return t;
  }

  /** Contacts `seeds` with a joining push-pull (also used to rejoin: known members are skipped). */
  join(seeds: readonly Addr[]): Output {
    const known = new Set([...this.#members.values()].filter(isLive).map((m) => m.addr));
    for (const addr of seeds) {
      if (!known.has(addr)) this.#sendPushPull(addr, true, false);
    }
    return this.#flush();
  }

  /** Leaves gracefully: a dead rumour about ourselves, sent at once and then gossiped. */
  leave(now: number): Output {
    const self = this.#self();
    if (this.#leaving) return this.#flush();
    this.#leaving = true;
    this.#setStatus(self, 'left', self.incarnation, now);
    const dead: Dead = { type: 'dead', node: self.node, incarnation: self.incarnation, from: self.node };
    this.#queue.enqueue(dead);
    for (const m of this.#pick(this.#cfg.gossipNodes * 2, (x) => isLive(x) && x.node !== self.node)) {
      this.#sendPacket(m.addr, [dead]);
    }
    return this.#flush();
  }

  /** Runs every timer due at `now`. */
  tick(now: number): Output {
    this.#probeTimers(now);
    if (!this.#leaving && now >= this.#nextProbeAt) this.#startProbe(now);
    this.#relayTimers(now);
    this.#suspicionTimers(now);
    if (now >= this.#nextGossipAt) this.#gossip(now);
    if (!this.#leaving && now >= this.#nextPushPullAt) this.#pushPullRound(now);
    if (now >= this.#nextReclaimAt) this.#reclaim(now);
    return this.#flush();
  }

  /** Handles the messages of one packet (or one push-pull) received from `from`. */
  receive(from: Addr, messages: readonly Message[], now: number): Output {
    for (const m of messages) this.#handle(from, m, now);
    return this.#flush();
  }

  #self(): Member {
    const self = this.#members.get(this.#cfg.name);
    if (self === undefined) throw new Error('invariant: the member table always holds self');
    return self;
  }

  #liveCount(): number {
    let n = 0;
    for (const m of this.#members.values()) if (isLive(m)) n++;
    return n;
  }

  #flush(): Output {
    const out = this.#out;
    this.#out = { sends: [], changes: [] };
    return out;
  }

  // ---- sending ----

  #sendPacket(to: Addr, primary: readonly Message[]): void {
    const parts = primary.map(encodeMessage);
    const used = parts.reduce((n, p) => n + p.length, 0);
    const budget = this.#cfg.packetBudgetBytes - packetHeaderBytes(255) - used;
    const carried = new Set(primary.flatMap((m) => (m.type === 'alive' || m.type === 'suspect' || m.type === 'dead' ? [m.node] : [])));
    const extra = this.#queue.take(budget, retransmitLimit(this.#cfg, this.#liveCount()), carried);
    const messages = [...primary, ...extra.rumours].slice(0, 255);
    const bytes = encodePacketParts([...parts, ...extra.parts].slice(0, 255));
    this.#out.sends.push({ to, channel: 'packet', messages, bytes });
  }

  #sendPushPull(to: Addr, join: boolean, reply: boolean): void {
    const self = this.#self();
    const msg: PushPull = { type: 'push-pull', join, reply, from: self.node, fromAddr: self.addr, members: this.members() };
    this.#out.sends.push({ to, channel: 'stream', messages: [msg], bytes: encodePacketParts([encodeMessage(msg)]) });
  }

  /** Up to `k` distinct random members matching `pred` (partial Fisher–Yates). */
  #pick(k: number, pred: (m: Member) => boolean): Member[] {
    const pool = [...this.#members.values()].filter(pred);
    const n = Math.min(k, pool.length);
    for (let i = 0; i < n; i++) {
      const j = i + Math.floor(this.#rng() * (pool.length - i));
      const t = pool[i] as Member;
      pool[i] = pool[j] as Member;
      pool[j] = t;
    }
    return pool.slice(0, n);
  }

  // ---- probing ----

  #nextTarget(now: number): Member | undefined {
    // A suspect we have not probed since its suspicion began goes first: its ack-less probe
    // confirms the suspicion quickly if it is dead, and the buddy suspect in the ping lets it
    // answer with its refutation directly if it is alive.
    for (const [node, s] of this.#suspicions) {
      if (now < s.nextBuddyAt) continue;
      s.nextBuddyAt = now + 2 * this.#cfg.probeIntervalMs;
      const m = this.#members.get(node);
      if (m !== undefined && m.status === 'suspect') return m;
    }
    for (let tries = 0; tries < 2; tries++) {
      while (this.#probeIndex < this.#probeOrder.length) {
        const m = this.#members.get(this.#probeOrder[this.#probeIndex++] ?? '');
        if (m !== undefined && isLive(m) && m.node !== this.#cfg.name) return m;
      }
      const names = this.#pick(Infinity, (m) => isLive(m) && m.node !== this.#cfg.name).map((m) => m.node);
      this.#probeOrder = names;
      this.#probeIndex = 0;
    }
    return undefined;
  }

  #startProbe(now: number): void {
    const c = this.#cfg;
    const interval = c.probeIntervalMs * (this.#awareness + 1);
    this.#nextProbeAt = now + interval;
    const target = this.#nextTarget(now);
    if (target === undefined) return;
    const seq = (this.#seq = (this.#seq + 1) >>> 0);
    this.#probe = {
      // Lifeguard's LHA-Probe: the ack timeout stretches with the interval while local health is poor.
      seq, target: target.node, targetAddr: target.addr, indirectAt: now + c.probeTimeoutMs * (this.#awareness + 1), deadline: now + interval,
      acked: false, indirectSent: false, nacksExpected: 0, nacks: 0, stallDeferrals: 0,
    };
    const ping: Message = { type: 'ping', seq, target: target.node, from: c.name };
    // Lifeguard's buddy system: a suspected member learns it at once and can refute.
    const buddy: Suspect[] = target.status === 'suspect'
      ? [{ type: 'suspect', node: target.node, incarnation: target.incarnation, from: c.name }]
      : [];
    this.#sendPacket(target.addr, [ping, ...buddy]);
  }

  #probeTimers(now: number): void {
    const p = this.#probe;
    if (p === undefined || p.acked) return;
    if (!p.indirectSent && now >= p.indirectAt) {
      p.indirectSent = true;
      const helpers = this.#pick(this.#cfg.indirectChecks, (m) => m.status === 'alive' && m.node !== this.#cfg.name && m.node !== p.target);
      p.nacksExpected = helpers.length;
      // A second direct ping along with the indirect ones (memberlist sends a TCP ping here):
      // one lost datagram on the direct path no longer makes a suspicion on its own.
      this.#sendPacket(p.targetAddr, [{ type: 'ping', seq: p.seq, target: p.target, from: this.#cfg.name }]);
      for (const h of helpers) {
        this.#sendPacket(h.addr, [{ type: 'ping-req', seq: p.seq, target: p.target, targetAddr: p.targetAddr, from: this.#cfg.name }]);
      }
    }
    if (now >= p.deadline && this.#stalled(p, p.deadline, now)) {
      p.deadline = now + this.#cfg.probeTimeoutMs;
      this.#nextProbeAt = Math.max(this.#nextProbeAt, p.deadline); // the next probe waits for this verdict
    } else if (now >= p.deadline) {
      this.#probe = undefined;
      // Lifeguard: missing nacks mean our own network or CPU is the problem; slow down.
      const missing = p.nacksExpected > 0 ? p.nacksExpected - p.nacks : 1;
      this.#adjustAwareness(missing);
      const m = this.#members.get(p.target);
      if (m !== undefined && isLive(m)) {
        this.#applySuspect({ type: 'suspect', node: m.node, incarnation: m.incarnation, from: this.#cfg.name }, now);
      }
    }
  }

  /**
   * True (and counted) when a verdict due at `due` is handled late enough that this member's own
   * loop stalled, and it may still be postponed (see {@link GossipConfig.stallToleranceMs}).
   */
  #stalled(v: { stallDeferrals: number }, due: number, now: number): boolean {
    if (now - due <= this.#cfg.stallToleranceMs || v.stallDeferrals >= this.#cfg.maxStallDeferrals) return false;
    v.stallDeferrals++;
    // A stalled loop is poor local health too (Lifeguard): probe less often, wait longer for acks.
    this.#adjustAwareness(1);
    return true;
  }

  #adjustAwareness(delta: number): void {
    this.#awareness = Math.max(0, Math.min(this.#cfg.awarenessMax - 1, this.#awareness + delta));
  }

  #relayTimers(now: number): void {
    for (const [seq, r] of this.#relays) {
      if (now < r.nackAt) continue;
      this.#relays.delete(seq);
      this.#sendPacket(r.requester, [{ type: 'nack', seq: r.origSeq, from: this.#cfg.name }]);
    }
  }

  #suspicionTimers(now: number): void {
    for (const [node, s] of this.#suspicions) {
      if (now < s.deadline) continue;
      // We heard from the suspect itself during the suspicion: it is alive and only its
      // refutation is missing (our buddy probe asks for it again). Start over, do not kill.
      if (s.heardAt !== undefined) {
        s.rearm(now);
        continue;
      }
      if (this.#stalled(s, s.deadline, now)) {
        s.deadline = now + this.#cfg.probeTimeoutMs;
        continue;
      }
      this.#suspicions.delete(node);
      const m = this.#members.get(node);
      if (m?.status === 'suspect') {
        this.#applyDead({ type: 'dead', node, incarnation: m.incarnation, from: this.#cfg.name }, now);
      }
    }
  }

  // ---- gossip and anti-entropy ----

  #gossip(now: number): void {
    this.#nextGossipAt = now + this.#cfg.gossipIntervalMs;
    if (this.#queue.size === 0) return;
    const recentDead = (m: Member): boolean => m.status === 'dead' && now - m.since < this.#cfg.gossipToTheDeadMs;
    for (const m of this.#pick(this.#cfg.gossipNodes, (x) => x.node !== this.#cfg.name && (isLive(x) || recentDead(x)))) {
      this.#sendPacket(m.addr, []);
      if (this.#queue.size === 0) break;
    }
  }

  #pushPullRound(now: number): void {
    this.#nextPushPullAt = now + pushPullIntervalMs(this.#cfg, this.#liveCount());
    const [peer] = this.#pick(1, (m) => isLive(m) && m.node !== this.#cfg.name);
    if (peer !== undefined) this.#sendPushPull(peer.addr, false, false);
    // A member we believe dead may be alive behind a healed partition: one reconnect attempt.
    const [ghost] = this.#pick(1, (m) => m.status === 'dead');
    if (ghost !== undefined) this.#sendPushPull(ghost.addr, false, false);
  }

  #reclaim(now: number): void {
    this.#nextReclaimAt = now + this.#cfg.deadReclaimMs;
    for (const [node, m] of this.#members) {
      if (!isLive(m) && node !== this.#cfg.name && now - m.since >= this.#cfg.deadReclaimMs) this.#members.delete(node);
    }
  }

  // ---- receiving ----

  #handle(from: Addr, m: Message, now: number): void {
    if (m.type === 'ping' || m.type === 'ack' || m.type === 'nack' || m.type === 'ping-req') {
      const s = this.#suspicions.get(m.from);
      if (s !== undefined) s.heardAt = now;
    }
    switch (m.type) {
      case 'ping':
        if (m.target === this.#cfg.name && !this.#leaving) this.#sendPacket(from, [{ type: 'ack', seq: m.seq, from: this.#cfg.name }]);
        return;
      case 'ping-req': {
        if (m.target === this.#cfg.name) return;
        const seq = (this.#seq = (this.#seq + 1) >>> 0);
        this.#relays.set(seq, { origSeq: m.seq, requester: from, nackAt: now + this.#cfg.probeTimeoutMs });
        this.#sendPacket(m.targetAddr, [{ type: 'ping', seq, target: m.target, from: this.#cfg.name }]);
        return;
      }
      case 'ack':
        this.#onAck(m.seq);
        return;
      case 'nack':
        if (this.#probe?.seq === m.seq) this.#probe.nacks++;
        return;
      case 'suspect':
        this.#applySuspect(m, now, from);
        return;
      case 'alive':
        this.#applyAlive(m, now);
        return;
      case 'dead':
        this.#applyDead(m, now, from);
        return;
      case 'push-pull':
        this.#mergePushPull(m, now);
        return;
    }
  }

  #onAck(seq: number): void {
    const p = this.#probe;
    if (p !== undefined && p.seq === seq && !p.acked) {
      p.acked = true;
      this.#adjustAwareness(-1);
      return;
    }
    const r = this.#relays.get(seq);
    if (r === undefined) return;
    this.#relays.delete(seq);
    this.#sendPacket(r.requester, [{ type: 'ack', seq: r.origSeq, from: this.#cfg.name }]);
  }

  #mergePushPull(pp: PushPull, now: number): void {
    for (const s of pp.members) {
      if (s.status === 'alive') this.#applyAlive({ type: 'alive', node: s.node, incarnation: s.incarnation, addr: s.addr }, now);
      else if (s.status === 'left') this.#applyDead({ type: 'dead', node: s.node, incarnation: s.incarnation, from: s.node }, now);
      // A remote "dead" is only a suspicion here: we let our own timer (and a refutation) decide.
      else this.#applySuspect({ type: 'suspect', node: s.node, incarnation: s.incarnation, from: pp.from }, now);
    }
    if (!pp.reply && !this.#leaving) this.#sendPushPull(pp.fromAddr, false, true);
  }

  // ---- state transitions ----

  #setStatus(m: Member, status: MemberStatus, incarnation: number, now: number): void {
    const changed = m.status !== status;
    m.status = status;
    m.incarnation = incarnation;
    if (changed) m.since = now;
    this.#out.changes.push({ node: m.node, addr: m.addr, status, incarnation });
  }

  /** Outlives a rumour about ourselves at `incarnation` by announcing a higher one. */
  #refute(incarnation: number, replyTo: Addr | undefined): void {
    const self = this.#self();
    self.incarnation = Math.max(self.incarnation, incarnation) + 1;
    // Published: others may have declared us dead meanwhile, so what we announce must be re-announced.
    this.#out.changes.push({ node: self.node, addr: self.addr, status: 'alive', incarnation: self.incarnation });
    const alive: Alive = { type: 'alive', node: self.node, incarnation: self.incarnation, addr: self.addr };
    this.#queue.enqueue(alive);
    this.#adjustAwareness(1);
    if (replyTo !== undefined) this.#sendPacket(replyTo, [alive]);
  }

  /**
   * The sender still holds a rumour about us that we already refuted (it missed the refutation):
   * send it our current alive directly, without a new incarnation.
   */
  #answerStale(replyTo: Addr | undefined): void {
    if (replyTo === undefined || this.#leaving) return;
    const self = this.#self();
    this.#sendPacket(replyTo, [{ type: 'alive', node: self.node, incarnation: self.incarnation, addr: self.addr }]);
  }

  #applyAlive(a: Alive, now: number): void {
    if (a.node === this.#cfg.name) {
      // Someone remembers a later life of ours (we restarted): move past it.
      if (a.incarnation > this.#self().incarnation && !this.#leaving) this.#refute(a.incarnation, undefined);
      return;
    }
    const m = this.#members.get(a.node);
    if (m === undefined) {
      const fresh: Member = { node: a.node, addr: a.addr, incarnation: a.incarnation, status: 'alive', since: now };
      this.#members.set(a.node, fresh);
      this.#probeOrder.splice(this.#probeIndex + Math.floor(this.#rng() * (this.#probeOrder.length - this.#probeIndex + 1)), 0, a.node);
      this.#out.changes.push({ node: a.node, addr: a.addr, status: 'alive', incarnation: a.incarnation });
      this.#queue.enqueue(a);
      return;
    }
    if (a.incarnation <= m.incarnation) return;
    this.#suspicions.delete(a.node);
    const moved = m.addr !== a.addr;
    m.addr = a.addr;
    if (m.status !== 'alive' || moved) this.#setStatus(m, 'alive', a.incarnation, now);
    else m.incarnation = a.incarnation;
    this.#queue.enqueue(a);
  }

  /**
   * Shared gate of suspect and dead rumours: the live member it is about, or undefined when the
   * rumour is stale, about an unknown or already dead member, or about ourselves (then refuted).
   */
  #rumourTarget(r: Suspect | Dead, from: Addr | undefined): Member | undefined {
    const m = this.#members.get(r.node);
    if (m === undefined || !isLive(m)) return undefined;
    const aboutSelf = r.node === this.#cfg.name;
    if (r.incarnation < m.incarnation) {
      if (aboutSelf) this.#answerStale(from);
      return undefined;
    }
    if (aboutSelf) {
      if (!this.#leaving) this.#refute(r.incarnation, from);
      return undefined;
    }
    return m;
  }

  #applySuspect(s: Suspect, now: number, from?: Addr): void {
    const m = this.#rumourTarget(s, from);
    if (m === undefined) return;
    const existing = this.#suspicions.get(s.node);
    if (m.status === 'suspect' && existing !== undefined) {
      if (existing.confirm(s.from)) this.#queue.enqueue(s); // others count this confirmation too
      return;
    }
    // Every holder of a suspicion probes the suspect out of turn (the originator one interval
    // later, it just did): a dead suspect is confirmed fast, a live one refutes to each holder.
    const nextBuddyAt = s.from === this.#cfg.name ? now + this.#cfg.probeIntervalMs : now;
    const bounds = suspicionBounds(this.#cfg, this.#liveCount());
    this.#suspicions.set(s.node, new Suspicion({ origin: s.from, startedAt: now, bounds, nextBuddyAt }));
    this.#setStatus(m, 'suspect', s.incarnation, now);
    this.#queue.enqueue(s);
    // Tell the suspect directly so it can refute without waiting for the rumour to find it.
    if (s.from === this.#cfg.name) this.#sendPacket(m.addr, [s]);
  }

  #applyDead(d: Dead, now: number, from?: Addr): void {
    const m = this.#rumourTarget(d, from);
    if (m === undefined) return;
    this.#suspicions.delete(d.node);
    this.#setStatus(m, d.from === d.node ? 'left' : 'dead', d.incarnation, now);
    this.#queue.enqueue(d);
  }
}
