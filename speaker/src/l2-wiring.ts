/**
 * Composition of the speaker's layer-2 part (shell): gossip membership (GossipMember), the
 * ARP/NDP responder and the announcer that joins the plan's duties with the live members.
 * The speaker root calls {@link startLayer2} once and feeds it each plan's `spec.l2`; the
 * e2e lab runs the same code through speaker/src/layer2/l2-node-child.ts.
 */
import type { NodePlanSpecL2 } from '@metallb-ts/lib/api/types.generated.ts';
import type { Logger } from '@metallb-ts/lib/log.ts';
import type { Rng } from '@metallb-ts/lib/random/rng.ts';
import { err, ok, type Result } from '@metallb-ts/lib/result.ts';
import type { Clock, TimerHandle } from '@metallb-ts/lib/time/clock.ts';
import { Gauge, type Registry } from 'prom-client';
import { envelopeFor, GossipMember } from './gossip/gossip-member.ts';
import type { GossipConfig } from './membership/config.ts';
import type { MembershipChange } from './membership/swim.ts';
import { L2Announcer } from './layer2/announcer.ts';
import { conflictCondition, type ConflictCondition } from './layer2/core/conflict-condition.ts';
import { interfaceRejection } from './layer2/core/interface-rules.ts';
import { readInterface } from './layer2/interface-facts.ts';
import { layer2Metrics } from './layer2/layer2-metrics.ts';
import { openMulticastGroups } from './layer2/multicast-groups.ts';
import { openPcapFrameIo } from './layer2/pcap-frame-io.ts';
import { Layer2Responder } from './layer2/responder.ts';
import type { AddressConflict, GratuitousOptions, ProbeOptions } from './layer2/responder-types.ts';
import type { AnnouncedVip } from './layer2/core/l2-reports.ts';

/** Options of {@link startLayer2}. */
export interface Layer2Options {
  readonly nodeName: string;
  /** Gossip bind address (the pod IP). */
  readonly bindHost: string;
  /** Gossip port, UDP and TCP (7946). */
  readonly gossipPort: number;
  /** Peers to join, `host:port`. */
  readonly seeds: readonly string[];
  /** Contents of the memberlist Secret's `secretkey` (first seals); empty = no key. */
  readonly secrets: readonly Uint8Array[];
  /** Gossip in plaintext when there is no key (otherwise refused). */
  readonly insecureGossip: boolean;
  /** Interfaces to answer on (the interface rules still apply). */
  readonly interfaces: readonly string[];
  readonly registry: Registry;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly rng: Rng;
  /** Wait after joining before the first election (default 1000 ms). */
  readonly settleMs?: number;
  /** Seeds not alive are joined again this often (default 10 s). */
  readonly rejoinMs?: number;
  readonly gossip?: Partial<Omit<GossipConfig, 'name' | 'addr'>>;
  readonly probe?: ProbeOptions;
  readonly gratuitous?: GratuitousOptions;
  /** Each change of this node's announcements. */
  readonly onAnnounce?: (ip: string, state: 'announced' | 'withdrawn' | 'conflict', services: readonly string[]) => void;
  /** The plan status condition to write (changes only). */
  readonly onCondition?: (c: ConflictCondition) => void;
  /** Every change of the set of known conflicts (Warning events). */
  readonly onConflicts?: (conflicts: readonly AddressConflict[]) => void;
  /** Every change in this node's gossip view (the soak bench counts suspicions with it). */
  readonly onMemberChange?: (change: MembershipChange) => void;
}

/** The running layer-2 part. */
export interface RunningLayer2 {
  /** The gossip address bound. */
  readonly gossipAddr: string;
  setDuties(l2: NodePlanSpecL2 | undefined): void;
  /** Peers to join from now on (`host:port`; the explicit seeds stay); new ones are joined at once. */
  setSeeds(seeds: readonly string[]): void;
  /** VIPs held now. */
  held(): string[];
  /** VIPs announced now, with their Services and restricted interfaces. */
  announced(): AnnouncedVip[];
  /** The Services of a VIP in the duties. */
  servicesOf(ip: string): readonly string[];
  /** The gossip view. */
  members(): ReturnType<GossipMember['members']>;
  /**
   * Graceful stop (SIGTERM): leave gossip so the next node starts answering, give that
   * `handoverMs`, then stop answering. `graceful: false` stops at once.
   */
  stop(opts: { graceful: boolean; handoverMs?: number }): Promise<void>;
}

/** Starts gossip, responder and announcer; refuses without a key unless insecure. */
export async function startLayer2(o: Layer2Options): Promise<Result<RunningLayer2, string>> {
  const envelope = envelopeFor(o.secrets, o.insecureGossip);
  if (!envelope.ok) return err(envelope.error.message);
  const log = o.logger.child({ component: 'layer2' });
  const interfaces = [];
  for (const name of o.interfaces) {
    const facts = readInterface(name);
    const why = interfaceRejection(facts, 'ipv4', []);
    if (why === undefined) interfaces.push(facts);
    else log.warn('interface not usable for layer 2', { iface: name, reason: why });
  }
  const conflictsGauge = new Gauge({ name: 'metallb_layer2_address_conflicts', help: 'Addresses this node owns that another MAC also claims', registers: [o.registry] });
  const groups = openMulticastGroups((e) => log.warn('multicast group', { error: e.message }));
  let announcer: L2Announcer | undefined;
  const responder = Layer2Responder.start({
    interfaces, openFrameIo: openPcapFrameIo, groups, clock: o.clock, metrics: layer2Metrics(o.registry),
    onConflict: (c) => announcer?.noteConflict(c),
    onConflictCleared: (c) => announcer?.clearConflict(c),
    onError: (e) => log.warn('layer-2 send failed', { error: e.message }),
    ...(o.probe === undefined ? {} : { probe: o.probe }), ...(o.gratuitous === undefined ? {} : { gratuitous: o.gratuitous }),
  });
  let lastCondition = '';
  announcer = new L2Announcer({
    self: o.nodeName, responder, interfaces: interfaces.map((i) => i.name), log,
    ...(o.onAnnounce === undefined ? {} : { onAnnounce: o.onAnnounce }),
    onConflicts: (cs) => {
      conflictsGauge.set(cs.length);
      o.onConflicts?.(cs);
      const c = conflictCondition(cs);
      if (JSON.stringify(c) !== lastCondition) o.onCondition?.(c);
      lastCondition = JSON.stringify(c);
    },
  });
  let settled = false;
  const gossip = new GossipMember({
    name: o.nodeName, bindHost: o.bindHost, port: o.gossipPort, envelope: envelope.value, clock: o.clock, rng: o.rng,
    registry: o.registry, logger: log, ...(o.gossip === undefined ? {} : { config: o.gossip }),
    onChange: (change) => {
      o.onMemberChange?.(change);
      if (settled) announcer?.setMembers(gossip.members());
    },
  });
  const gossipAddr = await gossip.start();
  gossip.join(o.seeds);
  const timers: TimerHandle[] = [];
  timers.push(o.clock.setTimeout(() => {
    settled = true;
    announcer?.setMembers(gossip.members());
  }, o.settleMs ?? 1000));
  let seeds: readonly string[] = [...o.seeds];
  const joinMissing = (): void => {
    const known = new Set(gossip.members().filter((m) => m.status === 'alive' || m.status === 'suspect').map((m) => m.addr));
    const missing = seeds.filter((s) => s !== gossipAddr && !known.has(s));
    if (missing.length > 0) gossip.join(missing);
  };
  const rejoin = (): void => {
    joinMissing();
    announcer?.retryConflicts();
    timers[1] = o.clock.setTimeout(rejoin, o.rejoinMs ?? 10_000);
  };
  timers[1] = o.clock.setTimeout(rejoin, o.rejoinMs ?? 10_000);
  let stopped = false;
  return ok({
    gossipAddr,
    setDuties: (l2) => announcer?.setDuties(l2),
    setSeeds: (more) => {
      seeds = [...new Set([...o.seeds, ...more])];
      joinMissing();
    },
    held: () => announcer?.held() ?? [],
    announced: () => announcer?.announced() ?? [],
    servicesOf: (ip) => announcer?.servicesOf(ip) ?? [],
    members: () => gossip.members(),
    stop: async ({ graceful, handoverMs }) => {
      if (stopped) return;
      stopped = true;
      for (const t of timers) o.clock.clearTimeout(t);
      // Handover: the leave rumour makes the next node announce; this one answers meanwhile.
      await gossip.stop({ leave: graceful, graceMs: graceful ? handoverMs ?? 500 : 0 });
      announcer?.stop();
      responder.stop();
      groups.close();
    },
  });
}
