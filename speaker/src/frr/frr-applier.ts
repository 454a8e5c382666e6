/**
 * Makes FRR run a rendered frr.conf without resetting what did not change. Each apply:
 * fill secrets → diff against the last applied config, or FRR's running config when FRR
 * restarted or nothing was applied yet → `vtysh --dryrun` the batch (a malformed config is
 * refused before FRR is touched; skipped when every statement has a shape FRR accepted before,
 * core/statement-shapes.ts) → write the full file (0600, atomic) → ONE `vtysh -f` batch →
 * read `show running-config` and compare in normal form → on mismatch, one full
 * `frr-reload.py --reload` → report. Failures retry with backoff; a restarted FRR (its daemons'
 * identity changed) gets the last config again. Config text and FRR output reach logs and
 * results only through {@link redactConfig}.
 */
import { createHash } from 'node:crypto';
import { chmod, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '@metallb-ts/lib/log.ts';
import { backoffMs } from '@metallb-ts/lib/time/backoff.ts';
import type { Clock, TimerHandle } from '@metallb-ts/lib/time/clock.ts';
import type { Rng } from '@metallb-ts/lib/random/rng.ts';
import { diffConfig, type ConfigChange } from './core/config-diff.ts';
import { canonicalText, normaliseConfig, sameConfig } from './core/config-normalise.ts';
import { AcceptedShapes } from './core/statement-shapes.ts';
import { parseConfig, type Stanza } from './core/config-tree.ts';
import { fillSecrets, redactConfig, secretKeysOf } from './core/secrets.ts';
import type { CliResult, FrrCli } from './frr-cli.ts';

/** Looks up secret values by placeholder key; keys it cannot find are left out of the map. */
export interface SecretResolver {
  resolve(keys: readonly string[]): Promise<ReadonlyMap<string, string>>;
}

/** Identity of the running FRR daemons (changes when one restarts); undefined while one is down. */
export type InstanceProbe = () => Promise<string | undefined>;

/** How an apply ended, as the plan status reports it. */
export interface ApplyResult {
  /** sha256 of the config as received (placeholders, never secrets). */
  readonly hash: string;
  /**
   * `applied`/`unchanged`/`reloaded` mean FRR runs it; `invalid` is refused; `failed` will be
   * retried; `superseded`: a newer config arrived while this one waited, so it was skipped (a
   * burst of changes costs one apply, without MetalLB's fixed 3 s debounce).
   */
  readonly result: 'applied' | 'unchanged' | 'reloaded' | 'invalid' | 'failed' | 'superseded';
  /** Which path changed FRR. */
  readonly method: 'batch' | 'full-reload' | 'none';
  /** Human-readable detail, passwords redacted. */
  readonly message: string;
  /** Commands in the batch that removed or added something. */
  readonly removals: number;
  readonly additions: number;
}

/** Construction options of {@link FrrApplier}. */
export interface FrrApplierOptions {
  readonly cli: FrrCli;
  readonly secrets: SecretResolver;
  /** Where the full config is kept (the file FRR loads when it starts). */
  readonly configPath: string;
  /** Private directory for the dry-run and batch files (they may hold passwords). */
  readonly workDir: string;
  readonly clock: Clock;
  readonly rng: Rng;
  readonly logger: Logger;
  /** Restart detection; without it every apply diffs against the running config. */
  readonly probe?: InstanceProbe;
  /** Called with every result (including retries and restart re-applies). */
  readonly onResult?: (r: ApplyResult) => void;
  /** Retry backoff (default 500 ms doubling to 30 s). */
  readonly retry?: { readonly baseMs: number; readonly maxMs: number };
  /** How often the probe runs (default 1 s). */
  readonly watchIntervalMs?: number;
}

/** The speaker's FRR reloader. Applies are serialised; the newest config wins retries. */
export class FrrApplier {
  readonly #o: FrrApplierOptions;
  #chain: Promise<unknown> = Promise.resolve();
  #wanted: string | undefined;
  #good: string | undefined;
  /** Statement shapes FRR accepted: a batch of only these skips the dry run. */
  readonly #accepted = new AcceptedShapes();
  #applied: { hash: string; filledHash: string; tree: Stanza; identity: string | undefined } | undefined;
  #attempt = 0;
  #retryTimer: TimerHandle | undefined;
  #watchTimer: TimerHandle | undefined;
  #watching = false;

  constructor(opts: FrrApplierOptions) {
    this.#o = opts;
  }

  /** Applies `config` (rendered frr.conf with secret placeholders) and resolves with the outcome. */
  apply(config: string): Promise<ApplyResult> {
    this.#wanted = config;
    this.#cancelRetry();
    this.#attempt = 0;
    return this.#enqueue(config, 'new config');
  }

  /** Starts watching for FRR restarts (bounded: one probe per interval, until {@link stop}). */
  start(): void {
    this.#watching = true;
    this.#scheduleWatch();
  }

  /** Stops the watch and pending retries. */
  stop(): void {
    this.#watching = false;
    this.#cancelRetry();
    if (this.#watchTimer !== undefined) this.#o.clock.clearTimeout(this.#watchTimer);
    this.#watchTimer = undefined;
  }

  #enqueue(config: string, reason: string): Promise<ApplyResult> {
    const run = this.#chain.then(() => (config === this.#wanted
      ? this.#applyOnce(config, reason)
      : result(createHash('sha256').update(config).digest('hex'), 'superseded', 'none', 'a newer config arrived first')));
    this.#chain = run.catch(() => undefined);
    return run.then((r) => {
      this.#o.onResult?.(r);
      if (r.result === 'failed' && config === this.#wanted) this.#scheduleRetry(config);
      if (['applied', 'unchanged', 'reloaded'].includes(r.result)) this.#good = config;
      // A refused config is never retried; a restarted FRR gets the last good one back instead.
      if (r.result === 'invalid' && config === this.#wanted) this.#wanted = this.#good;
      return r;
    });
  }

  async #applyOnce(config: string, reason: string): Promise<ApplyResult> {
    const t0 = this.#o.clock.now();
    const hash = createHash('sha256').update(config).digest('hex');
    const log = this.#o.logger.child({ hash: hash.slice(0, 12), reason });
    const identity = await this.#o.probe?.();
    const known = this.#applied;
    const filled = await this.#fill(config);
    if (!filled.ok) return result(hash, 'failed', 'none', filled.message);
    // Compared with the secrets filled in, so a changed password is applied although the text is the same.
    const filledHash = createHash('sha256').update(filled.text).digest('hex');
    if (known?.filledHash === filledHash && identity !== undefined && identity === known.identity) {
      return result(hash, 'unchanged', 'none', 'already applied');
    }
    const wanted = parseConfig(filled.text);
    const useKnown = known !== undefined && identity !== undefined && identity === known.identity;
    const base = useKnown ? known.tree : await this.#running();
    if (base === undefined) return result(hash, 'failed', 'none', 'cannot read the running config');
    // After a daemon restart the diff against `show running-config` is not enough: vtysh merges
    // every daemon's config, so a prefix-list or route-map the restarted bgpd lost still shows
    // (zebra kept its copy) and would never be sent again — bgpd then finds no route-map and
    // advertises nothing over that session. Re-assert every wanted statement (idempotent in FRR).
    const restarted = known !== undefined && identity !== undefined && identity !== known.identity;
    const change = restarted ? reassertAll(diffConfig(base, wanted), wanted) : diffConfig(base, wanted);
    const tCheck = this.#o.clock.now();
    // Every statement FRR does not already run is in the batch, so checking the batch checks them all;
    // a batch of statement shapes FRR accepted before needs no check (core/statement-shapes.ts).
    const skipCheck = change.batch === '' || this.#accepted.covers(change.batch);
    const check = skipCheck ? undefined : await this.#vtyshFile('check.conf', change.batch, ['--dryrun']);
    if (check !== undefined && check.exitCode !== 0) {
      // vtysh names the offending line ("line 3: % Unknown command…"); anything else is not the config's fault.
      const refused = /^line \d+:/m.test(output(check));
      log.warn('vtysh --dryrun failed', { refused, output: redactConfig(output(check)) });
      if (!refused) return result(hash, 'failed', 'none', `vtysh --dryrun failed: ${redactConfig(output(check))}`);
      return result(hash, 'invalid', 'none', `refused by FRR: ${redactConfig(output(check))}`);
    }
    if (check !== undefined) this.#accepted.add(change.batch);
    await writeAtomic(this.#o.configPath, filled.text);
    const counts = { removals: change.removals, additions: change.additions };
    const tBatch = this.#o.clock.now();
    let batchOut = '';
    if (change.batch !== '') batchOut = output(await this.#vtyshFile('batch.conf', change.batch, []));
    const tVerify = this.#o.clock.now();
    const running = await this.#running();
    if (running !== undefined && sameConfig(running, wanted)) {
      this.#applied = { hash, filledHash, tree: normaliseConfig(wanted), identity };
      log.info('config applied', { method: 'batch', ...counts, prepareMs: tCheck - t0, checkMs: tBatch - tCheck, checked: !skipCheck, batchMs: tVerify - tBatch, verifyMs: this.#o.clock.now() - tVerify });
      return { ...result(hash, change.batch === '' ? 'unchanged' : 'applied', change.batch === '' ? 'none' : 'batch', 'running config matches'), ...counts };
    }
    log.warn('batch left FRR differing; full reload', { output: redactConfig(batchOut), diff: redactConfig(mismatch(running, wanted)) });
    return { ...(await this.#fullReload(hash, filledHash, wanted, identity)), ...counts };
  }

  async #fullReload(hash: string, filledHash: string, wanted: Stanza, identity: string | undefined): Promise<ApplyResult> {
    const r = await this.#o.cli.fullReload(this.#o.configPath);
    const running = await this.#running();
    if (running !== undefined && sameConfig(running, wanted)) {
      this.#applied = { hash, filledHash, tree: normaliseConfig(wanted), identity };
      return result(hash, 'reloaded', 'full-reload', 'running config matches after frr-reload.py');
    }
    this.#applied = undefined;
    const detail = `frr-reload.py exited ${r.exitCode}; still differing: ${mismatch(running, wanted)}`;
    this.#o.logger.error('config not applied', { detail: redactConfig(detail), output: redactConfig(output(r)).slice(0, 2000) });
    return result(hash, 'failed', 'full-reload', redactConfig(detail));
  }

  async #fill(config: string): Promise<{ ok: true; text: string } | { ok: false; message: string }> {
    const keys = secretKeysOf(config);
    const values = keys.length === 0 ? new Map<string, string>() : await this.#o.secrets.resolve(keys);
    const filled = fillSecrets(config, values);
    if (filled.ok) return { ok: true, text: filled.value };
    return { ok: false, message: `${filled.error.kind}: ${filled.error.keys.join(', ')}` };
  }

  async #running(): Promise<Stanza | undefined> {
    const r = await this.#o.cli.vtysh(['-c', 'show running-config']);
    return r.exitCode === 0 ? parseConfig(r.stdout) : undefined;
  }

  /** Writes `text` to a private file, runs `vtysh [extra] -f file`, removes the file. */
  async #vtyshFile(name: string, text: string, extra: readonly string[]): Promise<CliResult> {
    const file = join(this.#o.workDir, name);
    await writeFile(file, text, { mode: 0o600 });
    try {
      return await this.#o.cli.vtysh([...extra, '-f', file]);
    } finally {
      await rm(file, { force: true });
    }
  }

  #scheduleRetry(config: string): void {
    this.#cancelRetry();
    const ms = backoffMs(this.#attempt++, { ...(this.#o.retry ?? { baseMs: 500, maxMs: 30_000 }), rng: this.#o.rng });
    this.#retryTimer = this.#o.clock.setTimeout(() => {
      this.#retryTimer = undefined;
      if (config === this.#wanted) void this.#enqueue(config, `retry ${this.#attempt}`);
    }, ms);
  }

  #cancelRetry(): void {
    if (this.#retryTimer !== undefined) this.#o.clock.clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
  }

  #scheduleWatch(): void {
    if (!this.#watching || this.#o.probe === undefined) return;
    this.#watchTimer = this.#o.clock.setTimeout(() => void this.#watchOnce().finally(() => this.#scheduleWatch()), this.#o.watchIntervalMs ?? 1000);
  }

  async #watchOnce(): Promise<void> {
    const identity = await this.#o.probe?.();
    const known = this.#applied;
    const wanted = this.#wanted;
    if (identity === undefined || wanted === undefined || this.#retryTimer !== undefined) return;
    if (known !== undefined && known.identity === identity) return;
    this.#o.logger.info('FRR restarted or config not yet in place; re-applying', { was: known?.identity, now: identity });
    this.#accepted.clear(); // a restarted FRR may be another build
    this.#attempt = 0;
    await this.#enqueue(wanted, 'frr restarted');
  }
}

/** `change` (what differs, removals included) followed by every statement of `wanted`. */
function reassertAll(change: ConfigChange, wanted: Stanza): ConfigChange {
  const all = diffConfig(parseConfig(''), wanted);
  const batch = [change.batch, all.batch].filter((b) => b !== '').map((b) => (b.endsWith('\n') ? b : `${b}\n`)).join('');
  return { batch, removals: change.removals, additions: all.additions };
}

function result(hash: string, r: ApplyResult['result'], method: ApplyResult['method'], message: string): ApplyResult {
  return { hash, result: r, method, message, removals: 0, additions: 0 };
}

const output = (r: CliResult): string => `${r.stdout}${r.stderr}`.trim();

/** First lines that differ between running and wanted (normal form), for messages. */
function mismatch(running: Stanza | undefined, wanted: Stanza): string {
  if (running === undefined) return 'running config unreadable';
  const a = new Set(canonicalText(normaliseConfig(running)).split('\n'));
  const b = new Set(canonicalText(normaliseConfig(wanted)).split('\n'));
  const extra = [...a].filter((l) => !b.has(l)).slice(0, 5).map((l) => `+${l.trim()}`);
  const lacking = [...b].filter((l) => !a.has(l)).slice(0, 5).map((l) => `-${l.trim()}`);
  return [...lacking, ...extra].join('; ');
}

/** Writes a file readable only by its owner, atomically (temp file + rename). */
async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, text, { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, path);
}
