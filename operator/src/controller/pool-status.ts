/**
 * IPAddressPool `.status` counters and the `metallb_allocator_*` gauges, per pool, from the
 * allocator's int64 view (MetalLB's numbers). A status is written only when it differs from
 * both the cached object and what this process last wrote (exact, even above 2^53).
 */
import type { ReconcileOutcome } from '@metallb-ts/lib/k8s/work-queue.ts';
import type { Logger } from '@metallb-ts/lib/log.ts';
import type { CounterPort } from '@metallb-ts/lib/metrics.ts';
import type { IPAddressPool } from '@metallb-ts/lib/api/types.generated.ts';

/** IPAddressPool status counters, exact int64. */
export interface PoolCountersStatus {
  readonly assignedIPv4: bigint;
  readonly assignedIPv6: bigint;
  readonly availableIPv4: bigint;
  readonly availableIPv6: bigint;
}

/** Writes IPAddressPool `.status`. */
export interface PoolStatusPort {
  /** Merge-patches the status of a pool; `'not-found'` when the pool is gone. */
  patchStatus(pool: string, status: PoolCountersStatus): Promise<'patched' | 'not-found'>;
}

/** What this reconciler reads of the allocator. */
export interface PoolUsage {
  /** The configured pools. */
  readonly pools: readonly { readonly name: string }[];
  /** The pool's counters, undefined for an unknown pool. */
  int64Counters(pool: string): PoolCountersStatus | undefined;
  /** The pool's usable addresses, undefined for an unknown pool. */
  addressesTotal(pool: string): bigint | undefined;
}

/** A per-pool gauge (prom-client's `Gauge<'pool'>` fits). */
export interface PoolGauge {
  set(labels: { pool: string }, value: number): void;
  remove(labels: { pool: string }): void;
}

/** The `metallb_allocator_*` gauges this reconciler sets. */
export interface PoolGauges {
  readonly inUse: PoolGauge;
  readonly ipv4InUse: PoolGauge;
  readonly ipv6InUse: PoolGauge;
  readonly total: PoolGauge;
  readonly ipv4Total: PoolGauge;
  readonly ipv6Total: PoolGauge;
}

/** Options of {@link PoolStatusReconciler}. */
export interface PoolStatusReconcilerOptions {
  readonly allocator: PoolUsage;
  /** The cached IPAddressPool, undefined when it does not exist. */
  readonly pool: (name: string) => IPAddressPool | undefined;
  readonly port: PoolStatusPort;
  readonly metrics: PoolGauges;
  /** `metallb_k8s_client_update_errors_total`: a status write failed. */
  readonly updateErrors: CounterPort;
  readonly logger: Logger;
}

const FIELDS = ['assignedIPv4', 'assignedIPv6', 'availableIPv4', 'availableIPv6'] as const;

/** The counters as text, for exact comparison. */
const textOf = (s: PoolCountersStatus): string => FIELDS.map((f) => s[f].toString()).join(',');

/** Whether the stored status already shows `s` (numbers above 2^53 never compare equal). */
function stored(pool: IPAddressPool | undefined, s: PoolCountersStatus): boolean {
  const st = pool?.status;
  return st !== undefined && FIELDS.every((f) => Number.isSafeInteger(st[f]) && BigInt(st[f]) === s[f]);
}

/** See the module comment. */
export class PoolStatusReconciler {
  readonly #o: PoolStatusReconcilerOptions;
  /** `name@uid` → counters text last written. */
  readonly #written = new Map<string, string>();
  #metricPools = new Set<string>();

  /** Creates a reconciler. */
  constructor(opts: PoolStatusReconcilerOptions) {
    this.#o = opts;
  }

  /** Updates the gauges and writes every pool status that changed. */
  async reconcile(): Promise<ReconcileOutcome> {
    const names = this.updateMetrics();
    const results = await Promise.all(names.map((n) => this.#writeStatus(n)));
    return results.every(Boolean) ? 'success' : 'retry';
  }

  /** Updates the gauges only (no API call; cheap enough for every allocation); returns the pool names. */
  updateMetrics(): readonly string[] {
    const names = this.#o.allocator.pools.map((p) => p.name);
    const m = this.#o.metrics;
    for (const gone of [...this.#metricPools].filter((n) => !names.includes(n))) {
      for (const g of [m.inUse, m.ipv4InUse, m.ipv6InUse, m.total, m.ipv4Total, m.ipv6Total]) g.remove({ pool: gone });
    }
    this.#metricPools = new Set(names);
    for (const pool of names) {
      const c = this.#o.allocator.int64Counters(pool);
      if (c === undefined) continue;
      m.inUse.set({ pool }, Number(c.assignedIPv4 + c.assignedIPv6));
      m.ipv4InUse.set({ pool }, Number(c.assignedIPv4));
      m.ipv6InUse.set({ pool }, Number(c.assignedIPv6));
      m.total.set({ pool }, Number(this.#o.allocator.addressesTotal(pool) ?? 0n));
      m.ipv4Total.set({ pool }, Number(c.assignedIPv4 + c.availableIPv4));
      m.ipv6Total.set({ pool }, Number(c.assignedIPv6 + c.availableIPv6));
    }
    return names;
  }

  /** True when written, unchanged or the pool is gone; false on failure. */
  async #writeStatus(name: string): Promise<boolean> {
    const counters = this.#o.allocator.int64Counters(name);
    const cached = this.#o.pool(name);
    if (counters === undefined || cached === undefined) return true;
    const key = `${name}@${cached.metadata?.uid ?? ''}`;
    const text = textOf(counters);
    if (this.#written.get(key) === text || stored(cached, counters)) return true;
    try {
      if ((await this.#o.port.patchStatus(name, counters)) === 'patched') this.#written.set(key, text);
      return true;
    } catch (e) {
      this.#o.updateErrors.inc();
      this.#o.logger.warn('writing IPAddressPool status failed', { pool: name, reason: String(e) });
      return false;
    }
  }
}
