/**
 * The operator (in-process, leader election included) on a real apiserver: allocation,
 * sharing, dual-stack, pool priority, class filtering, release on deletion, IPAddressPool
 * status counters, allocator metrics and the memberlist Secret. Each case pins its pools to its
 * own namespace, so cases do not compete for addresses.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api, CustomObjectsApi, EventsV1Api, type V1Service } from '@kubernetes/client-node';
import { IPADDRESSPOOL, type IPAddressPool } from '@metallb-ts/lib/api/types.generated.ts';
import { ControlPlane } from '../harness/control-plane.ts';
import { applyYaml, startOperator, waitFor, type TestOperator } from '../harness/operator.ts';
import { installCrds } from '../harness/crds.ts';

const METALLB_NS = 'metallb-system';

/** An IPAddressPool pinned to `namespace`. */
const pool = (name: string, namespace: string, addresses: readonly string[], priority = 0): string => `
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: ${name}, namespace: ${METALLB_NS}}
spec:
  addresses: ${JSON.stringify(addresses)}
  serviceAllocation: {priority: ${priority}, namespaces: [${namespace}]}
`;

/** A LoadBalancer Service manifest (JSON is valid YAML). */
function service(ns: string, name: string, extra: { annotations?: Record<string, string>; port?: number; spec?: Record<string, unknown> } = {}): string {
  return JSON.stringify({
    apiVersion: 'v1', kind: 'Service',
    metadata: { name, namespace: ns, annotations: extra.annotations ?? {} },
    spec: { type: 'LoadBalancer', ports: [{ port: extra.port ?? 80, protocol: 'TCP' }], ...extra.spec },
  });
}

const ingressOf = (svc: V1Service | undefined): string[] => (svc?.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? '');

describe('operator: service allocation on a real apiserver', () => {
  let cp: ControlPlane;
  let core: CoreV1Api;
  let op: TestOperator;

  const read = (ns: string, name: string): Promise<V1Service> => core.readNamespacedService({ namespace: ns, name });
  /** Waits until the Service's ingress is exactly `want`. */
  const waitIngress = (ns: string, name: string, want: readonly string[]): Promise<V1Service> =>
    waitFor(`${ns}/${name} ingress ${JSON.stringify(want)}`, async () => {
      const svc = await read(ns, name);
      return ingressOf(svc).join() === want.join() ? svc : undefined;
    });
  /** Event reasons and notes regarding a Service. */
  const eventsOf = async (ns: string, name: string): Promise<string[]> => {
    const list = await cp.kubeConfig.makeApiClient(EventsV1Api).listNamespacedEvent({ namespace: ns });
    return list.items.filter((e) => e.regarding?.name === name).map((e) => `${e.type ?? ''} ${e.reason ?? ''}: ${e.note ?? ''}`);
  };
  const waitEvent = (ns: string, name: string, re: RegExp): Promise<string> =>
    waitFor(`an event ${re.source} on ${ns}/${name}`, async () => (await eventsOf(ns, name)).find((e) => re.test(e)));

  before(async () => {
    cp = await ControlPlane.start();
    core = cp.kubeConfig.makeApiClient(CoreV1Api);
    await installCrds(cp.kubeConfig);
    for (const ns of [METALLB_NS, 'alloc', 'share', 'ds', 'prio', 'del', 'cls', 'nsel']) await cp.ensureNamespace(ns);
    await applyYaml(cp, pool('alloc', 'alloc', ['192.0.2.10-192.0.2.19']));
    op = await startOperator({ kubeConfig: cp.kubeConfig, namespace: METALLB_NS });
    await op.waitReady();
  });
  after(async () => {
    await op?.stop();
    await cp?.stop();
  });

  it('gives a LoadBalancer the lowest pool IP: status, pool annotation and IPAllocated in kubectl describe', async () => {
    await applyYaml(cp, service('alloc', 'web'));
    const svc = await waitIngress('alloc', 'web', ['192.0.2.10']);
    await waitFor('the pool annotation', async () => ((await read('alloc', 'web')).metadata?.annotations?.['metallb.io/ip-allocated-from-pool'] === 'alloc' ? true : undefined));
    assert.equal(svc.spec?.type, 'LoadBalancer');
    await waitEvent('alloc', 'web', /^Normal IPAllocated: Assigned IP \["192\.0\.2\.10"\]$/);
    const described = await cp.kubectl(['describe', 'service', '-n', 'alloc', 'web']);
    assert.equal(described.exitCode, 0, described.stderr);
    assert.match(described.stdout, /LoadBalancer Ingress:\s+192\.0\.2\.10/);
    assert.match(described.stdout, /metallb\.io\/ip-allocated-from-pool: alloc/);
    assert.match(described.stdout.slice(described.stdout.indexOf('Events:')), /Normal\s+IPAllocated\s+.*metallb\.io\/controller\s+Assigned IP \["192\.0\.2\.10"\]/);
  });

  it('writes IPAddressPool status counters and the allocator gauges', async () => {
    const custom = cp.kubeConfig.makeApiClient(CustomObjectsApi);
    const status = await waitFor('alloc pool status with one assigned IPv4', async () => {
      const p = (await custom.getNamespacedCustomObject({ ...IPADDRESSPOOL, namespace: METALLB_NS, name: 'alloc' })) as IPAddressPool;
      return p.status?.assignedIPv4 === 1 ? p.status : undefined;
    });
    assert.deepEqual(status, { assignedIPv4: 1, assignedIPv6: 0, availableIPv4: 9, availableIPv6: 0 });
    assert.equal(await op.metric('metallb_allocator_addresses_in_use_total', { pool: 'alloc' }), 1);
    assert.equal(await op.metric('metallb_allocator_addresses_total', { pool: 'alloc' }), 10);
    assert.equal(await op.metric('metallb_allocator_ipv4_addresses_total', { pool: 'alloc' }), 10);
    assert.equal(await op.metric('metallb_k8s_client_config_loaded_bool'), 1);
    assert.equal(await op.metric('metallb_k8s_client_config_stale_bool'), 0);
  });

  it('shares one IP between services with the same sharing key and different ports; a port clash fails', async () => {
    await applyYaml(cp, pool('share', 'share', ['192.0.2.30-192.0.2.31']));
    const shared = (name: string, port: number): string =>
      service('share', name, { port, annotations: { 'metallb.io/allow-shared-ip': 'k1', 'metallb.io/loadBalancerIPs': '192.0.2.31' } });
    await applyYaml(cp, shared('http', 80));
    await applyYaml(cp, shared('https', 443));
    await waitIngress('share', 'http', ['192.0.2.31']);
    await waitIngress('share', 'https', ['192.0.2.31']);
    await applyYaml(cp, shared('clash', 80));
    const failed = await waitEvent('share', 'clash', /^Warning AllocationFailed:/);
    assert.match(failed, /port TCP\/80 is already in use on "192\.0\.2\.31"/);
    assert.deepEqual(ingressOf(await read('share', 'clash')), []);
  });

  it('gives RequireDualStack and PreferDualStack services one IPv4 and one IPv6 from the same pool', async () => {
    await applyYaml(cp, pool('ds', 'ds', ['192.0.2.40-192.0.2.41', '2001:db8:1::/126']));
    const dual = (name: string, policy: string): string => service('ds', name, { spec: { ipFamilyPolicy: policy, ipFamilies: ['IPv4', 'IPv6'] } });
    await applyYaml(cp, dual('require', 'RequireDualStack'));
    await waitIngress('ds', 'require', ['192.0.2.40', '2001:db8:1::']);
    await applyYaml(cp, dual('prefer', 'PreferDualStack'));
    const svc = await waitIngress('ds', 'prefer', ['192.0.2.41', '2001:db8:1::1']);
    assert.equal(svc.metadata?.annotations?.['metallb.io/ip-allocated-from-pool'], 'ds');
  });

  it('takes addresses from the pinned pool with the best (lowest non-zero) priority', async () => {
    await applyYaml(cp, `${pool('prio-late', 'prio', ['203.0.113.0/30'], 20)}\n---\n${pool('prio-first', 'prio', ['203.0.113.8/30'], 10)}`);
    await applyYaml(cp, service('prio', 'svc'));
    const svc = await waitIngress('prio', 'svc', ['203.0.113.8']);
    assert.equal(svc.metadata?.annotations?.['metallb.io/ip-allocated-from-pool'], 'prio-first');
  });

  it('lets Services request a pool whose namespaceSelectors match no namespace (as MetalLB); an exhausted pool says MetalLB\'s words', async () => {
    await applyYaml(cp, `
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: nsel, namespace: ${METALLB_NS}}
spec:
  addresses: [198.51.100.40/31]
  serviceAllocation: {namespaceSelectors: [{matchLabels: {no-namespace: has-this}}]}
`);
    await applyYaml(cp, service('nsel', 'by-pool', { annotations: { 'metallb.io/address-pool': 'nsel' } }));
    await waitIngress('nsel', 'by-pool', ['198.51.100.40']);
    await applyYaml(cp, service('nsel', 'by-ip', { annotations: { 'metallb.io/loadBalancerIPs': '198.51.100.41' } }));
    await waitIngress('nsel', 'by-ip', ['198.51.100.41']);
    await applyYaml(cp, service('nsel', 'exhausted', { annotations: { 'metallb.io/address-pool': 'nsel' } }));
    await waitEvent('nsel', 'exhausted', /^Warning AllocationFailed: Failed to allocate IP for "nsel\/exhausted": no available IPs in pool nsel$/);
  });

  it('frees a deleted service IP for a pending service', async () => {
    await applyYaml(cp, pool('del', 'del', ['192.0.2.50/32']));
    await applyYaml(cp, service('del', 'first'));
    await waitIngress('del', 'first', ['192.0.2.50']);
    await applyYaml(cp, service('del', 'second'));
    await waitEvent('del', 'second', /^Warning AllocationFailed: .*no available IPs/);
    await core.deleteNamespacedService({ namespace: 'del', name: 'first' });
    await waitIngress('del', 'second', ['192.0.2.50']);
  });

  it('leaves services of another loadBalancerClass untouched', async () => {
    await applyYaml(cp, pool('cls', 'cls', ['192.0.2.60/30']));
    await applyYaml(cp, service('cls', 'theirs', { spec: { loadBalancerClass: 'example.com/other' } }));
    await applyYaml(cp, service('cls', 'ours'));
    await waitIngress('cls', 'ours', ['192.0.2.60']);
    await op.replica.controller.idle();
    const theirs = await read('cls', 'theirs');
    assert.deepEqual(ingressOf(theirs), []);
    assert.equal(theirs.metadata?.annotations?.['metallb.io/ip-allocated-from-pool'], undefined);
    assert.deepEqual(await eventsOf('cls', 'theirs'), []);
  });

  it('creates the memberlist secret with a 16-byte key', async () => {
    const secret = await waitFor('the memberlist secret', () => core.readNamespacedSecret({ namespace: METALLB_NS, name: 'memberlist' }).catch(() => undefined));
    assert.equal(Buffer.from(secret.data?.['secretkey'] ?? '', 'base64').length, 16);
  });

  it('creates the memberlist secret again when it is deleted', async () => {
    const first = await waitFor('the memberlist secret', () => core.readNamespacedSecret({ namespace: METALLB_NS, name: 'memberlist' }).catch(() => undefined));
    await core.deleteNamespacedSecret({ namespace: METALLB_NS, name: 'memberlist' });
    const again = await waitFor('a new memberlist secret', async () => {
      const s = await core.readNamespacedSecret({ namespace: METALLB_NS, name: 'memberlist' }).catch(() => undefined);
      return s !== undefined && s.metadata?.uid !== first.metadata?.uid ? s : undefined;
    });
    assert.equal(Buffer.from(again.data?.['secretkey'] ?? '', 'base64').length, 16);
  });
});
