/**
 * Protocol parameters and the formulas derived from them (suspicion bounds, retransmit limit).
 *
 * Why our defaults differ from memberlist's LAN preset (1 s probe interval, 500 ms probe timeout,
 * suspicion multiplier 4, max multiplier 6, gossip every 200 ms): that preset detects a dead node
 * in ≈ 5–7 s and up to ≈ 25 s (perf-anchors §1.3). Our layer-2 failover budget is p50 < 1.5 s and
 * p99 < 3 s *including* about 1 s of ARP work, so gossip must declare a silent node dead in well
 * under 1 s typically and under ≈ 2 s nearly always, on a LAN of at most 100 nodes, and must not
 * declare a live node dead at 20 % packet loss.
 *
 * - Probe interval 150 ms, timeout 75 ms. LAN round trips are well below 1 ms; 75 ms leaves room
 *   for a stalled event loop on a busy node (the timeout covers one ping+ack round trip, the
 *   indirect phase gets the other 75 ms). With N members each probing one member per interval,
 *   some member probes a dead node on average every 150 ms. (200/100 ms measured ≈ 200–250 ms
 *   slower at p50 and ≈ 0.5 s slower at p99, with the same zero false positives.)
 * - Indirect checks 3 (memberlist's value) plus a second direct ping at the probe timeout (where
 *   memberlist sends a TCP ping). At 20 % loss a direct round trip fails with 1 − 0.8² = 36 %,
 *   an indirect path (4 packets) with 1 − 0.8⁴ = 59 %, so a probe of a live node fails with
 *   0.36² · 0.59³ ≈ 2.7 %: suspicions of live nodes are routine under heavy loss. They are
 *   harmless because the suspect hears the rumour directly (Lifeguard's buddy system) and
 *   refutes it long before the suspicion can expire.
 * - Suspicion: min = 4 · max(1, log10 N) · interval = 600 ms for N ≤ 10 (1.02 s at N = 50),
 *   max = 5 · min (3 s / 5.1 s); every independent confirmation shrinks the timer towards min
 *   (Lifeguard), 3 confirmations reach it (memberlist: mult 4, k = 2). The multiplier was 2
 *   (min 300 ms) until the l2soak bench ran on two cores at load ≈ 20: in a 3-node cluster one
 *   confirmation already reaches min, and live members were declared dead with their
 *   refutation arriving 12–600 ms after the verdict (7 of 12 within 300 ms); 600 ms leaves that
 *   room at the price of ≈ 300 ms more failover. Every member holding a suspicion probes
 *   the suspect out of turn, with the suspicion attached: a dead suspect collects its
 *   confirmations within one or two intervals, a live one answers each holder with its
 *   refutation directly. Requiring 3 confirmations rather than 2 keeps a live member at 20 %
 *   loss from reaching min through unlucky probes (each fails with ≈ 2.7 %, below). The bench
 *   measured no false positive over 300–600 s at N = 5…50 with 20 % loss with these values,
 *   and one in 600 s at N = 50 with k = 2.
 * - Gossip every 50 ms to 3 members, retransmit limit 4 · ceil(log10(N + 1)): a rumour reaches
 *   all of 50 members in ≈ 4 rounds (≈ 200 ms); messages stay tiny (< 100 bytes per rumour).
 * - Push-pull every 10 s (memberlist: 30 s), scaled up above 32 members like memberlist, plus one
 *   attempt per round towards a member we believe dead, which is what heals a partition.
 *
 * - Stalls: a member whose own timers fire > 50 ms late (its CPU is starved) postpones a
 *   verdict due meanwhile by one probe timeout, up to 4 times, because Node runs expired timers
 *   before it reads the sockets: the ack or the refutation that would clear the verdict may be
 *   sitting unread; and the stall raises Lifeguard's awareness, which stretches the probe
 *   interval and (LHA-Probe, as in the paper; memberlist does not) the ack timeout. Without it,
 *   at 20 % loss on two starved cores (the l2soak bench), members were declared dead although
 *   their refutation had arrived. On a healthy member timers fire
 *   within a few ms, so detection is unchanged.
 *
 * Expected detection of a silent node (derived, N ≤ 10, no loss): first failed probe after
 * ≈ 150–300 ms, confirmations from the holders' out-of-turn probes ≈ 200–350 ms later, the 600 ms
 * min from the suspicion's start, the dead rumour reaches all ≈ 50–150 ms later → ≈ 0.8–1.1 s;
 * worst case (no confirmation at all) ≈ 0.45 s + max 3 s. `npm run bench -- gossip` measures it
 * (mult 4: p50 0.86–1.33 s, p99 1.16–1.96 s for N = 5…50 at 0 and 20 % loss, no false positive
 * in 300 s per cell; mult 2 had measured p50 0.56–0.95 s, p99 ≤ 1.4 s).
 */
import type { Addr } from './messages.ts';

/** Tunables of one member; durations in milliseconds. */
export interface GossipConfig {
  /** This member's unique name (the Kubernetes node name). */
  readonly name: string;
  /** Address other members reach this one at. */
  readonly addr: Addr;
  /** Time between two probes started by this member (before awareness scaling). */
  readonly probeIntervalMs: number;
  /** How long to wait for a direct ack before asking others to probe indirectly. */
  readonly probeTimeoutMs: number;
  /** Members asked to probe indirectly (ping-req fan-out). */
  readonly indirectChecks: number;
  /** Minimum suspicion = mult · max(1, log10 N) · probe interval. */
  readonly suspicionMult: number;
  /** Maximum suspicion = maxMult · minimum; used while nobody confirms the suspicion. */
  readonly suspicionMaxMult: number;
  /** Independent confirmations that bring the suspicion timer down to its minimum. */
  readonly suspicionConfirmations: number;
  /** Retransmit limit of a rumour = mult · ceil(log10(N + 1)). */
  readonly retransmitMult: number;
  /** Time between two gossip rounds. */
  readonly gossipIntervalMs: number;
  /** Members a gossip round sends to. */
  readonly gossipNodes: number;
  /** Time between two push-pull (full state) exchanges, before scaling with N. */
  readonly pushPullIntervalMs: number;
  /** Dead members still receive gossip this long, so they learn and refute. */
  readonly gossipToTheDeadMs: number;
  /** Dead and left members are forgotten after this long. */
  readonly deadReclaimMs: number;
  /** Lifeguard local health: the probe interval stretches up to this factor. */
  readonly awarenessMax: number;
  /** Largest packet built on the datagram channel (piggybacked rumours fill it up). */
  readonly packetBudgetBytes: number;
  /**
   * A verdict (probe failed, suspicion expired) handled this much past its due time means this
   * member's own event loop stalled (a starved CPU): the ack or refutation may be waiting unread
   * in the socket, so the verdict is postponed by one probe timeout (I/O is read first), at most
   * {@link GossipConfig.maxStallDeferrals} times per probe or suspicion. On time, no change.
   */
  readonly stallToleranceMs: number;
  /** Postponements of one verdict because of a stall (bounds detection on a starved member). */
  readonly maxStallDeferrals: number;
}

/** Our LAN defaults; see the module comment for the reasoning. */
export const LAN_DEFAULTS: Omit<GossipConfig, 'name' | 'addr'> = {
  probeIntervalMs: 150,
  probeTimeoutMs: 75,
  indirectChecks: 3,
  suspicionMult: 4,
  suspicionMaxMult: 5,
  suspicionConfirmations: 3,
  retransmitMult: 4,
  gossipIntervalMs: 50,
  gossipNodes: 3,
  pushPullIntervalMs: 10_000,
  gossipToTheDeadMs: 10_000,
  deadReclaimMs: 600_000,
  awarenessMax: 8,
  packetBudgetBytes: 1400,
  stallToleranceMs: 50,
  maxStallDeferrals: 4,
};

/** memberlist's DefaultLANConfig expressed in our parameters, for comparison in the bench. */
export const MEMBERLIST_LAN: Omit<GossipConfig, 'name' | 'addr'> = {
  ...LAN_DEFAULTS,
  probeIntervalMs: 1000,
  probeTimeoutMs: 500,
  suspicionMult: 4,
  suspicionMaxMult: 6,
  suspicionConfirmations: 2,
  gossipIntervalMs: 200,
  pushPullIntervalMs: 30_000,
  gossipToTheDeadMs: 30_000,
};

/** A full config: defaults overridden by `overrides`. */
export function gossipConfig(name: string, addr: Addr, overrides: Partial<GossipConfig> = {}): GossipConfig {
  return { ...LAN_DEFAULTS, ...overrides, name, addr };
}

/** Bounds of a suspicion timer in a cluster of `n` live members. */
export interface SuspicionBounds {
  readonly minMs: number;
  readonly maxMs: number;
  /** Confirmations that shrink the timer to `minMs` (0: the timer is `minMs` from the start). */
  readonly k: number;
}

/** Lifeguard's bounds: min scales with log10 N, max is a multiple of min. */
export function suspicionBounds(cfg: GossipConfig, n: number): SuspicionBounds {
  const minMs = cfg.suspicionMult * Math.max(1, Math.log10(Math.max(1, n))) * cfg.probeIntervalMs;
  // At most n − 2 members (all but the suspect and the originator) can confirm: never wait for
  // confirmations that cannot come. (memberlist drops to k = 0 instead, i.e. min at once.)
  const k = Math.max(0, Math.min(cfg.suspicionConfirmations, n - 2));
  return { minMs, maxMs: cfg.suspicionMaxMult * minMs, k };
}

/** Lifeguard's timeout after `c` independent confirmations: max → min on a log scale. */
export function suspicionTimeoutMs(b: SuspicionBounds, c: number): number {
  if (b.k === 0) return b.minMs;
  const frac = Math.log(c + 1) / Math.log(b.k + 1);
  return Math.max(b.minMs, Math.floor(b.maxMs - frac * (b.maxMs - b.minMs)));
}

/** How many times a rumour is piggybacked before it is dropped. */
export function retransmitLimit(cfg: GossipConfig, n: number): number {
  return cfg.retransmitMult * Math.max(1, Math.ceil(Math.log10(n + 1)));
}

/** Push-pull interval scaled like memberlist above 32 members. */
export function pushPullIntervalMs(cfg: GossipConfig, n: number): number {
  if (n <= 32) return cfg.pushPullIntervalMs;
  return cfg.pushPullIntervalMs * (Math.ceil(Math.log2(n) - 5) + 1);
}
