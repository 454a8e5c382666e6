/**
 * The operator binary as a child process (`node operator/src/main.ts --lb-class …`): it becomes
 * ready, handles only Services of its class, serves metrics over plain HTTP, reports its RSS,
 * and on SIGTERM releases the Lease and exits.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CoordinationV1Api, CoreV1Api, type V1Service } from '@kubernetes/client-node';
import { ControlPlane } from '../harness/control-plane.ts';
import { applyYaml, waitFor } from '../harness/operator.ts';
import { installCrds } from '../harness/crds.ts';
import { OperatorProcess } from '../harness/operator-process.ts';

const METALLB_NS = 'metallb-system';
const NS = 'proc';
const CLASS = 'example.com/metallb-ts';

const service = (name: string, lbClass?: string): string => JSON.stringify({
  apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: NS },
  spec: { type: 'LoadBalancer', ports: [{ port: 80, protocol: 'TCP' }], ...(lbClass === undefined ? {} : { loadBalancerClass: lbClass }) },
});
const ingressOf = (svc: V1Service): string[] => (svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? '');

describe('operator: the binary as a child process with --lb-class', () => {
  let cp: ControlPlane;
  let op: OperatorProcess;

  before(async () => {
    cp = await ControlPlane.start();
    await installCrds(cp.kubeConfig);
    await cp.ensureNamespace(METALLB_NS);
    await cp.ensureNamespace(NS);
    await applyYaml(cp, `
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: proc, namespace: ${METALLB_NS}}
spec: {addresses: [192.0.2.70/31]}
`);
    op = await OperatorProcess.start({ kubeconfigPath: cp.kubeconfigPath, namespace: METALLB_NS, lbClass: CLASS, identity: 'proc-op' });
    await op.waitReady();
  });
  after(async () => {
    await op?.stop();
    await cp?.stop();
  });

  it('allocates only for services of its class', async () => {
    const core = cp.kubeConfig.makeApiClient(CoreV1Api);
    await applyYaml(cp, service('classless'));
    await applyYaml(cp, service('classy', CLASS));
    await waitFor('classy gets 192.0.2.70', async () => {
      const svc = await core.readNamespacedService({ namespace: NS, name: 'classy' });
      return ingressOf(svc).join() === '192.0.2.70' ? svc : undefined;
    });
    const metrics = await op.get('/metrics');
    assert.equal(metrics?.status, 200);
    // Both services exist; only ours counts as in use.
    assert.match(metrics?.body ?? '', /^metallb_allocator_addresses_in_use_total\{pool="proc"\} 1$/m);
    assert.deepEqual(ingressOf(await core.readNamespacedService({ namespace: NS, name: 'classless' })), []);
  });

  it('reports its RSS and releases the lease on SIGTERM', async () => {
    const rss = op.rssKiB();
    assert.ok(rss !== undefined && rss > 10_000, `RSS ${String(rss)} KiB`);
    const leases = cp.kubeConfig.makeApiClient(CoordinationV1Api);
    const held = await leases.readNamespacedLease({ namespace: METALLB_NS, name: 'metallb-ts-controller' });
    assert.equal(held.spec?.holderIdentity, 'proc-op');
    await op.stop();
    assert.equal(op.hasExited(), true);
    assert.equal(op.rssKiB(), undefined);
    const released = await leases.readNamespacedLease({ namespace: METALLB_NS, name: 'metallb-ts-controller' });
    assert.equal(released.spec?.holderIdentity ?? '', '');
  });
});
