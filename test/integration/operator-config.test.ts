/**
 * The operator's config handling on a real apiserver: pool deletion reallocates services (and
 * clears them when no pool is left); a broken configuration (a BGPPeer naming a missing BFD
 * profile: transient; an overlapping pool: invalid) keeps the last good config, flips the stale
 * metric and makes the `controller` ConfigurationState Invalid with an error summary and a
 * Warning event, and recovers by itself once fixed; a deleted ConfigurationState is recreated.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api, CustomObjectsApi, EventsV1Api, type V1Service } from '@kubernetes/client-node';
import { CONFIGURATIONSTATE, IPADDRESSPOOL, type ConfigurationState } from '@metallb-ts/lib/api/types.generated.ts';
import { ControlPlane } from '../harness/control-plane.ts';
import { applyYaml, startOperator, waitFor, type TestOperator } from '../harness/operator.ts';
import { installCrds } from '../harness/crds.ts';

const METALLB_NS = 'metallb-system';
const NS = 'cfg';
const POOL_ANNOTATION = 'metallb.io/ip-allocated-from-pool';

/** An IPAddressPool pinned to the test namespace. */
const pool = (name: string, addresses: readonly string[], priority: number): string => `
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: ${name}, namespace: ${METALLB_NS}}
spec:
  addresses: ${JSON.stringify(addresses)}
  serviceAllocation: {priority: ${priority}, namespaces: [${NS}]}
`;

const service = (name: string): string => JSON.stringify({
  apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: NS },
  spec: { type: 'LoadBalancer', ports: [{ port: 80, protocol: 'TCP' }] },
});

const ingressOf = (svc: V1Service): string[] => (svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? '');

describe('operator: configuration changes on a real apiserver', () => {
  let cp: ControlPlane;
  let core: CoreV1Api;
  let custom: CustomObjectsApi;
  let op: TestOperator;

  /** Waits until the Service has exactly `want` and the pool annotation `pool` (null = absent). */
  const waitService = (name: string, want: readonly string[], pool: string | null): Promise<V1Service> =>
    waitFor(`${NS}/${name} ingress ${JSON.stringify(want)} from ${String(pool)}`, async () => {
      const svc = await core.readNamespacedService({ namespace: NS, name });
      const annotated = svc.metadata?.annotations?.[POOL_ANNOTATION] ?? null;
      return ingressOf(svc).join() === want.join() && annotated === pool ? svc : undefined;
    });
  const readState = async (): Promise<ConfigurationState | undefined> => {
    try {
      return (await custom.getNamespacedCustomObject({ ...CONFIGURATIONSTATE, namespace: METALLB_NS, name: 'controller' })) as ConfigurationState;
    } catch {
      return undefined;
    }
  };
  /** Waits until the ConfigurationState shows `result`; returns it. */
  const waitState = (result: 'Valid' | 'Invalid', summary: RegExp): Promise<ConfigurationState> =>
    waitFor(`ConfigurationState ${result} matching ${summary.source}`, async () => {
      const s = await readState();
      return s?.status?.result === result && summary.test(s.status.errorSummary ?? '') ? s : undefined;
    });
  const waitStale = (want: number): Promise<number> =>
    waitFor(`config_stale_bool = ${want}`, async () => ((await op.metric('metallb_k8s_client_config_stale_bool')) === want ? want : undefined));
  const deletePool = (name: string): Promise<unknown> => custom.deleteNamespacedCustomObject({ ...IPADDRESSPOOL, namespace: METALLB_NS, name });

  before(async () => {
    cp = await ControlPlane.start();
    core = cp.kubeConfig.makeApiClient(CoreV1Api);
    custom = cp.kubeConfig.makeApiClient(CustomObjectsApi);
    await installCrds(cp.kubeConfig);
    await cp.ensureNamespace(METALLB_NS);
    await cp.ensureNamespace(NS);
    await applyYaml(cp, `${pool('first', ['198.51.100.0/28'], 1)}\n---\n${pool('second', ['203.0.113.0/28'], 2)}`);
    op = await startOperator({ kubeConfig: cp.kubeConfig, namespace: METALLB_NS });
    await op.waitReady();
  });
  after(async () => {
    await op?.stop();
    await cp?.stop();
  });

  it('starts Valid with both conditions Reconciled', async () => {
    const state = await waitState('Valid', /^$/);
    assert.equal(state.metadata?.labels?.['metallb.io/component-type'], 'controller');
    const conditions = (state.status?.conditions ?? []).map((c) => `${c.type}=${c.status}/${c.reason}`).sort();
    assert.deepEqual(conditions, ['configReconcilerValid=True/Reconciled', 'poolReconcilerValid=True/Reconciled']);
  });

  it('reallocates from the remaining pool when a pool is deleted, and clears the ingress when none is left', async () => {
    await applyYaml(cp, service('moving'));
    await waitService('moving', ['198.51.100.0'], 'first');
    await deletePool('first');
    await waitService('moving', ['203.0.113.0'], 'second');
    await deletePool('second');
    await waitService('moving', [], null);
    await applyYaml(cp, pool('second', ['203.0.113.0/28'], 2));
    await waitService('moving', ['203.0.113.0'], 'second');
  });

  it('a BGPPeer naming a missing BFD profile (transient) makes the state Invalid and stale, until the profile exists', async () => {
    await applyYaml(cp, `
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: {name: router, namespace: ${METALLB_NS}}
spec: {myASN: 64512, peerASN: 64513, peerAddress: 192.0.2.254, bfdProfile: fast}
`);
    const state = await waitState('Invalid', /BGPPeer\/router spec\.bfdProfile: .*non existing bfd profile fast/);
    const pools = state.status?.conditions?.find((c) => c.type === 'poolReconcilerValid');
    const config = state.status?.conditions?.find((c) => c.type === 'configReconcilerValid');
    assert.equal(pools?.status, 'True');
    assert.equal(config?.status, 'False');
    assert.equal(config?.reason, 'ConfigurationError');
    await waitStale(1);
    assert.equal(await op.metric('metallb_k8s_client_config_loaded_bool'), 1);
    const events = await cp.kubeConfig.makeApiClient(EventsV1Api).listNamespacedEvent({ namespace: METALLB_NS });
    assert.ok(events.items.some((e) => e.reason === 'ConfigurationError' && e.type === 'Warning' && e.regarding?.kind === 'ConfigurationState'));

    // The last good config still allocates.
    await applyYaml(cp, service('during-stale'));
    await waitService('during-stale', ['203.0.113.1'], 'second');

    await applyYaml(cp, `
apiVersion: metallb.io/v1beta1
kind: BFDProfile
metadata: {name: fast, namespace: ${METALLB_NS}}
spec: {}
`);
    await waitState('Valid', /^$/);
    await waitStale(0);
  });

  it('an overlapping pool (invalid) keeps the old pools until it is fixed', async () => {
    await applyYaml(cp, pool('overlap', ['203.0.113.8/29'], 3));
    const state = await waitState('Invalid', /IPAddressPool\/(overlap|second) spec\.addresses\[0\]: CIDR .*overlaps with already defined CIDR/);
    assert.equal(state.status?.conditions?.find((c) => c.type === 'poolReconcilerValid')?.status, 'False');
    await waitStale(1);
    await applyYaml(cp, pool('overlap', ['192.0.2.128/29'], 3));
    await waitState('Valid', /^$/);
    await waitStale(0);
    await waitService('moving', ['203.0.113.0'], 'second');
  });

  it('recreates a deleted ConfigurationState', async () => {
    const before = await waitState('Valid', /^$/);
    await custom.deleteNamespacedCustomObject({ ...CONFIGURATIONSTATE, namespace: METALLB_NS, name: 'controller' });
    const after = await waitFor('a new ConfigurationState', async () => {
      const s = await readState();
      return s !== undefined && s.metadata?.uid !== before.metadata?.uid && s.status?.result === 'Valid' ? s : undefined;
    });
    assert.equal(after.status?.errorSummary, '');
  });
});
