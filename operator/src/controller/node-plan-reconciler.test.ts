/**
 * NodePlanReconciler against in-memory stores: the password Secret before the plan, one write
 * per real change and none when nothing changed, conflicts retried (never counted, never a
 * blind overwrite), a gone node's objects deleted, render failures counted and logged without
 * the password, further spec sections merged.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1Node, V1Secret } from '@kubernetes/client-node';
import type { NodePlan } from '@metallb-ts/lib/api/types.generated.ts';
import { decodeFrrConfig } from '@metallb-ts/lib/plan/frr-config-codec.ts';
import { captureLogger } from '@metallb-ts/lib/testing/capture-logger.ts';
import { configFor } from '../config/config-for.ts';
import type { Config } from '../config/types.ts';
import { createFrrRenderer } from '../frr/render.ts';
import { svc } from '../frr/testing/golden-cases.ts';
import type { PlanWriteKind, PlanWriteOp } from '../metrics/node-plan-metrics.ts';
import { loadFrrTemplates } from '../plan/frr-templates.ts';
import { bgpAdv, peer, pool, resources } from '../testing/config-test-kit.ts';
import { FakeObjectStore } from '../testing/object-store-fake.ts';
import { NodePlanReconciler, type NodePlanReconcilerOptions, type PlanSnapshot } from './node-plan-reconciler.ts';

const render = createFrrRenderer(loadFrrTemplates());
const PASSWORD = 'Unit-S3cret!';

function configWith(password: boolean): Config {
  const r = configFor(resources({
    pools: [pool('pool-a', ['198.51.100.0/26'])], bgpAdvertisements: [bgpAdv('all')],
    peers: [peer('router', { myASN: 64512, peerASN: 64513, peerAddress: '192.0.2.1', ...(password ? { password: PASSWORD } : {}) })],
  }), { nodesKnown: false });
  assert.ok(r.ok);
  return r.value;
}

class FakePlanMetrics {
  readonly writes: string[] = [];
  failures = 0;
  write(kind: PlanWriteKind, op: PlanWriteOp): void {
    this.writes.push(`${op} ${kind}`);
  }
  renderFailure(): void {
    this.failures++;
  }
}

function setup(o: { password?: boolean; nodeName?: string; sections?: NodePlanReconcilerOptions['sections'] } = {}) {
  const nodeName = o.nodeName ?? 'node-0';
  const nodes = new Map<string, V1Node>([[nodeName, { metadata: { name: nodeName, uid: 'uid-0', labels: {} } }]]);
  const state: { snapshot: PlanSnapshot | undefined } = { snapshot: { config: configWith(o.password ?? false), services: [svc('web', ['198.51.100.10'])], l2: new Map() } };
  const plans = new FakeObjectStore<NodePlan & { metadata?: object }>();
  const secrets = new FakeObjectStore<V1Secret>();
  const metrics = new FakePlanMetrics();
  const log = captureLogger();
  const renders = { count: 0 };
  const r = new NodePlanReconciler({
    namespace: 'metallb-system', node: (n) => nodes.get(n), snapshot: () => state.snapshot, plans, secrets, metrics, logger: log.logger,
    render: (v) => (renders.count++, render(v)),
    ...(o.sections === undefined ? {} : { sections: o.sections }),
  });
  return { r, nodes, state, plans, secrets, metrics, log, nodeName, renders };
}

const confOf = (p: NodePlan | undefined): string => {
  const d = p === undefined ? undefined : decodeFrrConfig(p.spec.frr);
  return d?.ok === true ? d.value : '';
};

describe('NodePlanReconciler', () => {
  it('writes the password Secret, then the plan, owned by the Node; then nothing while nothing changes', async () => {
    const t = setup({ password: true });
    assert.equal(await t.r.reconcile('node-0'), 'success');
    assert.deepEqual([...t.secrets.ops, ...t.plans.ops], ['create frr-passwords-node-0', 'create node-0']);
    assert.deepEqual(t.metrics.writes, ['create secret', 'create plan']);
    const plan = t.plans.server.get('node-0');
    assert.match(confOf(plan), /neighbor 192\.0\.2\.1 password @@password:router@@/);
    assert.match(confOf(plan), /network 198\.51\.100\.10\/32/);
    assert.ok(!JSON.stringify(plan).includes(PASSWORD));
    assert.deepEqual(plan?.metadata?.ownerReferences, [{ apiVersion: 'v1', kind: 'Node', name: 'node-0', uid: 'uid-0' }]);
    const secret = t.secrets.server.get('frr-passwords-node-0');
    assert.equal(Buffer.from(secret?.data?.['router'] ?? '', 'base64').toString(), PASSWORD);
    assert.equal(await t.r.reconcile('node-0'), 'success');
    assert.equal(t.metrics.writes.length, 2, 'a second reconcile wrote');
    assert.ok(!JSON.stringify(await t.log.entries()).includes(PASSWORD), 'password in a log line');
  });

  it('replaces only the plan when its rendering changes', async () => {
    const t = setup({ password: true });
    await t.r.reconcile('node-0');
    t.state.snapshot = { ...t.state.snapshot!, services: [svc('web', ['198.51.100.10']), svc('api', ['198.51.100.11'])] };
    assert.equal(await t.r.reconcile('node-0'), 'success');
    assert.deepEqual(t.metrics.writes, ['create secret', 'create plan', 'update plan']);
    assert.match(confOf(t.plans.server.get('node-0')), /network 198\.51\.100\.11\/32/);
  });

  it('a stale cache ends in a conflict and a retry, not an overwrite; caught up, nothing is written', async () => {
    const t = setup();
    await t.r.reconcile('node-0');
    t.plans.stale = true;
    t.state.snapshot = { ...t.state.snapshot!, services: [] };
    await t.r.reconcile('node-0');
    const writes = t.metrics.writes.length;
    assert.equal(await t.r.reconcile('node-0'), 'retry', 'the cache still shows the old plan');
    assert.equal(t.metrics.writes.length, writes, 'a conflict was counted as a write');
    t.plans.cache.set('node-0', t.plans.server.get('node-0')!);
    assert.equal(await t.r.reconcile('node-0'), 'success');
    assert.equal(t.metrics.writes.length, writes);
  });

  it('without passwords there is no Secret, and a left-over one is deleted', async () => {
    const t = setup();
    t.secrets.seed({ metadata: { name: 'frr-passwords-node-0' }, data: { router: 'eA==' } });
    await t.r.reconcile('node-0');
    assert.deepEqual(t.secrets.ops, ['delete frr-passwords-node-0']);
    assert.equal(t.plans.server.get('node-0')?.spec.passwordSecretName, undefined);
  });

  it('a node that is gone loses its plan and Secret, once', async () => {
    const t = setup({ password: true });
    await t.r.reconcile('node-0');
    t.nodes.delete('node-0');
    assert.equal(await t.r.reconcile('node-0'), 'success');
    assert.deepEqual([t.plans.server.size, t.secrets.server.size], [0, 0]);
    await t.r.reconcile('node-0');
    assert.deepEqual(t.metrics.writes.filter((w) => w.startsWith('delete')), ['delete plan', 'delete secret']);
  });

  it('renders once while the inputs stay the same; a plan or Secret removed behind its back is written again', async () => {
    const t = setup({ password: true });
    await t.r.reconcile('node-0');
    t.state.snapshot = { ...t.state.snapshot!, services: [...t.state.snapshot!.services] };
    await t.r.reconcile('node-0');
    assert.equal(t.renders.count, 1, 'rendered again for equal inputs');
    t.plans.server.delete('node-0');
    t.plans.cache.delete('node-0');
    await t.r.reconcile('node-0');
    t.secrets.server.clear();
    t.secrets.cache.clear();
    await t.r.reconcile('node-0');
    assert.deepEqual(t.metrics.writes, ['create secret', 'create plan', 'create plan', 'create secret']);
  });

  it('writes nothing before the first configuration', async () => {
    const t = setup();
    t.state.snapshot = undefined;
    assert.equal(await t.r.reconcile('node-0'), 'success');
    assert.deepEqual(t.plans.ops, []);
  });

  it('a rendering failure keeps the old plan, is counted and logged with the node, without the password', async () => {
    const t = setup({ password: true, nodeName: 'bad node!' });
    assert.equal(await t.r.reconcile('bad node!'), 'noRetry');
    assert.equal(t.metrics.failures, 1);
    assert.deepEqual(t.plans.ops, []);
    const entries = await t.log.entries();
    const e = entries.find((x) => x['node'] === 'bad node!');
    assert.match(String(e?.['reason']), /Node metadata\.name/);
    assert.ok(!JSON.stringify(entries).includes(PASSWORD));
  });

  it('merges further sections into the spec, and knows its own writes', async () => {
    const t = setup({ sections: [({ node }) => ({ l2: { candidateSets: [{ nodes: [{ name: node.name }] }], vips: [] } })] });
    await t.r.reconcile('node-0');
    const plan = t.plans.server.get('node-0')!;
    assert.deepEqual(plan.spec.l2, { candidateSets: [{ nodes: [{ name: 'node-0' }] }], vips: [] });
    assert.equal(t.r.isWanted(plan), true);
    assert.equal(t.r.isWanted({ ...plan, spec: { ...plan.spec, l2: { candidateSets: [], vips: [] } } }), false);
  });

  it('takes the node\'s layer-2 duties from the snapshot: written once per change, dropped when it has none', async () => {
    const t = setup();
    const duties = (ip: string) => ({ candidateSets: [{ nodes: [{ name: 'node-0' }, { name: 'node-1' }] }], vips: [{ ip, set: 0, services: ['default/web'] }] });
    t.state.snapshot = { ...t.state.snapshot!, l2: new Map([['node-0', duties('198.51.100.10')], ['node-1', duties('198.51.100.99')]]) };
    await t.r.reconcile('node-0');
    assert.deepEqual(t.plans.server.get('node-0')!.spec.l2, duties('198.51.100.10'));
    // A new snapshot object with equal duties: nothing written.
    t.state.snapshot = { ...t.state.snapshot, l2: new Map([['node-0', duties('198.51.100.10')]]) };
    await t.r.reconcile('node-0');
    assert.deepEqual(t.metrics.writes, ['create plan']);
    t.state.snapshot = { ...t.state.snapshot, l2: new Map([['node-0', duties('198.51.100.11')]]) };
    await t.r.reconcile('node-0');
    assert.equal(t.plans.server.get('node-0')!.spec.l2?.vips[0]?.ip, '198.51.100.11');
    t.state.snapshot = { ...t.state.snapshot, l2: new Map() };
    await t.r.reconcile('node-0');
    assert.equal(t.plans.server.get('node-0')!.spec.l2, undefined);
    assert.deepEqual(t.metrics.writes, ['create plan', 'update plan', 'update plan']);
  });
});
