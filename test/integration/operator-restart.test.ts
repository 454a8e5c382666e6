/**
 * Restart acceptance of IP allocation: 1,000 LoadBalancer Services get IPs, then the operator (a
 * child process) is restarted 10 times and the leader is switched once (two operators with
 * different identities, the leader stopped, the standby takes over). No Service's IP may ever
 * change or be cleared: checked against a snapshot after every restart AND by one watch over the
 * whole test, which records any change in between.
 *
 * "The new operator finished its initial pass" is proven by a marker: after each restart one new
 * Service is created and must get an IP; the operator handles Services only after its initial
 * pass, so by then every existing Service has been reconsidered. Markers must get new, distinct IPs.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CoordinationV1Api, CoreV1Api } from '@kubernetes/client-node';
import { pollUntil } from '@metallb-ts/lib/time/poll.ts';
import { ControlPlane } from '../harness/control-plane.ts';
import { logTail } from '../harness/control-plane-process.ts';
import { OperatorProcess } from '../harness/operator-process.ts';
import { createServices, IngressTracker, ingressOf, prepareLoadCluster } from '../bench/service-load.ts';

const METALLB_NS = 'metallb-system';
const NS = 'restart';
const LEASE = 'metallb-ts-controller';
const COUNT = 1000;
const RESTARTS = 10;
const WAIT_MS = 120_000;
const names = Array.from({ length: COUNT }, (_, i) => `svc-${String(i).padStart(4, '0')}`);

describe('operator restarts never change an allocated IP', () => {
  let cp: ControlPlane;
  let tracker: IngressTracker;
  const running = new Set<OperatorProcess>();
  /** name → ingress after the first allocation. */
  let snapshot = new Map<string, string>();
  /** Marker name → its IP, in creation order. */
  const markers = new Map<string, string>();

  const startOperator = async (identity: string): Promise<OperatorProcess> => {
    const op = await OperatorProcess.start({ kubeconfigPath: cp.kubeconfigPath, namespace: METALLB_NS, identity, logFile: join(cp.dir, `operator-${identity}.log`) });
    running.add(op);
    return op;
  };
  const stopOperator = async (op: OperatorProcess): Promise<void> => {
    await op.stop();
    running.delete(op);
  };
  /** Ingress of every Service, read from the API (not from the watch). */
  const listIngress = async (): Promise<Map<string, string>> => {
    const list = await cp.kubeConfig.makeApiClient(CoreV1Api).listNamespacedService({ namespace: NS });
    return new Map(list.items.map((s) => [s.metadata?.name ?? '', ingressOf(s)]));
  };
  const leaseHolder = async (): Promise<string | undefined> => {
    const lease = await cp.kubeConfig.makeApiClient(CoordinationV1Api).readNamespacedLease({ name: LEASE, namespace: METALLB_NS });
    return lease.spec?.holderIdentity ?? undefined;
  };
  /** Creates a marker Service and waits for its IP: the operator leads and finished its initial pass. */
  const marker = async (name: string): Promise<void> => {
    await createServices(cp.kubeConfig, { namespace: NS, names: [name] });
    const logs = (): string => [...running].map((op) => `--- ${op.logFile}\n${logTail(op.logFile)}`).join('\n');
    assert.equal(await tracker.waitForIngress([name], WAIT_MS), true, `marker ${name} got no IP within ${String(WAIT_MS)} ms\n${logs()}`);
    markers.set(name, tracker.ingress(name));
  };
  /** Every snapshotted Service still has exactly its first IP, now and at every moment in between. */
  const assertNoIpChanged = async (when: string): Promise<void> => {
    const now = await listIngress();
    const diffs = [...snapshot].filter(([n, ip]) => now.get(n) !== ip).map(([n, ip]) => `${n}: ${ip} -> ${now.get(n) ?? '(gone)'}`);
    assert.deepEqual(diffs, [], `IPs changed ${when}`);
    assert.deepEqual(tracker.changes, [], `the watch saw IPs change or vanish ${when}`);
  };

  before(async () => {
    cp = await ControlPlane.start();
    await prepareLoadCluster(cp, { metallbNamespace: METALLB_NS, serviceNamespace: NS, pool: { name: 'restart-v6', cidr: '2001:db8:100::/112' } });
    tracker = new IngressTracker(cp.kube, NS);
    await tracker.start();
  });
  after(async () => {
    await Promise.all([...running].map((op) => op.stop()));
    await tracker?.stop();
    await cp?.stop();
  });

  it(`allocates ${String(COUNT)} distinct IPs`, async () => {
    await startOperator('op-0');
    await createServices(cp.kubeConfig, { namespace: NS, names, concurrency: 16 });
    assert.equal(await tracker.waitForIngress(names, WAIT_MS), true, `only ${String(tracker.countWithIngress(names))} of ${String(COUNT)} got an IP`);
    snapshot = await listIngress();
    assert.equal(snapshot.size, COUNT);
    assert.equal(new Set(snapshot.values()).size, COUNT, 'every Service has its own IP');
    assert.ok([...snapshot.values()].every((ip) => ip.startsWith('2001:db8:100::')), 'every IP is from the pool');
  });

  it(`keeps every IP across ${String(RESTARTS)} operator restarts`, async () => {
    let op = [...running][0];
    assert.ok(op !== undefined, 'the first operator runs');
    for (let i = 1; i <= RESTARTS; i++) {
      await stopOperator(op);
      op = await startOperator(`op-${String(i)}`);
      await marker(`marker-${String(i)}`);
      await assertNoIpChanged(`after restart ${String(i)}`);
    }
    assert.equal(await leaseHolder(), `op-${String(RESTARTS)}`);
  });

  it('keeps every IP when the leader changes to a standby operator', async () => {
    const leader = [...running][0];
    assert.ok(leader !== undefined && running.size === 1, 'exactly one operator runs');
    await startOperator('standby');
    // The standby must not take over while the leader runs; a marker shows the leader still serves.
    await marker('marker-while-standby');
    assert.equal(await leaseHolder(), `op-${String(RESTARTS)}`);
    await stopOperator(leader);
    const took = await pollUntil(async () => ((await leaseHolder()) === 'standby' ? true : undefined), { timeoutMs: WAIT_MS, intervalMs: 200 });
    assert.ok(took.ok, 'the standby holds the Lease after the leader stopped');
    await marker('marker-after-switch');
    await assertNoIpChanged('after the leader switch');
  });

  it('gave every marker a new IP of its own', () => {
    assert.equal(markers.size, RESTARTS + 2);
    const ips = [...markers.values()];
    const taken = new Set(snapshot.values());
    assert.deepEqual(ips.filter((ip) => ip === '' || taken.has(ip)), [], 'marker IPs are non-empty and not used by the first Services');
    assert.equal(new Set(ips).size, ips.length, 'marker IPs are pairwise distinct');
  });
});
