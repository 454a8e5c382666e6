/**
 * The effectful shell around the pure {@link Swim} state machine: binds the transport, seals and
 * opens envelopes, decodes packets, schedules `tick` on the injected clock, and publishes
 * membership changes. No protocol decision is taken here.
 */
import type { Logger } from '@metallb-ts/lib/log.ts';
import type { Clock, TimerHandle } from '@metallb-ts/lib/time/clock.ts';
import type { Rng } from '@metallb-ts/lib/random/rng.ts';
import { err, ok, type Result } from '@metallb-ts/lib/result.ts';
import type { Registry } from 'prom-client';
import { decodePacket } from '../membership/codec.ts';
import { gossipConfig, type GossipConfig } from '../membership/config.ts';
import type { MemberSnapshot, Message } from '../membership/messages.ts';
import { Swim, type MembershipChange, type Output } from '../membership/swim.ts';
import { deriveGossipKey, Envelope, type Channel } from './envelope.ts';
import { gossipMetrics, type GossipMetrics } from './gossip-metrics.ts';
import { GossipTransport, joinHostPort } from './transport.ts';

/** Why gossip refuses to start. */
export interface GossipSecurityError {
  readonly kind: 'no-key';
  readonly message: string;
}

/**
 * The envelope for the given secrets: encrypted with a key per secret (first one seals), or
 * plaintext only when `insecure` is set explicitly; no secret and no flag is a refusal.
 */
export function envelopeFor(secrets: readonly (string | Uint8Array)[], insecure: boolean): Result<Envelope, GossipSecurityError> {
  if (secrets.length > 0) return ok(new Envelope(secrets.map(deriveGossipKey)));
  if (insecure) return ok(new Envelope([]));
  return err({ kind: 'no-key', message: 'no memberlist secret: refusing to gossip in plaintext (set the insecure flag to allow it)' });
}

/** Everything a gossip member needs, injected. */
export interface GossipMemberOptions {
  /** Member name (the node name). */
  readonly name: string;
  /** Address to bind (the pod IP; 127.0.0.1 in tests). */
  readonly bindHost: string;
  /** Port for UDP and TCP; 0 picks a free one. Default in the speaker: 7946. */
  readonly port: number;
  /** Address advertised to others; defaults to bindHost. */
  readonly advertiseHost?: string;
  readonly envelope: Envelope;
  readonly clock: Clock;
  readonly rng: Rng;
  readonly registry: Registry;
  readonly logger: Logger;
  /** Protocol overrides (tests, tuning). */
  readonly config?: Partial<Omit<GossipConfig, 'name' | 'addr'>>;
  /** Called for every membership change, in order. */
  readonly onChange?: (change: MembershipChange) => void;
}

/** A running gossip member. */
export class GossipMember {
  readonly #o: GossipMemberOptions;
  readonly #metrics: GossipMetrics;
  #transport: GossipTransport | undefined;
  #swim: Swim | undefined;
  #timer: TimerHandle | undefined;
  #stopped = false;

  constructor(opts: GossipMemberOptions) {
    this.#o = opts;
    this.#metrics = gossipMetrics(opts.registry);
  }

  /** Binds the sockets and starts the protocol; returns the advertised address. */
  async start(): Promise<string> {
    const o = this.#o;
    this.#transport = await GossipTransport.listen(o.bindHost, o.port, {
      onPacket: (from, bytes) => this.#onBytes(from, bytes, 'packet'),
      onStream: (from, bytes) => this.#onBytes(from, bytes, 'stream'),
      onError: (reason, e) => {
        this.#metrics.dropped.inc({ reason: `io-${reason}` });
        o.logger.debug('gossip I/O error', { reason, error: e.message });
      },
    });
    const addr = joinHostPort(o.advertiseHost ?? o.bindHost, this.#transport.port);
    const cfg = gossipConfig(o.name, addr, o.config);
    // A restarted process starts above any incarnation it may have had (seconds since epoch).
    const incarnation = Math.floor(o.clock.now() / 1000) >>> 0;
    this.#swim = new Swim({ config: cfg, rng: o.rng, now: o.clock.now(), incarnation });
    this.#schedule();
    o.logger.info('gossip started', { node: o.name, addr, encrypted: o.envelope.secure });
    return addr;
  }

  /** Contacts seed addresses (speaker pod IPs with the gossip port); safe to call repeatedly. */
  join(seeds: readonly string[]): void {
    if (this.#swim !== undefined) this.#apply(this.#swim.join(seeds));
  }

  /** The current view, sorted by name. */
  members(): MemberSnapshot[] {
    return this.#swim?.members() ?? [];
  }

  /** Leaves gracefully (if `leave`), gives the leave `graceMs` to spread, then closes. */
  async stop(opts: { leave: boolean; graceMs: number }): Promise<void> {
    if (this.#stopped) return;
    if (opts.leave && this.#swim !== undefined) {
      this.#apply(this.#swim.leave(this.#o.clock.now()));
      await new Promise<void>((resolve) => this.#o.clock.setTimeout(resolve, opts.graceMs));
    }
    this.#stopped = true;
    if (this.#timer !== undefined) this.#o.clock.clearTimeout(this.#timer);
    await this.#transport?.close();
  }

  #schedule(): void {
    const swim = this.#swim;
    if (swim === undefined || this.#stopped) return;
    if (this.#timer !== undefined) this.#o.clock.clearTimeout(this.#timer);
    const delay = Math.max(0, swim.nextTickAt() - this.#o.clock.now());
    this.#timer = this.#o.clock.setTimeout(() => {
      this.#timer = undefined;
      if (!this.#stopped) this.#apply(swim.tick(this.#o.clock.now()));
    }, delay);
  }

  #onBytes(from: string, bytes: Uint8Array, channel: Channel): void {
    if (this.#stopped || this.#swim === undefined) return;
    const opened = this.#o.envelope.open(bytes, channel);
    if (!opened.ok) {
      this.#metrics.dropped.inc({ reason: opened.error });
      return;
    }
    const decoded = decodePacket(opened.value);
    if (!decoded.ok) {
      this.#metrics.dropped.inc({ reason: `decode-${decoded.error.kind}` });
      return;
    }
    if (channel === 'packet' && decoded.value.some((m) => m.type === 'push-pull')) {
      this.#metrics.dropped.inc({ reason: 'push-pull-on-datagram' });
      return;
    }
    this.#count(this.#metrics.received, decoded.value);
    this.#apply(this.#swim.receive(from, decoded.value, this.#o.clock.now()));
  }

  #count(c: GossipMetrics['sent'], ms: readonly Message[]): void {
    for (const m of ms) c.inc({ type: m.type });
  }

  #apply(out: Output): void {
    const t = this.#transport;
    for (const s of out.sends) {
      if (t === undefined || this.#stopped) break;
      const sealed = this.#o.envelope.seal(s.bytes, s.channel);
      if (s.channel === 'packet') t.sendPacket(s.to, sealed);
      else t.sendStream(s.to, sealed);
      this.#count(this.#metrics.sent, s.messages);
    }
    if (out.changes.length > 0) this.#publish(out.changes);
    this.#schedule();
  }

  #publish(changes: readonly MembershipChange[]): void {
    const counts = { alive: 0, suspect: 0, dead: 0, left: 0 };
    for (const m of this.members()) counts[m.status]++;
    for (const [status, n] of Object.entries(counts)) this.#metrics.members.set({ status }, n);
    for (const c of changes) {
      this.#o.logger.info('gossip member changed', { node: c.node, status: c.status, incarnation: c.incarnation });
      this.#o.onChange?.(c);
    }
  }
}
