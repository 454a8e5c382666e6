/**
 * The layer-2 announcer (shell): joins the plan's duties with gossip's live members, elects the
 * owner of each VIP (core/election.ts) and drives the responder: announce what this node owns
 * (probing first only when no peer of ours can hold it: a peer's frames would look like a
 * conflict), withdraw what it lost, and re-send the gratuitous burst of every owned VIP on each
 * membership change, as MetalLB re-announces on every memberlist event.
 */
import type { NodePlanSpecL2 } from '@metallb-ts/lib/api/types.generated.ts';
import type { MemberSnapshot } from '../membership/messages.ts';
import { owners, rankDuties, type RankedVip } from './core/election.ts';
import type { AnnouncedVip } from './core/l2-reports.ts';
import type { AddressConflict, AnnounceOptions, AnnounceOutcome } from './responder-types.ts';

/** What the announcer needs of the responder (Layer2Responder implements it). */
export interface ResponderPort {
  announce(ip: string, opts?: AnnounceOptions): Promise<AnnounceOutcome>;
  withdraw(ip: string): void;
}

/** Where the announcer logs. */
export interface AnnouncerLog {
  info(message: string, meta?: Record<string, unknown>): unknown;
  warn(message: string, meta?: Record<string, unknown>): unknown;
}

/** Options of {@link L2Announcer}. */
export interface L2AnnouncerOptions {
  /** This node's name (its gossip member name). */
  readonly self: string;
  readonly responder: ResponderPort;
  /** Interfaces the responder captures on; a VIP's interfaces are narrowed to these. */
  readonly interfaces: readonly string[];
  readonly log: AnnouncerLog;
  /** Every change of this node's announcements (the e2e lab and ServiceL2Status follow it). */
  readonly onAnnounce?: (ip: string, state: 'announced' | 'withdrawn' | 'conflict', services: readonly string[]) => void;
  /** The set of known conflicts changed (→ plan status condition, metric). */
  readonly onConflicts?: (conflicts: readonly AddressConflict[]) => void;
}

interface Held {
  readonly vip: RankedVip;
  /** The interface list announced on (joined), to notice a change. */
  readonly ifaces: string;
}

/** Decides and drives this node's layer-2 announcements. */
export class L2Announcer {
  readonly #o: L2AnnouncerOptions;
  #vips: RankedVip[] = [];
  #alive = new Set<string>();
  #lastOwner = new Map<string, string>();
  readonly #held = new Map<string, Held>();
  /** Held VIPs whose announce went through (probe passed or skipped). */
  readonly #announced = new Set<string>();
  /** Probe found the address in use: not announced until {@link retryConflicts}. */
  readonly #refused = new Map<string, AddressConflict>();
  /**
   * Refused VIPs being probed again: still reported until the probe says otherwise, so a
   * periodic retry that finds the same holder changes nothing (no status write, no new event).
   */
  readonly #retrying = new Map<string, AddressConflict>();
  readonly #seen = new Map<string, AddressConflict>();
  #stopped = false;
  /** No decision before the first membership view: alone, this node would claim everything. */
  #membersKnown = false;

  constructor(o: L2AnnouncerOptions) {
    this.#o = o;
  }

  /** New duties from the plan (undefined: none). */
  setDuties(l2: NodePlanSpecL2 | undefined): void {
    this.#vips = rankDuties(l2);
    this.#reconcile(false);
  }

  /**
   * The gossip view; alive and suspect members count (memberlist's Members()). Call it first once
   * gossip has settled after joining (decisions wait for it).
   */
  setMembers(members: readonly MemberSnapshot[]): void {
    const alive = new Set(members.filter((m) => m.status === 'alive' || m.status === 'suspect').map((m) => m.node));
    // A member appeared: the MAC a probe found may have been that peer's, so refused VIPs are retried.
    if ([...alive].some((n) => !this.#alive.has(n))) this.#retryRefused();
    this.#alive = alive;
    this.#membersKnown = true;
    this.#reconcile(true);
  }

  /** A conflict the responder saw while announcing (split brain or a foreign host). */
  noteConflict(c: AddressConflict): void {
    if (c.phase === 'probe') return; // the announce outcome reports it (→ refused)
    this.#seen.set(`${c.ip}|${c.mac}`, c);
    this.#publishConflicts();
  }

  /** A conflict seen while announcing is over: the other MAC no longer claims the address. */
  clearConflict(c: AddressConflict): void {
    if (this.#seen.delete(`${c.ip}|${c.mac}`)) this.#publishConflicts();
  }

  /** Lets refused VIPs be probed again (call periodically: the other holder may be gone). */
  retryConflicts(): void {
    if (this.#refused.size === 0) return;
    this.#retryRefused();
    this.#reconcile(false);
  }

  #retryRefused(): void {
    for (const [ip, c] of this.#refused) this.#retrying.set(ip, c);
    this.#refused.clear();
  }

  /** VIPs held now (announced or being probed), sorted. */
  held(): string[] {
    return [...this.#held.keys()].sort();
  }

  /** VIPs announced now (not those still being probed), sorted, with their Services and restricted interfaces. */
  announced(): AnnouncedVip[] {
    return [...this.#announced].sort().flatMap((ip) => {
      const h = this.#held.get(ip);
      return h === undefined ? [] : [{ ip, services: h.vip.services, interfaces: h.vip.interfaces === undefined ? undefined : h.ifaces.split(' ') }];
    });
  }

  /** The Services of a VIP in the current duties ([] when it is not in them). */
  servicesOf(ip: string): readonly string[] {
    return this.#vips.find((v) => v.ip === ip)?.services ?? [];
  }

  /** Stops answering for everything (after gossip has left: the next node already answers). */
  stop(): void {
    this.#stopped = true;
    for (const ip of [...this.#held.keys()]) this.#withdraw(ip);
  }

  #reconcile(rebroadcast: boolean): void {
    if (this.#stopped || !this.#membersKnown) return;
    const own = owners(this.#vips, this.#o.self, this.#alive);
    const byIp = new Map(this.#vips.map((v) => [v.ip, v]));
    for (const [ip, held] of [...this.#held]) {
      const v = byIp.get(ip);
      if (own.get(ip) !== this.#o.self || v === undefined || this.#ifacesOf(v)?.join(' ') !== held.ifaces) this.#withdraw(ip);
      else {
        this.#held.set(ip, { vip: v, ifaces: held.ifaces });
        // Another Service on a held VIP (a shared IP) or one fewer: the reports follow.
        if (this.#announced.has(ip) && v.services.join('\n') !== held.vip.services.join('\n')) this.#o.onAnnounce?.(ip, 'announced', v.services);
      }
    }
    for (const v of this.#vips) {
      const owner = own.get(v.ip);
      const previous = this.#lastOwner.get(v.ip);
      if (owner === this.#o.self && !this.#refused.has(v.ip)) {
        // A takeover (no probe) when a peer may hold it: it was the owner, or is alive and eligible.
        const peerMayHold = (previous !== undefined && previous !== this.#o.self) || v.order.some((n) => n !== this.#o.self && this.#alive.has(n));
        if (!this.#held.has(v.ip)) this.#announce(v, peerMayHold);
        // Re-sends the gratuitous burst; a VIP still being probed is left alone (announcing it
        // again would restart the probe and orphan the pending outcome: never reported).
        else if (rebroadcast && this.#announced.has(v.ip)) void this.#o.responder.announce(v.ip);
      }
    }
    this.#lastOwner = own;
    // A refused VIP this node no longer owns (duties or members changed) is no longer its conflict.
    let dropped = false;
    for (const m of [this.#refused, this.#retrying]) {
      for (const ip of [...m.keys()]) {
        if (own.get(ip) === this.#o.self && (m === this.#refused || this.#held.has(ip))) continue;
        m.delete(ip);
        dropped = true;
      }
    }
    if (dropped) this.#publishConflicts();
  }

  #ifacesOf(v: RankedVip): string[] | undefined {
    const ifaces = v.interfaces === undefined ? [...this.#o.interfaces] : v.interfaces.filter((i) => this.#o.interfaces.includes(i));
    return ifaces.length === 0 ? undefined : ifaces;
  }

  #announce(v: RankedVip, takeover: boolean): void {
    const ifaces = this.#ifacesOf(v);
    if (ifaces === undefined) {
      this.#o.log.warn('no usable interface for a VIP this node owns; not announced', { ip: v.ip, interfaces: v.interfaces });
      return;
    }
    this.#held.set(v.ip, { vip: v, ifaces: ifaces.join(' ') });
    this.#o.log.info('announcing', { ip: v.ip, takeover, services: v.services });
    void this.#o.responder.announce(v.ip, { interfaces: ifaces, probe: !takeover }).then((out) => {
      const wasRetry = this.#retrying.delete(v.ip);
      if (out.kind === 'announced' && this.#held.has(v.ip)) {
        this.#announced.add(v.ip);
        this.#o.onAnnounce?.(v.ip, 'announced', v.services);
      }
      if (out.kind !== 'conflict') {
        if (wasRetry) this.#publishConflicts(); // the other holder is gone
        return;
      }
      this.#held.delete(v.ip);
      this.#refused.set(v.ip, out.conflict);
      this.#o.log.warn('address already in use on the LAN; not announced', { ip: v.ip, mac: out.conflict.mac, iface: out.conflict.iface });
      this.#o.onAnnounce?.(v.ip, 'conflict', v.services);
      this.#publishConflicts();
    });
  }

  #withdraw(ip: string): void {
    const held = this.#held.get(ip);
    this.#held.delete(ip);
    this.#announced.delete(ip);
    this.#o.responder.withdraw(ip);
    const before = this.#seen.size;
    for (const k of [...this.#seen.keys()]) if (k.startsWith(`${ip}|`)) this.#seen.delete(k);
    if (this.#retrying.delete(ip) || this.#seen.size !== before) this.#publishConflicts();
    this.#o.log.info('withdrawn', { ip });
    this.#o.onAnnounce?.(ip, 'withdrawn', held?.vip.services ?? []);
  }

  #publishConflicts(): void {
    this.#o.onConflicts?.([...this.#refused.values(), ...this.#retrying.values(), ...this.#seen.values()].sort((a, b) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0)));
  }
}
