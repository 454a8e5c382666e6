/**
 * IP allocation under create/delete churn on a real apiserver: 400 LoadBalancer Services are
 * created and 320 of them deleted (each once it has its IP) while later creates are still running
 * (32 requests in flight), so freed addresses are re-used all the time, and the operator
 * (in-process) is restarted in the middle. One watch over every Service for the whole test fails the test on ANY change of a live
 * Service's IP once set (an IP may only disappear with its Service); every Service that got an
 * IP must have exactly one `IPAllocated` event (events.k8s.io, regarding its UID), and its
 * annotation and ingress must have reached the apiserver in one write.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api } from '@kubernetes/client-node';
import { ControlPlane } from '../harness/control-plane.ts';
import { startOperator, type TestOperator } from '../harness/operator.ts';
import { runChurn, ServiceAudit, settleChurn } from '../bench/service-churn.ts';
import { prepareLoadCluster } from '../bench/service-load.ts';

const METALLB_NS = 'metallb-system';
const NS = 'churn';
const WAIT_MS = 60_000;

describe('allocation under create/delete churn with an operator restart', () => {
  let cp: ControlPlane;
  let audit: ServiceAudit;
  let op: TestOperator | undefined;

  before(async () => {
    cp = await ControlPlane.start();
    await prepareLoadCluster(cp, { metallbNamespace: METALLB_NS, serviceNamespace: NS, pool: { name: 'churn-v6', cidr: '2001:db8:100::/112' } });
    audit = new ServiceAudit(cp.kube, NS);
    await audit.start();
  });
  after(async () => {
    await op?.stop();
    await audit?.stop();
    await cp?.stop();
  });

  it('never moves a live IP, writes each allocation once and records one IPAllocated event', async (t) => {
    const start = async (identity: string): Promise<TestOperator> => {
      const o = await startOperator({ kubeConfig: cp.kubeConfig, namespace: METALLB_NS, identity, logLevel: 'info' });
      await o.waitReady(WAIT_MS);
      return o;
    };
    op = await start('churn-0');
    const report = await runChurn(cp.kubeConfig, {
      namespace: NS, creates: 400, deletes: 320, concurrency: 32, hasIngress: (name) => audit.hasIngress(name),
      midway: async () => {
        await op?.stop();
        op = await start('churn-1');
      },
    });
    const live = new Set(report.created.filter((n) => !report.deleted.includes(n)));
    const n = await settleChurn(audit, cp.kubeConfig, NS, WAIT_MS);
    const core = cp.kubeConfig.makeApiClient(CoreV1Api);
    const names = (await core.listNamespacedService({ namespace: NS })).items.map((s) => s.metadata?.name ?? '');
    assert.deepEqual(new Set(names), live, 'exactly the Services not deleted are left');
    const summary = `allocated=${n.allocated} ip_changes=${n.ipChanges} writes/svc=${n.writesPerService.toFixed(3)} events/svc=${n.eventsPerService.toFixed(3)}`;
    t.diagnostic(summary);
    assert.ok(n.allocated >= live.size, summary);
    assert.deepEqual(audit.changes.slice(0, 10), [], `live Service IPs changed (${summary})`);
    assert.deepEqual(n.wrongEventCounts.slice(0, 10), [], `Services without exactly one IPAllocated event: ${n.wrongEventCounts.length} (${summary})`);
    assert.equal(n.writesPerService, 1, `one write per allocation (${summary})`);
  });
});
