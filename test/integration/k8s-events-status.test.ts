/**
 * Events and status writes against a real kube-apiserver: an EventRecorder event shows up in
 * `kubectl describe service` (pinned kubectl), repeats become a series, and the StatusWriter
 * coalesces a burst of status updates to one Service into few writes ending in the last status.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api, EventsV1Api, type V1Service } from '@kubernetes/client-node';
import { createRegistry, k8sClientMetrics } from '@metallb-ts/lib/metrics.ts';
import { EventRecorder, eventSinkFor, type EventSubject } from '@metallb-ts/lib/k8s/events.ts';
import { serviceStatusPort, StatusWriter } from '@metallb-ts/lib/k8s/status-writer.ts';
import { ControlPlane } from '../harness/control-plane.ts';

const NS = 'events';

/** A LoadBalancer Service with one port. */
const service = (name: string): V1Service => ({
  metadata: { name, namespace: NS },
  spec: { type: 'LoadBalancer', ports: [{ port: 80, protocol: 'TCP' }] },
});

/** The Service's LoadBalancer IPs. */
const ingressIps = (svc: V1Service): string[] => (svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? '');

describe('events and status on a real apiserver', () => {
  let cp: ControlPlane;
  let core: CoreV1Api;
  before(async () => {
    cp = await ControlPlane.start();
    core = cp.kubeConfig.makeApiClient(CoreV1Api);
    await cp.ensureNamespace(NS);
  });
  after(() => cp?.stop());

  it('an event appears in kubectl describe service, and a repeat becomes a series', async () => {
    const svc = await core.createNamespacedService({ namespace: NS, body: service('web') });
    const subject: EventSubject = { apiVersion: 'v1', kind: 'Service', namespace: NS, name: 'web', uid: svc.metadata?.uid ?? '' };
    const rec = new EventRecorder({ sink: eventSinkFor(cp.kubeConfig), reportingController: 'metallb.io/controller', reportingInstance: 'controller-0' });
    const input = { type: 'Normal' as const, reason: 'IPAllocated', note: 'Assigned IP ["192.0.2.10"]' };
    const first = await rec.record(subject, input);
    assert.ok(first.ok, `create failed: ${JSON.stringify(first)}`);
    assert.deepEqual(await rec.record(subject, input), { ok: true, value: 'series' });

    const described = await cp.kubectl(['describe', 'service', '-n', NS, 'web']);
    assert.equal(described.exitCode, 0, described.stderr);
    const eventsSection = described.stdout.slice(described.stdout.indexOf('Events:'));
    assert.match(eventsSection, /Normal\s+IPAllocated\s+.*Assigned IP \["192\.0\.2\.10"\]/);

    const list = await cp.kubeConfig.makeApiClient(EventsV1Api).listNamespacedEvent({ namespace: NS });
    assert.equal(list.items.length, 1);
    assert.equal(list.items[0]?.series?.count, 2);
    assert.equal(list.items[0]?.regarding?.uid, subject.uid);
  });

  it('the status writer coalesces a burst into few writes, ending in the last status', async () => {
    await core.createNamespacedService({ namespace: NS, body: service('burst') });
    const registry = createRegistry();
    const metrics = k8sClientMetrics(registry);
    const writer = new StatusWriter({ port: serviceStatusPort(cp.kubeConfig), metrics, concurrency: 4 });
    const setIp = (ip: string) => (fresh: V1Service): V1Service | undefined =>
      ingressIps(fresh).join() === ip ? undefined : { ...fresh, status: { loadBalancer: { ingress: [{ ip }] } } };
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => writer.write(`${NS}/burst`, setIp(`192.0.2.${i + 1}`))));
    for (const r of results) assert.ok(r.ok, JSON.stringify(r));

    const writes = (await metrics.updates.get()).values[0]?.value ?? 0;
    assert.ok(writes >= 1 && writes <= 3, `50 updates coalesced into ${writes} writes`);
    assert.equal((await metrics.updateErrors.get()).values[0]?.value ?? 0, 0);
    const final = await core.readNamespacedServiceStatus({ namespace: NS, name: 'burst' });
    assert.deepEqual(ingressIps(final), ['192.0.2.50']);
  });
});
