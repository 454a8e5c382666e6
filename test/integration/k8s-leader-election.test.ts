/**
 * Leader election against a real kube-apiserver: two candidates on one Lease, exactly one leads;
 * stopping the leader releases the Lease and the other takes over.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CoordinationV1Api } from '@kubernetes/client-node';
import { LeaderElector } from '@metallb-ts/lib/k8s/leader-election.ts';
import { leaseStoreFor } from '@metallb-ts/lib/k8s/lease.ts';
import { pollUntil } from '@metallb-ts/lib/time/poll.ts';
import { ControlPlane } from '../harness/control-plane.ts';

const ref = { namespace: 'metallb-system', name: 'metallb-controller' };

describe('leader election on a real Lease', () => {
  let cp: ControlPlane;
  const electors: LeaderElector[] = [];
  const log: string[] = [];
  before(async () => {
    cp = await ControlPlane.start();
    await cp.ensureNamespace(ref.namespace);
  });
  after(async () => {
    await Promise.all(electors.map((e) => e.stop()));
    await cp?.stop();
  });

  const leaders = (): string[] => electors.flatMap((e, i) => (e.isLeader() ? [`c${i}`] : []));
  const byName = (name: string): LeaderElector | undefined => electors[Number(name.slice(1))];

  it('exactly one of two candidates leads, then the other takes over when it stops', async () => {
    for (const identity of ['c0', 'c1']) {
      const e = new LeaderElector({
        store: leaseStoreFor(cp.kube, ref), ref, identity,
        leaseDurationMs: 3_000, renewDeadlineMs: 2_000, retryPeriodMs: 200,
        onStartedLeading: () => log.push(`${identity} leads`), onStoppedLeading: () => log.push(`${identity} stops`),
      });
      electors.push(e);
      e.start();
    }
    const first = await pollUntil(() => leaders()[0], { timeoutMs: 10_000 });
    assert.ok(first.ok, 'a leader within 10 s');
    // Over several renew periods the other candidate must never lead too.
    const dual = await pollUntil(() => (leaders().length > 1 ? leaders() : undefined), { timeoutMs: 1_500, intervalMs: 20 });
    assert.equal(dual.ok, false, `two leaders at once: ${JSON.stringify(dual)}`);

    const leaseApi = cp.kubeConfig.makeApiClient(CoordinationV1Api);
    assert.equal((await leaseApi.readNamespacedLease(ref)).spec?.holderIdentity, first.value);

    await byName(first.value)?.stop();
    const other = first.value === 'c0' ? 'c1' : 'c0';
    const next = await pollUntil(() => (byName(other)?.isLeader() === true ? other : undefined), { timeoutMs: 5_000 });
    assert.ok(next.ok, `${other} takes over within 5 s; log: ${log.join(', ')}`);
    const lease = await leaseApi.readNamespacedLease(ref);
    assert.equal(lease.spec?.holderIdentity, other);
    assert.equal(lease.spec?.leaseTransitions, 1);
    assert.deepEqual(log, [`${first.value} leads`, `${first.value} stops`, `${other} leads`]);
  });
});
