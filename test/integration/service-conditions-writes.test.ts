/**
 * No write storms: at 5,000 LoadBalancer Services, a configuration change costs at most one
 * status write per Service whose stage changed, and none for the others. On a real apiserver
 * with the in-process operator: 2,500 Services in IPAddressPool `left` (advertised, no endpoint
 * yet: Announced=False/NoServingEndpoint) and 2,500 in `right` (no advertisement:
 * Announced=False/NoAdvertisement), then configuration changes, each counted twice — by ONE watch
 * over the namespace's Services (a MODIFIED event is a write that changed the object; counted
 * per Service) and by the operator's own `metallb_k8s_client_updates_total` — and both must agree:
 *
 * - labels on every configuration object (the pools' part changes: every Service is reprocessed)
 *   → no Service written;
 * - a new pool only one probe Service asked for → that Service alone, once;
 * - a BGPAdvertisement for `right` → each `right` Service once, no `left` one;
 * - a second BGPPeer (every node's rendering changes) → no Service written.
 *
 * Each phase's counts are printed (`t.diagnostic`, one `WRITES` line per phase).
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api, type V1Service } from '@kubernetes/client-node';
import { informerFor, type SupervisedInformer } from '@metallb-ts/lib/k8s/informer.ts';
import { ControlPlane } from '../harness/control-plane.ts';
import { installCrds } from '../harness/crds.ts';
import { applyYaml, startOperator, waitFor, type TestOperator } from '../harness/operator.ts';
import { planWritesOf } from '../harness/plan-kit.ts';
import { createService, createServices, loadBalancerService } from '../bench/service-load.ts';

const NS = 'metallb-system';
const APP = 'storm';
const PER_POOL = 2500;
const NODES = ['node-a', 'node-b'] as const;
const SETTLE_MS = 2000;
const names = (prefix: string): string[] => Array.from({ length: PER_POOL }, (_, i) => `${prefix}-${String(i).padStart(4, '0')}`);
const LEFT = names('l');
const RIGHT = names('r');

/** The configuration; `labels` go on every object. */
const config = (labels: Record<string, string> = {}): string => {
  const meta = (name: string): string => JSON.stringify({ name, namespace: NS, labels });
  return `
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: ${meta('left')}
spec: {addresses: ['2001:db8:10::/112'], autoAssign: false}
---
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: ${meta('right')}
spec: {addresses: ['2001:db8:20::/112'], autoAssign: false}
---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: ${meta('router')}
spec: {myASN: 64512, peerASN: 64513, peerAddress: 203.0.113.1}
---
apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata: ${meta('left-adv')}
spec: {ipAddressPools: [left]}
`;
};

const SPARE_POOL = `
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: spare, namespace: ${NS}}
spec: {addresses: ['2001:db8:30::/112'], autoAssign: false}
`;
const RIGHT_ADV = `
apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata: {name: right-adv, namespace: ${NS}}
spec: {ipAddressPools: [right]}
`;
const SECOND_PEER = `
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: {name: second, namespace: ${NS}}
spec: {myASN: 64512, peerASN: 64514, peerAddress: 203.0.113.2}
`;

/** One watch over the namespace's Services: writes (MODIFIED events) and the reasons, per Service. */
class WriteWatch {
  readonly #inf: SupervisedInformer<V1Service>;
  readonly writes = new Map<string, number>();
  readonly reasons = new Map<string, string>();
  /** Relists and watch failures: a relist folds writes together, so counts would be low. */
  readonly hiccups: string[] = [];

  constructor(cp: ControlPlane) {
    this.#inf = informerFor(cp.kube, { path: `/api/v1/namespaces/${APP}/services` });
    this.#inf.on('add', (s) => this.#see(s, false));
    this.#inf.on('update', (s) => this.#see(s, true));
    this.#inf.on('resync', () => this.hiccups.push('resync'));
    this.#inf.on('error', (e) => this.hiccups.push(String(e)));
  }

  start(): Promise<void> {
    return this.#inf.start();
  }

  stop(): Promise<void> {
    return this.#inf.stop();
  }

  #see(svc: V1Service, update: boolean): void {
    const name = svc.metadata?.name ?? '';
    if (update) this.writes.set(name, (this.writes.get(name) ?? 0) + 1);
    const conds = (svc.status?.conditions ?? []) as unknown as { type: string; reason: string }[];
    const r = (type: string): string => conds.find((c) => c.type === `metallb.io/${type}`)?.reason ?? '-';
    this.reasons.set(name, `${r('AddressAllocated')}/${r('Announced')}`);
  }

  /** Names whose reasons are not `want` (from `among`). */
  notYet(among: readonly string[], want: string): string[] {
    return among.filter((n) => this.reasons.get(n) !== want);
  }
}

/** Service writes since `before` (a copy of the watch's counts): written names → count. */
function writesSince(before: ReadonlyMap<string, number>, now: ReadonlyMap<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [name, n] of now) if (n > (before.get(name) ?? 0)) out.set(name, n - (before.get(name) ?? 0));
  return out;
}

describe('Service conditions: no write storm at 5,000 Services', () => {
  let cp: ControlPlane;
  let op: TestOperator;
  let watch: WriteWatch;
  const updates = async (): Promise<number> => (await op.metric('metallb_k8s_client_updates_total')) ?? 0;
  /** Waits until the operator has nothing left to do and the watch has caught up. */
  const settle = async (): Promise<void> => {
    await sleep(SETTLE_MS / 2);
    await op.replica.controller.idle();
    await sleep(SETTLE_MS);
    await op.replica.controller.idle();
  };

  before(async () => {
    cp = await ControlPlane.start();
    await installCrds(cp.kubeConfig);
    await cp.ensureNamespace(NS);
    await cp.ensureNamespace(APP);
    const core = cp.kubeConfig.makeApiClient(CoreV1Api);
    for (const name of NODES) await core.createNode({ body: { metadata: { name } } });
    await applyYaml(cp, config());
    op = await startOperator({ kubeConfig: cp.kubeConfig, namespace: NS, logLevel: 'warn' });
    await op.waitReady();
    watch = new WriteWatch(cp);
    await watch.start();
    await settle(); // the ConfigurationState write is not a Service write
  });
  after(async () => {
    await watch?.stop();
    await op?.stop();
    await cp?.stop();
  });

  /**
   * Runs `change`, waits for `done` (bounded) and the operator to settle, and returns which
   * Services were written how often, as the watch and the operator's metric count them.
   */
  const phase = async (t: { diagnostic(s: string): void }, what: string, change: () => Promise<void>, done: () => boolean | Promise<boolean>): Promise<Map<string, number>> => {
    const before = new Map(watch.writes);
    const metricBefore = await updates();
    const hiccups = watch.hiccups.length;
    const t0 = performance.now();
    await change();
    await waitFor(`${what} to take effect`, async () => ((await done()) ? true : undefined), 120_000);
    await settle();
    const written = writesSince(before, watch.writes);
    const total = [...written.values()].reduce((a, n) => a + n, 0);
    const metric = (await updates()) - metricBefore;
    const line = `WRITES ${JSON.stringify({ phase: what, servicesWritten: written.size, writes: total, maxPerService: Math.max(0, ...written.values()), operatorMetric: metric, ms: Math.round(performance.now() - t0) })}`;
    t.diagnostic(line);
    console.log(line);
    assert.equal(watch.hiccups.length, hiccups, `the watch relisted (${watch.hiccups.slice(hiccups).join('; ')}), so its counts are not exact`);
    assert.equal(metric, total, `the operator counted ${metric} writes, the watch saw ${total}`);
    return written;
  };

  it(`allocates ${2 * PER_POOL} Services with one write each (address, annotation and every condition)`, async (t) => {
    const t0 = performance.now();
    const metricBefore = await updates();
    const report = await Promise.all([
      createServices(cp.kubeConfig, { namespace: APP, names: LEFT, pool: 'left', concurrency: 16 }),
      createServices(cp.kubeConfig, { namespace: APP, names: RIGHT, pool: 'right', concurrency: 16 }),
    ]);
    await waitFor('every Service allocated with its conditions', () => (
      watch.notYet(LEFT, 'Allocated/NoServingEndpoint').length === 0 && watch.notYet(RIGHT, 'Allocated/NoAdvertisement').length === 0 ? true : undefined
    ), 300_000).catch((e: unknown) => {
      throw new Error(`${String(e)}: left ${watch.notYet(LEFT, 'Allocated/NoServingEndpoint').length}, right ${watch.notYet(RIGHT, 'Allocated/NoAdvertisement').length} not there`);
    });
    await settle();
    const all = [...LEFT, ...RIGHT];
    const perService = all.map((n) => watch.writes.get(n) ?? 0);
    const line = `WRITES ${JSON.stringify({ phase: 'create', services: all.length, writes: perService.reduce((a, n) => a + n, 0), maxPerService: Math.max(...perService), createRetries: report[0].retries + report[1].retries, ms: Math.round(performance.now() - t0) })}`;
    t.diagnostic(line);
    console.log(line);
    assert.deepEqual(all.filter((n) => watch.writes.get(n) !== 1).slice(0, 5), [], 'every Service written exactly once');
    assert.equal((await updates()) - metricBefore, all.length, 'the operator counted one write per Service');
  });

  it('labels on every configuration object (every Service reprocessed): no Service written', async (t) => {
    const plans = await planWritesOf(op);
    const written = await phase(t, 'labels on every config object', () => applyYaml(cp, config({ touched: 'yes' })), () => true);
    assert.deepEqual([...written.keys()].slice(0, 5), [], 'no Service written');
    assert.equal(await planWritesOf(op), plans, 'nor a NodePlan: labels are not in the rendering');
  });

  it('a new pool only one probe Service asked for: that Service alone, once', async (t) => {
    const core = cp.kubeConfig.makeApiClient(CoreV1Api);
    await createService(core, loadBalancerService({ namespace: APP, name: 'probe', pool: 'spare' }), 3);
    await waitFor('probe: unknown pool', () => (watch.reasons.get('probe') === 'NoMatchingPool/NotAllocated' ? true : undefined));
    await settle();
    // The reprocess queues Services holding addresses first: the probe, holding none, comes last.
    const written = await phase(t, 'new pool for one probe Service', () => applyYaml(cp, SPARE_POOL), () => watch.reasons.get('probe') === 'Allocated/NoAdvertisement');
    assert.deepEqual([...written], [['probe', 1]]);
  });

  it(`a BGPAdvertisement for the right pool: each of its ${PER_POOL} Services once, none of the left`, async (t) => {
    const written = await phase(t, 'advertisement for half the Services', () => applyYaml(cp, RIGHT_ADV), () => watch.notYet(RIGHT, 'Allocated/NoServingEndpoint').length === 0);
    assert.deepEqual(RIGHT.filter((n) => written.get(n) !== 1).slice(0, 5), [], 'every right Service written exactly once');
    assert.deepEqual([...written.keys()].filter((n) => !n.startsWith('r-')).slice(0, 5), [], 'no other Service written');
    assert.equal(written.size, PER_POOL);
  });

  it('a second BGPPeer (every node\'s rendering changes): no Service written', async (t) => {
    const plans = await planWritesOf(op);
    const written = await phase(t, 'second BGPPeer', () => applyYaml(cp, SECOND_PEER), async () => (await planWritesOf(op)) >= plans + NODES.length);
    assert.deepEqual([...written.keys()].slice(0, 5), [], 'no Service written');
  });
});
