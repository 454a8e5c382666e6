/**
 * The supervised informer against a real kube-apiserver: add/update/delete through the watch,
 * label selectors, and recovery after the apiserver restarts (relist, diff, resync).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api, type V1ConfigMap } from '@kubernetes/client-node';
import { informerFor, objectKey, type SupervisedInformer } from '@metallb-ts/lib/k8s/informer.ts';
import { pollUntil } from '@metallb-ts/lib/time/poll.ts';
import { ControlPlane } from '../harness/control-plane.ts';

const NS = 'informer';
const LABELS = { app: 'metallb-test' };

describe('supervised informer on a real apiserver', () => {
  let cp: ControlPlane;
  let core: CoreV1Api;
  let inf: SupervisedInformer<V1ConfigMap>;
  const events: string[] = [];
  const errors: string[] = [];
  const cm = (name: string, data: Record<string, string> = {}, labels: Record<string, string> = LABELS): V1ConfigMap =>
    ({ metadata: { name, namespace: NS, labels }, data });
  /** Waits until `events` contains `want` (bounded). */
  const seen = async (want: string): Promise<void> => {
    const r = await pollUntil(() => (events.includes(want) ? true : undefined), { timeoutMs: 20_000 });
    assert.ok(r.ok, `expected event "${want}"; got ${JSON.stringify(events)}; errors ${JSON.stringify(errors)}`);
  };

  before(async () => {
    cp = await ControlPlane.start();
    core = cp.kubeConfig.makeApiClient(CoreV1Api);
    await cp.ensureNamespace(NS);
    await core.createNamespacedConfigMap({ namespace: NS, body: cm('a', { v: '1' }) });
    await core.createNamespacedConfigMap({ namespace: NS, body: cm('unlabelled', {}, {}) });
    inf = informerFor(cp.kube, { path: `/api/v1/namespaces/${NS}/configmaps`, labelSelector: 'app=metallb-test' });
    for (const ev of ['add', 'update', 'delete'] as const) inf.on(ev, (o) => events.push(`${ev} ${objectKey(o)}`));
    inf.on('resync', () => events.push('resync'));
    inf.on('error', (e) => errors.push(String(e)));
  });
  after(async () => {
    await inf?.stop();
    await cp?.stop();
  });

  it('syncs the initial list, honouring the label selector', async () => {
    await inf.start();
    assert.equal(inf.hasSynced(), true);
    assert.deepEqual(inf.list().map(objectKey), [`${NS}/a`]);
  });

  it('sees add, update and delete through the watch', async () => {
    await core.createNamespacedConfigMap({ namespace: NS, body: cm('b') });
    await seen(`add ${NS}/b`);
    await core.replaceNamespacedConfigMap({ namespace: NS, name: 'a', body: cm('a', { v: '2' }) });
    await seen(`update ${NS}/a`);
    assert.equal(inf.get('a', NS)?.data?.v, '2');
    await core.deleteNamespacedConfigMap({ namespace: NS, name: 'b' });
    await seen(`delete ${NS}/b`);
    assert.ok(!events.includes('resync'), 'no resync without a failure');
  });

  it('recovers after an apiserver restart: resync, and sees what changed meanwhile', async () => {
    await cp.restartApiserver();
    // Right after the restart the informer is typically still backing off: these changes reach
    // it either through the relist diff or through the new watch.
    await core.createNamespacedConfigMap({ namespace: NS, body: cm('c') });
    await core.deleteNamespacedConfigMap({ namespace: NS, name: 'a' });
    await seen('resync');
    await seen(`add ${NS}/c`);
    await seen(`delete ${NS}/a`);
    assert.ok(errors.length > 0, 'the outage was reported');
    assert.deepEqual(inf.list().map(objectKey), [`${NS}/c`]);
    await core.createNamespacedConfigMap({ namespace: NS, body: cm('d') });
    await seen(`add ${NS}/d`);
  });
});
