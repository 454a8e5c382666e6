/**
 * Events and status writes against a real kube-apiserver: an EventRecorder event shows up in
 * `kubectl describe service` (pinned kubectl), repeats become a series, and the StatusWriter
 * coalesces a burst of status updates to one Service into few writes ending in the last status.
 *
 * Also what a write to the `services/status` subresource persists. The operator relies on it to
 * write a Service's pool annotation and its ingress in ONE request: the Service status strategy
 * resets `spec` on a status write but keeps `metadata` changes. Pinned for PUT and merge PATCH,
 * with the refusal (409) of a stale resourceVersion and of a foreign UID, so a write never
 * lands on a newer or a re-created Service.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiException, CoreV1Api, EventsV1Api, PatchStrategy, setHeaderOptions, type V1Service } from '@kubernetes/client-node';
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

/** An IPv6 LoadBalancer Service without NodePorts. */
const service6 = (name: string): V1Service => ({
  metadata: { name, namespace: NS },
  spec: { type: 'LoadBalancer', ipFamilies: ['IPv6'], ipFamilyPolicy: 'SingleStack', allocateLoadBalancerNodePorts: false, ports: [{ port: 80, protocol: 'TCP' }] },
});

const POOL = 'metallb.io/ip-allocated-from-pool';

/** The HTTP status of a failed call, 'ok' when it succeeded. */
const codeOf = async (p: Promise<unknown>): Promise<number | 'ok'> =>
  p.then(() => 'ok' as const, (e: unknown) => (e instanceof ApiException ? e.code : Promise.reject(e)));

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
    const rec = new EventRecorder({ sink: eventSinkFor(cp.kube), reportingController: 'metallb.io/controller', reportingInstance: 'controller-0' });
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
    const writer = new StatusWriter({ port: serviceStatusPort(cp.kube), metrics, concurrency: 4 });
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

  it('a PUT to /status persists metadata.annotations with the status, and resets spec', async () => {
    const created = await core.createNamespacedService({ namespace: NS, body: service6('put') });
    const body: V1Service = {
      ...created,
      metadata: { ...created.metadata, annotations: { [POOL]: 'p1' } },
      spec: { ...created.spec, loadBalancerIP: '2001:db8::9' },
      status: { loadBalancer: { ingress: [{ ip: '2001:db8::1' }] } },
    };
    const written = await core.replaceNamespacedServiceStatus({ namespace: NS, name: 'put', body });
    const read = await core.readNamespacedService({ namespace: NS, name: 'put' });
    for (const svc of [written, read]) {
      assert.equal(svc.metadata?.annotations?.[POOL], 'p1');
      assert.deepEqual(ingressIps(svc), ['2001:db8::1']);
      assert.equal(svc.spec?.loadBalancerIP, undefined, 'a status write must not change spec');
    }
    assert.equal(written.metadata?.resourceVersion, read.metadata?.resourceVersion);

    const cleared = { ...read, metadata: { ...read.metadata, annotations: {} }, status: { loadBalancer: {} } };
    await core.replaceNamespacedServiceStatus({ namespace: NS, name: 'put', body: cleared });
    const after = await core.readNamespacedService({ namespace: NS, name: 'put' });
    assert.equal(after.metadata?.annotations?.[POOL], undefined, 'a status PUT also removes an annotation');
    assert.equal(after.status?.loadBalancer?.ingress, undefined);
  });

  it('a merge PATCH to /status persists annotations and ingress in one request', async () => {
    await core.createNamespacedService({ namespace: NS, body: service6('patch') });
    const body = { metadata: { annotations: { [POOL]: 'p2' } }, status: { loadBalancer: { ingress: [{ ip: '2001:db8::2' }] } } };
    await core.patchNamespacedServiceStatus({ namespace: NS, name: 'patch', body }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    const read = await core.readNamespacedService({ namespace: NS, name: 'patch' });
    assert.equal(read.metadata?.annotations?.[POOL], 'p2');
    assert.deepEqual(ingressIps(read), ['2001:db8::2']);
  });

  it('a PUT to /status with a stale resourceVersion or another UID is a 409', async () => {
    const first = await core.createNamespacedService({ namespace: NS, body: service6('guard') });
    await core.patchNamespacedService({ namespace: NS, name: 'guard', body: { metadata: { labels: { x: 'y' } } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    const stale = { ...first, status: { loadBalancer: { ingress: [{ ip: '2001:db8::3' }] } } };
    assert.equal(await codeOf(core.replaceNamespacedServiceStatus({ namespace: NS, name: 'guard', body: stale })), 409);

    await core.deleteNamespacedService({ namespace: NS, name: 'guard' });
    const second = await core.createNamespacedService({ namespace: NS, body: service6('guard') });
    const foreign = { ...second, metadata: { ...second.metadata, uid: first.metadata?.uid ?? '' }, status: stale.status };
    assert.equal(await codeOf(core.replaceNamespacedServiceStatus({ namespace: NS, name: 'guard', body: foreign })), 409);
    const read = await core.readNamespacedService({ namespace: NS, name: 'guard' });
    assert.equal(read.status?.loadBalancer?.ingress, undefined, 'the refused writes left no ingress');
  });
});
