/**
 * The layer-2 responder (shell): captures ARP/NDP on the announcing interfaces, answers for the
 * VIPs this node announces (decisions in core/reply.ts), sends gratuitous announcements on
 * takeover, probes for an address before announcing it and watches for another MAC claiming it.
 * A conflict seen while announcing is rechecked: every `conflictRecheckMs` the address is probed
 * again (a holder answers a probe: hosts and our own responders alike), and a MAC that has not
 * claimed it since the previous recheck is no longer a conflict — so a split brain between two
 * of our nodes clears once the partition heals and one of them withdraws. It adds no address to
 * any interface. Time comes from the injected clock.
 */
import type { TimerHandle } from '@metallb-ts/lib/time/clock.ts';
import { parseIp } from '@metallb-ts/lib/ip/ip.ts';
import { solicitedNodeGroup } from './codec/addr.ts';
import { decodeFrame, type L2Frame } from './codec/frame.ts';
import { gratuitousFrames, isIpv6, probeFrame } from './core/announce-frames.ts';
import { conflictingClaim } from './core/claims.ts';
import { replyTo } from './core/reply.ts';
import { responderFilter, type FrameIo, type OpenFrameIo } from './frame-io.ts';
import { CONFLICT_RECHECK_MS, PROBE_DEFAULTS, SPAM_DEFAULTS, type AddressConflict, type AnnounceOptions, type AnnounceOutcome, type ResponderOptions } from './responder-types.ts';

export type * from './responder-types.ts';

interface Iface {
  readonly name: string;
  readonly mac: string;
  readonly io: FrameIo;
}

interface Vip {
  readonly ip: string;
  readonly ifaces: readonly Iface[];
  phase: 'probing' | 'announced' | 'conflict';
  readonly foreign: Map<string, AddressConflict>;
  /** Foreign MAC → when it last claimed the address (clock ms). */
  readonly seenAt: Map<string, number>;
  /** When the last recheck probe went out (undefined: none yet). */
  probedAt: number | undefined;
  settle: ((o: AnnounceOutcome) => void) | undefined;
  timer: TimerHandle | undefined;
  spamUntil: number;
}

/** Answers ARP/NDP for announced VIPs on a fixed set of interfaces. Create with {@link Layer2Responder.start}. */
export class Layer2Responder {
  readonly #o: ResponderOptions;
  readonly #ifaces = new Map<string, Iface>();
  readonly #ownMacs: ReadonlySet<string>;
  readonly #vips = new Map<string, Vip>();
  #recheck: TimerHandle | undefined;

  private constructor(o: ResponderOptions, open: OpenFrameIo) {
    this.#o = o;
    this.#ownMacs = new Set(o.interfaces.map((i) => i.mac));
    for (const i of o.interfaces) {
      const iface = { name: i.name, mac: i.mac, io: open(i.name, responderFilter(i.mac)) };
      iface.io.onFrame((bytes) => this.#onFrame(iface, bytes));
      this.#ifaces.set(i.name, iface);
    }
  }

  /** Opens capture on every interface of `o.interfaces`. */
  static start(o: ResponderOptions): Layer2Responder {
    return new Layer2Responder(o, o.openFrameIo);
  }

  /**
   * Starts announcing `ip`: probes first (unless `probe: false`, e.g. a takeover from a peer
   * known dead), then answers requests and sends gratuitous frames. Resolves when the address
   * is announced, found in use by another MAC (then it is not announced), or withdrawn.
   * Announcing an announced address again re-sends the gratuitous burst.
   */
  announce(ipText: string, opts: AnnounceOptions = {}): Promise<AnnounceOutcome> {
    const ip = canonicalIp(ipText);
    const known = this.#vips.get(ip);
    if (known?.phase === 'announced') {
      this.#enqueueGratuitous(known);
      return Promise.resolve({ kind: 'announced' });
    }
    if (known !== undefined) this.withdraw(ip);
    const vip: Vip = {
      ip, ifaces: this.#ifacesFor(opts.interfaces), phase: 'probing', foreign: new Map(), seenAt: new Map(), probedAt: undefined, settle: undefined, timer: undefined, spamUntil: 0,
    };
    this.#vips.set(ip, vip);
    if (isIpv6(ip)) for (const i of vip.ifaces) this.#o.groups.join(i.name, solicitedNodeGroup(ip));
    const outcome = new Promise<AnnounceOutcome>((resolve) => (vip.settle = resolve));
    if (opts.probe === false) this.#becomeAnnounced(vip);
    else this.#probe(vip, 0);
    return outcome;
  }

  /** Stops answering for `ip` at once (a pending announce resolves `withdrawn`). */
  withdraw(ipText: string): void {
    const ip = canonicalIp(ipText);
    const vip = this.#vips.get(ip);
    if (vip === undefined) return;
    this.#vips.delete(ip);
    this.#o.clock.clearTimeout(vip.timer);
    if (isIpv6(ip) && vip.phase !== 'conflict') for (const i of vip.ifaces) this.#o.groups.leave(i.name, solicitedNodeGroup(ip));
    if (![...this.#vips.values()].some((v) => v.phase === 'announced' && v.foreign.size > 0)) {
      this.#o.clock.clearTimeout(this.#recheck);
      this.#recheck = undefined;
    }
    this.#settle(vip, { kind: 'withdrawn' });
  }

  /** Addresses announced right now, sorted. */
  announced(): string[] {
    return [...this.#vips.values()].filter((v) => v.phase === 'announced').map((v) => v.ip).sort();
  }

  /** Every conflict currently known (refused during the probe, or seen while announcing). */
  conflicts(): AddressConflict[] {
    return [...this.#vips.values()].flatMap((v) => [...v.foreign.values()]);
  }

  /** Withdraws everything and closes the captures. */
  stop(): void {
    for (const ip of [...this.#vips.keys()]) this.withdraw(ip);
    this.#o.clock.clearTimeout(this.#recheck);
    this.#recheck = undefined;
    for (const i of this.#ifaces.values()) i.io.close();
  }

  #ifacesFor(names: readonly string[] | undefined): Iface[] {
    if (names === undefined) return [...this.#ifaces.values()];
    return names.map((n) => {
      const i = this.#ifaces.get(n);
      if (i === undefined) throw new RangeError(`interface ${n} is not one of the responder's`);
      return i;
    });
  }

  #probe(vip: Vip, sent: number): void {
    if (this.#vips.get(vip.ip) !== vip || vip.phase !== 'probing') return;
    const p = this.#o.probe ?? PROBE_DEFAULTS;
    if (sent >= p.count) {
      this.#becomeAnnounced(vip);
      return;
    }
    for (const i of vip.ifaces) this.#send(i, probeFrame(vip.ip, i.mac));
    vip.timer = this.#o.clock.setTimeout(() => this.#probe(vip, sent + 1), p.intervalMs);
  }

  #becomeAnnounced(vip: Vip): void {
    vip.phase = 'announced';
    this.#settle(vip, { kind: 'announced' });
    this.#enqueueGratuitous(vip);
  }

  /** MetalLB's burst: at once, then every interval until `durationMs` after the last enqueue. */
  #enqueueGratuitous(vip: Vip): void {
    const g = this.#o.gratuitous ?? SPAM_DEFAULTS;
    vip.spamUntil = this.#o.clock.now() + g.durationMs;
    this.#o.clock.clearTimeout(vip.timer);
    this.#gratuitousTick(vip);
  }

  #gratuitousTick(vip: Vip): void {
    if (this.#vips.get(vip.ip) !== vip || vip.phase !== 'announced') return;
    for (const i of vip.ifaces) {
      for (const f of gratuitousFrames(vip.ip, i.mac)) if (this.#send(i, f)) this.#o.metrics.gratuitousSent.inc({ ip: vip.ip });
    }
    const g = this.#o.gratuitous ?? SPAM_DEFAULTS;
    const next = this.#o.clock.now() + g.intervalMs <= vip.spamUntil ? g.intervalMs : g.refreshMs;
    vip.timer = next === undefined ? undefined : this.#o.clock.setTimeout(() => this.#gratuitousTick(vip), next);
  }

  #onFrame(iface: Iface, bytes: Uint8Array): void {
    const decoded = decodeFrame(bytes);
    if (!decoded.ok) return; // the capture filter lets through only ARP/NS/NA; junk is not ours to judge
    const frame = decoded.value;
    this.#watchConflicts(iface, frame);
    const d = replyTo(frame, { mac: iface.mac, owns: (ip) => this.#announcedOn(ip, iface) });
    if (d.kind !== 'reply') return;
    this.#o.metrics.requestsReceived.inc({ ip: d.ip });
    if (this.#send(iface, d.frame)) this.#o.metrics.responsesSent.inc({ ip: d.ip });
  }

  #announcedOn(ip: string, iface: Iface): boolean {
    const v = this.#vips.get(ip);
    return v?.phase === 'announced' && v.ifaces.includes(iface);
  }

  #watchConflicts(iface: Iface, frame: L2Frame): void {
    const claim = conflictingClaim(frame, (ip) => this.#vips.get(ip)?.ifaces.includes(iface) === true, this.#ownMacs);
    const vip = claim === undefined ? undefined : this.#vips.get(claim.ip);
    if (claim === undefined || vip === undefined || vip.phase === 'conflict') return;
    vip.seenAt.set(claim.mac, this.#o.clock.now());
    if (vip.foreign.has(claim.mac)) return;
    const conflict: AddressConflict = {
      ip: claim.ip, mac: claim.mac, iface: iface.name, since: this.#o.clock.now(), phase: vip.phase === 'probing' ? 'probe' : 'announced',
    };
    vip.foreign.set(claim.mac, conflict);
    if (vip.phase === 'probing') {
      // Someone already owns it: never announce over them.
      this.#o.clock.clearTimeout(vip.timer);
      if (isIpv6(vip.ip)) for (const i of vip.ifaces) this.#o.groups.leave(i.name, solicitedNodeGroup(vip.ip));
      vip.phase = 'conflict';
      this.#settle(vip, { kind: 'conflict', conflict });
    } else this.#armRecheck();
    this.#o.onConflict?.(conflict);
  }

  #armRecheck(): void {
    if (this.#recheck !== undefined) return;
    this.#recheck = this.#o.clock.setTimeout(() => this.#recheckConflicts(), this.#o.conflictRecheckMs ?? CONFLICT_RECHECK_MS);
  }

  /** Clears the announced-phase conflicts not claimed since the last recheck, probes for the others. */
  #recheckConflicts(): void {
    this.#recheck = undefined;
    const now = this.#o.clock.now();
    let open = false;
    for (const vip of this.#vips.values()) {
      if (vip.phase !== 'announced' || vip.foreign.size === 0) continue;
      for (const [mac, c] of [...vip.foreign]) {
        if (vip.probedAt === undefined || (vip.seenAt.get(mac) ?? -Infinity) >= vip.probedAt) continue;
        vip.foreign.delete(mac);
        vip.seenAt.delete(mac);
        this.#o.onConflictCleared?.(c);
      }
      if (vip.foreign.size === 0) {
        vip.probedAt = undefined;
        continue;
      }
      open = true;
      vip.probedAt = now;
      for (const i of vip.ifaces) this.#send(i, probeFrame(vip.ip, i.mac));
    }
    if (open) this.#armRecheck();
  }

  #settle(vip: Vip, o: AnnounceOutcome): void {
    const s = vip.settle;
    vip.settle = undefined;
    s?.(o);
  }

  #send(iface: Iface, frame: Uint8Array): boolean {
    try {
      iface.io.send(frame);
      return true;
    } catch (e) {
      this.#o.onError?.(e as Error);
      return false;
    }
  }
}

function canonicalIp(text: string): string {
  const ip = parseIp(text);
  if (ip === undefined) throw new RangeError(`not an IP address: ${JSON.stringify(text)}`);
  return ip.text;
}
