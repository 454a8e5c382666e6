/**
 * Which node keys each event queues: nothing before the first configuration; then a config
 * change, a Service or EndpointSlice change and a resync → every node (Services parsed once for
 * all of them); a Node event → that node; a plan changed by someone else or deleted, and a
 * deleted password Secret → that node; the operator's own plan write → nothing.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubernetesObject, V1EndpointSlice, V1Node, V1Secret, V1Service } from '@kubernetes/client-node';
import type { NodePlan } from '@metallb-ts/lib/api/types.generated.ts';
import { captureLogger, FakeCounter } from '@metallb-ts/lib/testing/capture-logger.ts';
import { FakeClock } from '@metallb-ts/lib/testing/fake-clock.ts';
import { configFor } from '../config/config-for.ts';
import { bgpAdv, l2, pool, resources } from '../testing/config-test-kit.ts';
import { MANAGED_BY, MANAGED_BY_LABEL, NODE_LABEL } from '../plan/desired-plan.ts';
import { NodePlanPipeline, PlanInputs, type CacheSource } from './node-plan-pipeline.ts';

class FakeSource<T extends KubernetesObject> implements CacheSource<T> {
  readonly items: T[] = [];
  readonly #cbs = new Map<string, Array<(o?: T) => void>>();
  list(): readonly T[] {
    return this.items;
  }
  on(event: string, cb: (o: T) => void): void {
    this.#cbs.set(event, [...(this.#cbs.get(event) ?? []), cb as (o?: T) => void]);
  }
  emit(event: 'add' | 'update' | 'delete' | 'resync', obj?: T): void {
    for (const cb of this.#cbs.get(event) ?? []) cb(obj);
  }
}

const config = configFor(resources({ pools: [pool('p', ['198.51.100.0/28'])], bgpAdvertisements: [bgpAdv('all')] }), { nodesKnown: false });
assert.ok(config.ok);
const planOf = (node: string, sha: string): NodePlan & KubernetesObject => ({ metadata: { name: node }, spec: { nodeName: node, frr: { encoding: 'plain', config: '', sha256: sha, size: 0 } } });

function setup() {
  const src = { nodes: new FakeSource<V1Node>(), plans: new FakeSource<NodePlan & KubernetesObject>(), secrets: new FakeSource<V1Secret>(), services: new FakeSource<V1Service>(), slices: new FakeSource<V1EndpointSlice>() };
  for (const n of ['n1', 'n2']) src.nodes.items.push({ metadata: { name: n } });
  src.plans.items.push(planOf('gone', 'x'));
  let serviceLists = 0;
  const inputs = new PlanInputs({ services: () => (serviceLists++, src.services.items), slices: () => src.slices.items, nodes: () => src.nodes.items });
  const reconciled: string[] = [];
  const pipeline = new NodePlanPipeline({
    settings: { clock: new FakeClock(), logger: captureLogger().logger, updateErrors: new FakeCounter() },
    reconciler: {
      reconcile: async (key) => {
        inputs.snapshot();
        reconciled.push(key);
        return 'success';
      },
      isWanted: (p) => p.spec.frr.sha256 === 'mine',
    },
    inputs, ...src,
  });
  pipeline.start();
  const run = async (): Promise<string[]> => {
    await pipeline.idle();
    return reconciled.splice(0).sort();
  };
  return { src, pipeline, run, serviceLists: () => serviceLists };
}

describe('NodePlanPipeline', () => {
  it('does nothing before the first configuration', async () => {
    const t = setup();
    t.src.services.emit('add', {});
    t.src.nodes.emit('update', { metadata: { name: 'n1' } });
    assert.deepEqual(await t.run(), []);
  });

  it('a configuration, then a Service or EndpointSlice change or a resync: every node and every plan, Services parsed once', async () => {
    const t = setup();
    assert.ok(config.ok);
    t.pipeline.configChanged(config.value);
    assert.deepEqual(await t.run(), ['gone', 'n1', 'n2']);
    const lists = t.serviceLists();
    assert.equal(lists, 1);
    t.src.services.emit('update', {});
    assert.deepEqual(await t.run(), ['gone', 'n1', 'n2']);
    assert.equal(t.serviceLists(), lists + 1, 'Services parsed more than once for one change');
    t.src.slices.emit('delete', { addressType: 'IPv4', endpoints: [] });
    assert.deepEqual(await t.run(), ['gone', 'n1', 'n2']);
    t.src.nodes.emit('resync');
    assert.deepEqual(await t.run(), ['gone', 'n1', 'n2']);
  });

  it('with an L2Advertisement, a Node the election sees differently (added, gone, labels, NetworkUnavailable) queues every node', async () => {
    const withL2 = configFor(resources({ pools: [pool('p', ['198.51.100.0/28'])], l2Advertisements: [l2('l2')] }), { nodesKnown: false });
    assert.ok(withL2.ok);
    const t = setup();
    t.pipeline.configChanged(withL2.value);
    await t.run();
    const every = ['gone', 'n1', 'n2'];
    const cases: { desc: string; fire: () => void; want: string[] }[] = [
      { desc: 'same facts', fire: () => t.src.nodes.emit('update', { metadata: { name: 'n2' } }), want: ['n2'] },
      { desc: 'a label', fire: () => t.src.nodes.emit('update', { metadata: { name: 'n2', labels: { zone: 'a' } } }), want: every },
      { desc: 'NetworkUnavailable', fire: () => t.src.nodes.emit('update', { metadata: { name: 'n1' }, status: { conditions: [{ type: 'NetworkUnavailable', status: 'True' }] } }), want: every },
      { desc: 'a new node', fire: () => t.src.nodes.emit('add', { metadata: { name: 'n3' } }), want: every },
      { desc: 'a node gone', fire: () => t.src.nodes.emit('delete', { metadata: { name: 'n1' } }), want: every },
    ];
    for (const c of cases) {
      c.fire();
      assert.deepEqual(await t.run(), c.want, c.desc);
    }
  });

  it('one node for its own events; own plan writes are ignored', async () => {
    const t = setup();
    assert.ok(config.ok);
    t.pipeline.configChanged(config.value);
    await t.run();
    const cases: { desc: string; fire: () => void; want: string[] }[] = [
      { desc: 'node update', fire: () => t.src.nodes.emit('update', { metadata: { name: 'n2' } }), want: ['n2'] },
      { desc: 'node delete', fire: () => t.src.nodes.emit('delete', { metadata: { name: 'n1' } }), want: ['n1'] },
      { desc: 'plan deleted', fire: () => t.src.plans.emit('delete', planOf('n1', 'mine')), want: ['n1'] },
      { desc: 'plan edited by someone', fire: () => t.src.plans.emit('update', planOf('n2', 'theirs')), want: ['n2'] },
      { desc: 'own plan write', fire: () => t.src.plans.emit('update', planOf('n2', 'mine')), want: [] },
      { desc: 'password Secret deleted', fire: () => t.src.secrets.emit('delete', { metadata: { name: 'frr-passwords-n2', labels: { [MANAGED_BY_LABEL]: MANAGED_BY, [NODE_LABEL]: 'n2' } } }), want: ['n2'] },
      { desc: 'another Secret deleted', fire: () => t.src.secrets.emit('delete', { metadata: { name: 'other' } }), want: [] },
    ];
    for (const c of cases) {
      c.fire();
      assert.deepEqual(await t.run(), c.want, c.desc);
    }
  });
});
