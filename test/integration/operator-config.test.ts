/**
 * The operator's config handling on a real apiserver: pool deletion reallocates services (and
 * clears them when no pool is left); a broken configuration (a BGPPeer naming a missing BFD
 * profile: transient; an overlapping pool: invalid) keeps the last good config, flips the stale
 * metric and makes the `controller` ConfigurationState Invalid with an error summary and a
 * Warning event, and recovers by itself once fixed; a deleted ConfigurationState is recreated.
 *
 * Each case owns its pools (distinct CIDRs), its namespace (pools are scoped to it through
 * serviceAllocation) and its Services, and removes its config objects when done, so the cases
 * do not depend on each other's order or addresses.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api, CustomObjectsApi, EventsV1Api, type V1Service } from '@kubernetes/client-node';
import { BFDPROFILE, BGPPEER, CONFIGURATIONSTATE, IPADDRESSPOOL, type ConfigurationState } from '@metallb-ts/lib/api/types.generated.ts';
import { apiFailureOf } from '@metallb-ts/lib/k8s/api-errors.ts';
import { ControlPlane } from '../harness/control-plane.ts';
import { applyYaml, startOperator, waitFor, type TestOperator } from '../harness/operator.ts';
import { installCrds } from '../harness/crds.ts';

const METALLB_NS = 'metallb-system';
const POOL_ANNOTATION = 'metallb.io/ip-allocated-from-pool';

/** An IPAddressPool serving only namespace `ns`. */
const pool = (name: string, addresses: readonly string[], priority: number, ns: string): string => `
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: ${name}, namespace: ${METALLB_NS}}
spec:
  addresses: ${JSON.stringify(addresses)}
  serviceAllocation: {priority: ${priority}, namespaces: [${ns}]}
`;

const service = (ns: string, name: string): string => JSON.stringify({
  apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns },
  spec: { type: 'LoadBalancer', ports: [{ port: 80, protocol: 'TCP' }] },
});

const ingressOf = (svc: V1Service): string[] => (svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? '');

describe('operator: configuration changes on a real apiserver', () => {
  let cp: ControlPlane;
  let core: CoreV1Api;
  let custom: CustomObjectsApi;
  let op: TestOperator;

  /** Waits until the Service has exactly `want` and the pool annotation `pool` (null = absent). */
  const waitService = (ns: string, name: string, want: readonly string[], pool: string | null): Promise<V1Service> =>
    waitFor(`${ns}/${name} ingress ${JSON.stringify(want)} from ${String(pool)}`, async () => {
      const svc = await core.readNamespacedService({ namespace: ns, name });
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
  /** Deletes a metallb.io object; one already gone is fine (cleanup after a failed case). */
  const deleteCr = async (kind: { group: string; version: string; plural: string }, name: string): Promise<void> => {
    try {
      await custom.deleteNamespacedCustomObject({ ...kind, namespace: METALLB_NS, name });
    } catch (e) {
      if (apiFailureOf(e) !== 'not-found') throw e;
    }
  };
  const deletePool = (name: string): Promise<void> => deleteCr(IPADDRESSPOOL, name);
  /** A fresh namespace for one case. */
  const namespaceFor = async (ns: string): Promise<string> => {
    await cp.ensureNamespace(ns);
    return ns;
  };

  before(async () => {
    cp = await ControlPlane.start();
    core = cp.kubeConfig.makeApiClient(CoreV1Api);
    custom = cp.kubeConfig.makeApiClient(CustomObjectsApi);
    await installCrds(cp.kubeConfig);
    await cp.ensureNamespace(METALLB_NS);
    await applyYaml(cp, pool('base', ['198.51.100.128/28'], 1, await namespaceFor('cfg-base')));
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
    const ns = await namespaceFor('cfg-move');
    try {
      await applyYaml(cp, `${pool('move-first', ['198.51.100.0/28'], 1, ns)}\n---\n${pool('move-second', ['198.51.100.16/28'], 2, ns)}`);
      await applyYaml(cp, service(ns, 'moving'));
      await waitService(ns, 'moving', ['198.51.100.0'], 'move-first');
      await deletePool('move-first');
      await waitService(ns, 'moving', ['198.51.100.16'], 'move-second');
      await deletePool('move-second');
      await waitService(ns, 'moving', [], null);
      await applyYaml(cp, pool('move-second', ['198.51.100.16/28'], 2, ns));
      await waitService(ns, 'moving', ['198.51.100.16'], 'move-second');
    } finally {
      await deletePool('move-first');
      await deletePool('move-second');
    }
  });

  it('a BGPPeer naming a missing BFD profile (transient) makes the state Invalid and stale, until the profile exists', async () => {
    const ns = await namespaceFor('cfg-stale');
    try {
      await applyYaml(cp, pool('stale-pool', ['203.0.113.0/28'], 1, ns));
      await applyYaml(cp, service(ns, 'before-stale'));
      await waitService(ns, 'before-stale', ['203.0.113.0'], 'stale-pool');
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
      await applyYaml(cp, service(ns, 'during-stale'));
      await waitService(ns, 'during-stale', ['203.0.113.1'], 'stale-pool');

      await applyYaml(cp, `
apiVersion: metallb.io/v1beta1
kind: BFDProfile
metadata: {name: fast, namespace: ${METALLB_NS}}
spec: {}
`);
      await waitState('Valid', /^$/);
      await waitStale(0);
    } finally {
      await deleteCr(BGPPEER, 'router');
      await deleteCr(BFDPROFILE, 'fast');
      await deletePool('stale-pool');
    }
  });

  it('an overlapping pool (invalid) keeps the old pools until it is fixed', async () => {
    const ns = await namespaceFor('cfg-overlap');
    try {
      await applyYaml(cp, pool('overlap-base', ['192.0.2.0/28'], 1, ns));
      await applyYaml(cp, service(ns, 'kept'));
      await waitService(ns, 'kept', ['192.0.2.0'], 'overlap-base');
      await applyYaml(cp, pool('overlap', ['192.0.2.8/29'], 2, ns));
      const state = await waitState('Invalid', /IPAddressPool\/(overlap|overlap-base) spec\.addresses\[0\]: CIDR .*overlaps with already defined CIDR/);
      assert.equal(state.status?.conditions?.find((c) => c.type === 'poolReconcilerValid')?.status, 'False');
      await waitStale(1);
      await applyYaml(cp, pool('overlap', ['192.0.2.128/29'], 2, ns));
      await waitState('Valid', /^$/);
      await waitStale(0);
      await waitService(ns, 'kept', ['192.0.2.0'], 'overlap-base');
    } finally {
      await deletePool('overlap');
      await deletePool('overlap-base');
    }
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
