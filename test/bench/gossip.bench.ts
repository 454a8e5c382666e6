/**
 * Gossip membership in simulated clusters: `npm run bench -- gossip [--trials T] [--fp-seconds S]
 * [--members 5,10,25,50] [--loss 0,20] [--preset ours|memberlist] [--seed X]`.
 *
 * Runs the pure SWIM state machine in the deterministic simulator (virtual clock, seeded
 * randomness, per-datagram loss, 0.1–2 ms one-way delay, every packet through the codec). For
 * every (members, loss) cell:
 *
 * - detection: T trials (fresh cluster, converged + 3 s, then one random member stops silently);
 *   the time until EVERY other member marks it dead, p50/p99/max in virtual ms; and per member
 *   (member_p50/p99: when each member marks it dead — the view of whoever takes over);
 * - false positives: a separate S-second run with nobody stopped; every (member, incarnation)
 *   declared dead by anyone counts once (a live member declared dead would be a false failover);
 * - load: datagrams and bytes sent per member per second during that run.
 *
 * The RESULT line's headline is N=50 at 20 % loss; the other cells are in `cells`.
 */
import { parseArgs } from 'node:util';
import { LAN_DEFAULTS, MEMBERLIST_LAN, type GossipConfig } from '@metallb-ts/speaker/membership/config.ts';
import { ClusterSim, memberName } from '@metallb-ts/speaker/membership/testing/cluster-sim.ts';
import { seededRng } from '@metallb-ts/speaker/membership/testing/seeded-rng.ts';
import { percentile } from './service-load.ts';

type NumericKey = keyof typeof LAN_DEFAULTS;

interface Args {
  readonly trials: number;
  readonly fpSeconds: number;
  readonly members: number[];
  readonly loss: number[];
  readonly preset: 'ours' | 'memberlist';
  readonly seed: number;
  /** `--set probeIntervalMs=150,suspicionMult=2`: numeric protocol overrides for tuning. */
  readonly overrides: Partial<Record<NumericKey, number>>;
}

function overridesOf(text: string | undefined): Partial<Record<NumericKey, number>> {
  const out: Record<string, number> = {};
  for (const kv of text === undefined || text === '' ? [] : text.split(',')) {
    const [k, val] = kv.split('=');
    const n = Number(val);
    if (k === undefined || !(k in LAN_DEFAULTS) || !Number.isFinite(n)) throw new Error(`--set: bad ${kv}`);
    out[k] = n;
  }
  return out;
}

function argsOf(argv: readonly string[]): Args {
  const { values: v } = parseArgs({
    args: [...argv], strict: true,
    options: {
      trials: { type: 'string' }, 'fp-seconds': { type: 'string' }, members: { type: 'string' },
      loss: { type: 'string' }, preset: { type: 'string' }, seed: { type: 'string' }, set: { type: 'string' },
    },
  });
  const list = (flag: string, text: string | undefined, fallback: number[]): number[] => {
    const xs = text === undefined ? fallback : text.split(',').map(Number);
    if (xs.some((x) => !Number.isFinite(x) || x < 0)) throw new Error(`--${flag}: want numbers, got ${text}`);
    return xs;
  };
  const preset = v.preset ?? 'ours';
  if (preset !== 'ours' && preset !== 'memberlist') throw new Error(`--preset: ours or memberlist, got ${preset}`);
  return {
    trials: list('trials', v.trials, [30])[0] ?? 30,
    fpSeconds: list('fp-seconds', v['fp-seconds'], [300])[0] ?? 300,
    members: list('members', v.members, [5, 10, 25, 50]),
    loss: list('loss', v.loss, [0, 20]),
    preset,
    seed: list('seed', v.seed, [1])[0] ?? 1,
    overrides: overridesOf(v.set),
  };
}

interface Cell {
  readonly members: number;
  readonly loss_pct: number;
  readonly trials: number;
  readonly undetected: number;
  readonly detect_p50_ms: number;
  readonly detect_p99_ms: number;
  readonly detect_max_ms: number;
  /** Per member: stop → that member marks it dead (the failover leader's view). */
  readonly member_detect_p50_ms: number;
  readonly member_detect_p99_ms: number;
  readonly false_positives: number;
  readonly suspicions_per_min: number;
  readonly fp_run_s: number;
  readonly msgs_per_member_per_s: number;
  readonly bytes_per_member_per_s: number;
}

const WARMUP_MS = 3000;
const GIVE_UP_MS = 60_000;

/**
 * One detection trial: ms from the stop until every other member marks the victim dead, and
 * each member's own time (what matters for failover: the next leader is one of them).
 */
function detectOnce(n: number, loss: number, seed: number, config: Partial<GossipConfig>): { all: number | undefined; each: number[] } {
  const sim = new ClusterSim({ members: n, seed, loss, config });
  // Members that missed a join rumour learn it from push-pull: wait for a full view first.
  sim.runUntilTrue(() => sim.converged(), GIVE_UP_MS, 50);
  sim.runFor(WARMUP_MS);
  const victim = memberName(Math.floor(seededRng(seed)() * n));
  const t0 = sim.now;
  const from = sim.changes.length;
  sim.kill(victim);
  const others = sim.upNames();
  const at = sim.runUntilTrue(() => others.every((o) => sim.statusIn(o, victim) === 'dead'), GIVE_UP_MS, 5);
  const each = sim.changes.slice(from).filter((c) => c.node === victim && c.status === 'dead').map((c) => c.at - t0);
  return { all: at === undefined ? undefined : at - t0, each };
}

/** A run with nobody stopped: false dead declarations, suspicions and load. */
function steadyRun(n: number, loss: number, seed: number, seconds: number, config: Partial<GossipConfig>) {
  const sim = new ClusterSim({ members: n, seed, loss, config });
  sim.runFor(WARMUP_MS);
  const from = sim.changes.length;
  const sent0 = sim.names().map((m) => sim.sent(m));
  sim.runFor(seconds * 1000);
  const changes = sim.changes.slice(from);
  const falseDead = new Set(changes.filter((c) => c.status === 'dead').map((c) => `${c.node}@${c.incarnation}`));
  const suspicions = new Set(changes.filter((c) => c.status === 'suspect').map((c) => `${c.node}@${c.incarnation}`));
  let packets = 0;
  let bytes = 0;
  sim.names().forEach((m, i) => {
    packets += sim.sent(m).packets - (sent0[i]?.packets ?? 0);
    bytes += sim.sent(m).bytes - (sent0[i]?.bytes ?? 0);
  });
  return { falsePositives: falseDead.size, suspicions: suspicions.size, pps: packets / n / seconds, bps: bytes / n / seconds };
}

function cellFor(n: number, lossPct: number, a: Args, config: Partial<GossipConfig>): Cell {
  const times: number[] = [];
  const memberTimes: number[] = [];
  let undetected = 0;
  for (let t = 0; t < a.trials; t++) {
    const r = detectOnce(n, lossPct / 100, a.seed * 7919 + t * 104729 + n, config);
    memberTimes.push(...r.each);
    if (r.all === undefined) undetected++;
    else times.push(r.all);
  }
  const steady = steadyRun(n, lossPct / 100, a.seed + n * 31, a.fpSeconds, config);
  const r = (x: number): number => Math.round(x);
  return {
    members: n, loss_pct: lossPct, trials: a.trials, undetected,
    detect_p50_ms: r(percentile(times, 50)), detect_p99_ms: r(percentile(times, 99)), detect_max_ms: r(Math.max(...times)),
    member_detect_p50_ms: r(percentile(memberTimes, 50)), member_detect_p99_ms: r(percentile(memberTimes, 99)),
    false_positives: steady.falsePositives, suspicions_per_min: Math.round((steady.suspicions / a.fpSeconds) * 60 * 10) / 10,
    fp_run_s: a.fpSeconds, msgs_per_member_per_s: Math.round(steady.pps * 10) / 10, bytes_per_member_per_s: r(steady.bps),
  };
}

function printTable(cells: readonly Cell[], preset: string): void {
  console.log(`gossip (${preset}) — detection = stop → every member marks it dead (virtual ms)`);
  console.log('members loss% trials  p50   p99   max  member_p50  member_p99  undetected  false_pos  susp/min  msgs/member/s  bytes/member/s');
  for (const c of cells) {
    console.log([
      String(c.members).padStart(7), String(c.loss_pct).padStart(5), String(c.trials).padStart(6),
      String(c.detect_p50_ms).padStart(5), String(c.detect_p99_ms).padStart(5), String(c.detect_max_ms).padStart(5),
      String(c.member_detect_p50_ms).padStart(11), String(c.member_detect_p99_ms).padStart(11),
      String(c.undetected).padStart(11), String(c.false_positives).padStart(10), String(c.suspicions_per_min).padStart(9),
      String(c.msgs_per_member_per_s).padStart(14), String(c.bytes_per_member_per_s).padStart(15),
    ].join(' '));
  }
}

/** Runs every cell and returns the RESULT object (headline N=50, 20 % loss). */
export async function run(argv: readonly string[]): Promise<Record<string, unknown>> {
  const a = argsOf(argv);
  const config = { ...(a.preset === 'memberlist' ? MEMBERLIST_LAN : LAN_DEFAULTS), ...a.overrides };
  const cells: Cell[] = [];
  for (const n of a.members) {
    for (const loss of a.loss) {
      const t0 = performance.now();
      cells.push(cellFor(n, loss, a, config));
      console.error(`[gossip] members=${n} loss=${loss}% done in ${((performance.now() - t0) / 1000).toFixed(1)}s`);
    }
  }
  printTable(cells, a.preset);
  const head = cells.find((c) => c.members === 50 && c.loss_pct === 20) ?? cells[cells.length - 1];
  return {
    ...head,
    preset: a.preset,
    probe_interval_ms: config.probeIntervalMs,
    probe_timeout_ms: config.probeTimeoutMs,
    suspicion_mult: config.suspicionMult,
    overrides: a.overrides,
    cells: cells.map((c) => ({ ...c })),
  };
}
