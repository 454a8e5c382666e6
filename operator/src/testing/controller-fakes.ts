/**
 * Test kit: hand-written fakes of the controller reconcilers' narrow ports. Each records what it
 * was asked and can be told to fail, so error paths are tested without an apiserver.
 */
import type { V1Deployment, V1Secret } from '@kubernetes/client-node';
import type { ConfigurationState } from '@metallb-ts/lib/api/types.generated.ts';
import type { EventInput, EventSubject } from '@metallb-ts/lib/k8s/events.ts';
import type { ConfigVerdict, StateStatus } from '../controller/config-state.ts';
import type { ConfigStatePort, EventPort } from '../controller/config-state-writer.ts';
import type { VerdictSink } from '../controller/config-reconciler.ts';
import type { SecretPort } from '../controller/memberlist-secret.ts';
import type { PoolCountersStatus, PoolGauge, PoolGauges, PoolStatusPort, PoolUsage } from '../controller/pool-status.ts';

/** Records verdicts; answers `answer`. */
export class FakeVerdictSink implements VerdictSink {
  readonly verdicts: ConfigVerdict[] = [];
  answer: 'written' | 'unchanged' | 'failed' = 'written';
  async report(v: ConfigVerdict): Promise<'written' | 'unchanged' | 'failed'> {
    this.verdicts.push(v);
    return this.answer;
  }
}

/** An in-memory ConfigurationState; `fail` makes the named call throw, `vanish` makes patches 404. */
export class FakeConfigStatePort implements ConfigStatePort {
  obj: ConfigurationState | undefined;
  readonly calls: string[] = [];
  fail: 'read' | 'create' | 'patchStatus' | undefined;
  vanish = false;
  async read(): Promise<ConfigurationState | undefined> {
    this.#call('read');
    return this.obj === undefined ? undefined : structuredClone(this.obj);
  }
  async create(obj: ConfigurationState): Promise<ConfigurationState> {
    this.#call('create');
    this.obj = { ...obj, metadata: { ...obj.metadata, uid: 'cs-uid' } };
    return structuredClone(this.obj);
  }
  async patchStatus(status: StateStatus): Promise<ConfigurationState | 'not-found'> {
    this.#call('patchStatus');
    if (this.vanish || this.obj === undefined) return 'not-found';
    const next: ConfigurationState = { ...this.obj, status: structuredClone(status) as unknown as NonNullable<ConfigurationState['status']> };
    this.obj = next;
    return structuredClone(next);
  }
  #call(name: 'read' | 'create' | 'patchStatus'): void {
    this.calls.push(name);
    if (this.fail === name) throw new Error(`${name}: apiserver down`);
  }
}

/** Records Events. */
export class FakeEventPort implements EventPort {
  readonly events: Array<{ subject: EventSubject; input: EventInput }> = [];
  async record(subject: EventSubject, input: EventInput): Promise<unknown> {
    this.events.push({ subject, input });
    return undefined;
  }
}

/** Records pool status patches; `fail` makes them throw, `missing` pools answer not-found. */
export class FakePoolStatusPort implements PoolStatusPort {
  readonly patches: Array<{ pool: string; status: PoolCountersStatus }> = [];
  fail = false;
  readonly missing = new Set<string>();
  async patchStatus(pool: string, status: PoolCountersStatus): Promise<'patched' | 'not-found'> {
    if (this.fail) throw new Error('apiserver down');
    if (this.missing.has(pool)) return 'not-found';
    this.patches.push({ pool, status });
    return 'patched';
  }
}

/** Fixed per-pool counters and totals. */
export class FakePoolUsage implements PoolUsage {
  readonly counters = new Map<string, PoolCountersStatus>();
  get pools(): ReadonlyArray<{ readonly name: string }> {
    return [...this.counters.keys()].map((name) => ({ name }));
  }
  int64Counters(pool: string): PoolCountersStatus | undefined {
    return this.counters.get(pool);
  }
  addressesTotal(pool: string): bigint | undefined {
    const c = this.counters.get(pool);
    return c && c.assignedIPv4 + c.assignedIPv6 + c.availableIPv4 + c.availableIPv6;
  }
}

/** A per-pool gauge keeping its values. */
export class FakePoolGauge implements PoolGauge {
  readonly values = new Map<string, number>();
  set(labels: { pool: string }, value: number): void {
    this.values.set(labels.pool, value);
  }
  remove(labels: { pool: string }): void {
    this.values.delete(labels.pool);
  }
}

/** The six allocator gauges as fakes. */
export function fakePoolGauges(): PoolGauges & Record<keyof PoolGauges, FakePoolGauge> {
  return {
    inUse: new FakePoolGauge(), ipv4InUse: new FakePoolGauge(), ipv6InUse: new FakePoolGauge(),
    total: new FakePoolGauge(), ipv4Total: new FakePoolGauge(), ipv6Total: new FakePoolGauge(),
  };
}

/** Secrets and Deployments in memory; `failures` makes that many next calls throw. */
export class FakeSecretPort implements SecretPort {
  readonly secrets = new Map<string, V1Secret>();
  readonly deployments = new Map<string, V1Deployment>();
  failures = 0;
  async exists(name: string): Promise<boolean> {
    this.#maybeFail();
    return this.secrets.has(name);
  }
  async create(secret: V1Secret): Promise<'created' | 'exists'> {
    this.#maybeFail();
    const name = secret.metadata?.name ?? '';
    if (this.secrets.has(name)) return 'exists';
    this.secrets.set(name, secret);
    return 'created';
  }
  async deployment(name: string): Promise<V1Deployment | undefined> {
    this.#maybeFail();
    return this.deployments.get(name);
  }
  #maybeFail(): void {
    if (this.failures > 0) {
      this.failures--;
      throw new Error('apiserver down');
    }
  }
}
