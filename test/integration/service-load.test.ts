/**
 * The load generator and the ingress tracker against a bare kube-apiserver (no operator): the
 * test writes Service status itself, so it can show that the tracker records first-ingress times
 * and — what the operator-restart test relies on — detects an ingress that changes or is cleared.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api } from '@kubernetes/client-node';
import { pollUntil } from '@metallb-ts/lib/time/poll.ts';
import { ControlPlane } from '../harness/control-plane.ts';
import { createServices, createToIngressMs, IngressTracker } from '../bench/service-load.ts';

const NS = 'load';
const COUNT = 60;
const names = Array.from({ length: COUNT }, (_, i) => `svc-${String(i).padStart(3, '0')}`);
const ipOf = (i: number): string => `2001:db8:100::${(i + 1).toString(16)}`;

describe('service load generator and ingress tracker (bare apiserver)', () => {
  let cp: ControlPlane;
  let core: CoreV1Api;
  let tracker: IngressTracker;
  /** Writes `ip` (or no ingress) into a Service's status, as the operator would. */
  const setIngress = async (name: string, ip: string | undefined): Promise<void> => {
    const svc = await core.readNamespacedService({ namespace: NS, name });
    svc.status = { loadBalancer: ip === undefined ? {} : { ingress: [{ ip }] } };
    await core.replaceNamespacedServiceStatus({ namespace: NS, name, body: svc });
  };

  before(async () => {
    cp = await ControlPlane.start();
    core = cp.kubeConfig.makeApiClient(CoreV1Api);
    await cp.ensureNamespace(NS);
    tracker = new IngressTracker(cp.kube, NS);
    await tracker.start();
  });
  after(async () => {
    await tracker?.stop();
    await cp?.stop();
  });

  it('creates IPv6 LoadBalancer Services with bounded concurrency', async () => {
    const report = await createServices(cp.kubeConfig, { namespace: NS, names, concurrency: 8 });
    assert.deepEqual([...report.requestedAt.keys()].sort(), names);
    const listed = await core.listNamespacedService({ namespace: NS });
    assert.equal(listed.items.length, COUNT);
    assert.ok(listed.items.every((s) => s.spec?.type === 'LoadBalancer' && s.spec.clusterIPs?.[0]?.includes(':') === true));
  });

  it('records the first ingress of every Service and a latency for each', async () => {
    assert.equal(tracker.countWithIngress(names), 0);
    await Promise.all(names.map((n, i) => setIngress(n, ipOf(i))));
    assert.equal(await tracker.waitForIngress(names, 20_000), true, `only ${String(tracker.countWithIngress(names))} of ${String(COUNT)}`);
    assert.equal(tracker.ingress('svc-002'), ipOf(2));
    const report = await createServices(cp.kubeConfig, { namespace: NS, names: ['late'] });
    await setIngress('late', '2001:db8:100::ffff');
    assert.equal(await tracker.waitForIngress(['late'], 20_000), true);
    const lat = createToIngressMs(report.requestedAt, tracker.firstIngressAt);
    assert.equal(lat.length, 1);
    assert.ok((lat[0] ?? -1) >= 0, `latency ${String(lat[0])} is non-negative`);
    assert.deepEqual(tracker.changes, [], 'setting an ingress the first time is not a change');
  });

  it('detects an ingress that changes and one that is cleared', async () => {
    await setIngress('svc-000', '2001:db8:100::aaaa');
    await setIngress('svc-001', undefined);
    const two = await pollUntil(() => (tracker.changes.length >= 2 ? true : undefined), { timeoutMs: 20_000 });
    assert.ok(two.ok, `changes seen: ${JSON.stringify(tracker.changes)}`);
    assert.deepEqual(tracker.changes.map(({ name, from, to }) => ({ name, from, to })), [
      { name: 'svc-000', from: ipOf(0), to: '2001:db8:100::aaaa' },
      { name: 'svc-001', from: ipOf(1), to: '' },
    ]);
  });
});
