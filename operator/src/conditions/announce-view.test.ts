/** AnnounceView: which Services a NodePlan status change re-queues (no storm for a plan change). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubernetesObject, V1EndpointSlice, V1Node } from '@kubernetes/client-node';
import type { NodePlan } from '@metallb-ts/lib/api/types.generated.ts';
import { configFor } from '../config/config-for.ts';
import { bgpAdv, peer, pool, resources } from '../testing/config-test-kit.ts';
import { testService } from '../testing/test-services.ts';
import { AnnounceView } from './announce-view.ts';

const SHA1 = '1'.repeat(64);
const SHA2 = '2'.repeat(64);
const cfg = configFor(resources({
  pools: [pool('pool-a', ['198.51.100.0/26'])], peers: [peer('router', { myASN: 64512, peerASN: 64513, peerAddress: '192.0.2.1' })], bgpAdvertisements: [bgpAdv('ads')],
}), { nodesKnown: false });
if (!cfg.ok) throw new Error('test config');

const node: V1Node = { metadata: { name: 'node-0', labels: {} } };
const slice = (svc: string): V1EndpointSlice => ({
  metadata: { name: `${svc}-1`, namespace: 'default', labels: { 'kubernetes.io/service-name': svc } }, addressType: 'IPv4',
  endpoints: [{ addresses: ['192.0.2.10'], nodeName: 'node-0', conditions: { ready: true, serving: true } }],
});
/** node-0's plan (spec sha `spec`) whose speaker reports `router` Established, its report of plan `reported` missing `missing`. */
const plan = (spec: string, reported: string, missing: string[]): NodePlan & KubernetesObject => ({
  metadata: { name: 'node-0' },
  spec: { nodeName: 'node-0', frr: { encoding: 'plain', config: '', sha256: spec, size: 0 } },
  status: { peers: [{ name: 'router', bgpState: 'Established', advertised: { planSha256: reported, expected: 2, missingCount: missing.length, missing } }] },
});
const svcAt = (name: string, ip: string) => testService({ name, ingress: [ip], annotations: { 'metallb.io/address-pool': 'pool-a' } });

function setup() {
  let current = plan(SHA1, SHA1, []);
  const view = new AnnounceView({ nodes: () => [node], slices: () => [slice('a'), slice('b')], plans: () => [current], l2Statuses: () => [] });
  if (cfg.ok) view.setConfig(cfg.value);
  view.changed('plan');
  const eval_ = (name: string, ip: string) => view.reportFor(svcAt(name, ip), `default/${name}`);
  return { view, eval: eval_, set: (p: NodePlan & KubernetesObject) => { current = p; return view.changed('plan'); } };
}

describe('AnnounceView.changed("plan")', () => {
  it('a prefix that goes missing or comes back re-queues its Service only', () => {
    const s = setup();
    assert.equal(s.eval('a', '198.51.100.1')?.reachable.reason, 'Advertised');
    assert.equal(s.eval('b', '198.51.100.2')?.reachable.reason, 'Advertised');
    assert.deepEqual(s.set(plan(SHA1, SHA1, ['198.51.100.1/32'])), ['default/a']);
    assert.equal(s.eval('a', '198.51.100.1')?.reachable.reason, 'NotAdvertised');
    assert.deepEqual(s.set(plan(SHA1, SHA1, [])), ['default/a']);
    assert.deepEqual(s.set(plan(SHA1, SHA1, [])), [], 'nothing changed');
  });

  it('a new plan re-queues nothing; the report catching up re-queues the Services that waited', () => {
    const s = setup();
    assert.equal(s.eval('a', '198.51.100.1')?.reachable.reason, 'Advertised');
    assert.deepEqual(s.set(plan(SHA2, SHA1, [])), [], 'the plan changed: its report is now stale, nobody re-queued');
    const waiting = s.eval('b', '198.51.100.2');
    assert.deepEqual([waiting?.reachable.status, waiting?.reachable.reason, waiting?.reachableWaits], ['Unknown', 'ReportPending', true]);
    assert.deepEqual(s.set(plan(SHA2, SHA2, [])), ['default/b'], 'the report of the new plan: the waiting Service');
    assert.equal(s.eval('b', '198.51.100.2')?.reachable.reason, 'Advertised');
  });

  it('a session change re-queues every Service', () => {
    const s = setup();
    const down = plan(SHA1, SHA1, []);
    assert.equal(s.set({ ...down, status: { ...down.status, peers: [{ ...down.status!.peers![0]!, bgpState: 'Active' }] } }), 'all');
  });
});

describe('AnnounceView: the prefix index follows the Services', () => {
  it('a Service moved to another address leaves its old prefix; a deleted one leaves the index', () => {
    const s = setup();
    s.eval('a', '198.51.100.1');
    s.eval('b', '198.51.100.2');
    assert.deepEqual(s.view.indexSize, { prefixes: 2, services: 2 });
    s.eval('a', '198.51.100.3');
    assert.deepEqual(s.view.indexSize, { prefixes: 2, services: 2 }, 'the old prefix of a is gone');
    assert.deepEqual(s.set(plan(SHA1, SHA1, ['198.51.100.1/32'])), [], 'nobody holds 198.51.100.1 any more');
    s.view.forget('default/a');
    s.view.forget('default/b');
    assert.deepEqual(s.view.indexSize, { prefixes: 0, services: 0 });
  });

  it('churn of 1,000 Services created and deleted leaves an empty index', () => {
    const s = setup();
    for (let i = 0; i < 1000; i++) {
      const name = `svc-${i}`;
      s.eval(name, `198.51.100.${i % 60}`);
      s.view.forget(`default/${name}`);
    }
    assert.deepEqual(s.view.indexSize, { prefixes: 0, services: 0 });
  });
});
