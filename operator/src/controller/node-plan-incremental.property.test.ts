/**
 * Differential property: the NodePlan pipeline kept across changes (PlanInputs' per-object
 * parse cache, each node's announcement and prefix-class memos, the fingerprint cache) writes
 * exactly the plans and Secrets that a pipeline built from scratch writes for the same objects,
 * after every step of a random sequence of Service, EndpointSlice, Node and Config changes. The
 * incremental path may only be faster, never different.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { V1EndpointSlice, V1Node, V1Secret, V1Service } from '@kubernetes/client-node';
import type { NodePlan } from '@metallb-ts/lib/api/types.generated.ts';
import { decodeFrrConfig } from '@metallb-ts/lib/plan/frr-config-codec.ts';
import { captureLogger } from '@metallb-ts/lib/testing/capture-logger.ts';
import { configFor } from '../config/config-for.ts';
import type { Config } from '../config/types.ts';
import { createFrrRenderer } from '../frr/render.ts';
import { loadFrrTemplates } from '../plan/frr-templates.ts';
import { bgpAdv, peer, pool, resources } from '../testing/config-test-kit.ts';
import { FakeObjectStore } from '../testing/object-store-fake.ts';
import { PlanInputs } from './node-plan-pipeline.ts';
import { NodePlanReconciler } from './node-plan-reconciler.ts';

const render = createFrrRenderer(loadFrrTemplates());
const NODES = ['n0', 'n1', 'n2'];

/** Two configurations: the second aggregates, tags, limits a peer to rack=a and adds a password. */
function configs(): Config[] {
  const base = { pools: [pool('p4', ['198.51.100.0/28']), pool('p6', ['2001:db8:5::/124'])] };
  const a = configFor(resources({
    ...base,
    peers: [peer('r4', { myASN: 64512, peerASN: 64513, peerAddress: '192.0.2.1', dualStackAddressFamily: true }), peer('r6', { myASN: 64512, peerASN: 64512, peerAddress: '2001:db8::1' })],
    bgpAdvertisements: [bgpAdv('all'), bgpAdv('web', { serviceSelectors: [{ matchLabels: { app: 'web' } }], communities: ['64512:7'] }), bgpAdv('web-pref', { ipAddressPools: ['p6'], serviceSelectors: [{ matchLabels: { app: 'web' } }], localPref: 150 })],
  }), { nodesKnown: false });
  const b = configFor(resources({
    ...base,
    peers: [peer('r4', { myASN: 64512, peerASN: 64513, peerAddress: '192.0.2.1', password: 'pw-1' }), peer('r6', { myASN: 64512, peerASN: 64514, peerAddress: '2001:db8::1', nodeSelectors: [{ matchLabels: { rack: 'a' } }] })],
    bgpAdvertisements: [bgpAdv('agg', { aggregationLength: 30, aggregationLengthV6: 126, communities: ['large:64512:1:2'], asPathPrepend: 1, peers: ['r4'] }), bgpAdv('six', { ipAddressPools: ['p6'], localPref: 90 })],
  }), { nodesKnown: false });
  assert.ok(a.ok, JSON.stringify(a.ok ? null : a.error));
  assert.ok(b.ok, JSON.stringify(b.ok ? null : b.error));
  return [a.value, b.value];
}

/** One change to the cluster. */
type Step =
  | { readonly kind: 'service'; readonly i: number; readonly ip: number; readonly six: boolean; readonly local: boolean; readonly web: boolean }
  | { readonly kind: 'delete'; readonly i: number }
  | { readonly kind: 'endpoints'; readonly i: number; readonly nodes: readonly string[] }
  | { readonly kind: 'node'; readonly n: number; readonly rack: 'a' | 'b'; readonly excluded: boolean }
  | { readonly kind: 'config'; readonly c: number };

// Few Services and IPs, so that steps often touch the same Service, prefix or shared IP.
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('service' as const), i: fc.nat(3), ip: fc.nat(3), six: fc.boolean(), local: fc.boolean(), web: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), i: fc.nat(3) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('endpoints' as const), i: fc.nat(3), nodes: fc.subarray(NODES) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('node' as const), n: fc.nat(NODES.length - 1), rack: fc.constantFrom('a' as const, 'b' as const), excluded: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('config' as const), c: fc.nat(1) }) },
);

/** The cluster as an informer cache holds it: a changed object is replaced, never mutated. */
class Cluster {
  services = new Map<number, V1Service>();
  slices = new Map<number, V1EndpointSlice>();
  nodes = new Map<string, V1Node>(NODES.map((n) => [n, { metadata: { name: n, uid: `uid-${n}`, labels: { rack: 'a' } } }]));
  config = 0;

  apply(s: Step): void {
    if (s.kind === 'service') {
      const ip = s.six ? `2001:db8:5::${(s.ip + 1).toString(16)}` : `198.51.100.${s.ip + 1}`;
      this.services.set(s.i, {
        metadata: { namespace: 'ns', name: `svc-${s.i}`, labels: s.web ? { app: 'web' } : {} },
        spec: { type: 'LoadBalancer', externalTrafficPolicy: s.local ? 'Local' : 'Cluster' },
        status: { loadBalancer: { ingress: [{ ip }] } },
      });
      if (!this.slices.has(s.i)) this.apply({ kind: 'endpoints', i: s.i, nodes: NODES.slice(0, 1 + (s.ip % 3)) });
    } else if (s.kind === 'delete') {
      this.services.delete(s.i);
      this.slices.delete(s.i);
    } else if (s.kind === 'endpoints') {
      this.slices.set(s.i, {
        metadata: { namespace: 'ns', name: `svc-${s.i}-x`, labels: { 'kubernetes.io/service-name': `svc-${s.i}` } },
        addressType: 'IPv4', endpoints: s.nodes.map((n, k) => ({ addresses: [`203.0.113.${k + 1}`], nodeName: n, conditions: { ready: true } })),
      });
    } else if (s.kind === 'node') {
      const name = NODES[s.n] ?? 'n0';
      const labels: Record<string, string> = { rack: s.rack, ...(s.excluded ? { 'node.kubernetes.io/exclude-from-external-load-balancers': '' } : {}) };
      this.nodes.set(name, { metadata: { name, uid: `uid-${name}`, labels } });
    } else this.config = s.c;
  }
}

/** A pipeline over the cluster: its PlanInputs, reconciler and stores. */
function pipelineOver(cluster: Cluster, all: readonly Config[]) {
  const inputs = new PlanInputs({ services: () => [...cluster.services.values()], slices: () => [...cluster.slices.values()] });
  const plans = new FakeObjectStore<NodePlan & { metadata?: object }>();
  const secrets = new FakeObjectStore<V1Secret>();
  const r = new NodePlanReconciler({
    namespace: 'metallb-system', node: (n) => cluster.nodes.get(n), snapshot: () => inputs.snapshot(), plans, secrets, render,
    metrics: { write: () => {}, renderFailure: () => {} }, logger: captureLogger('error').logger,
  });
  let config: Config | undefined;
  return {
    plans, secrets,
    async run(changedInputs: boolean): Promise<void> {
      const want = all[cluster.config];
      if (want !== config && want !== undefined) inputs.setConfig((config = want));
      else if (changedInputs) inputs.invalidate();
      for (const n of NODES) assert.equal(await r.reconcile(n), 'success');
    },
  };
}

/** What a store holds, comparable: specs with the decoded config text, Secret data. */
function contentOf(p: FakeObjectStore<NodePlan & { metadata?: object }>, s: FakeObjectStore<V1Secret>): unknown {
  const plans = [...p.server.values()].map((x) => {
    const text = decodeFrrConfig(x.spec.frr);
    assert.ok(text.ok);
    return { name: x.metadata?.name, spec: x.spec, text: text.value };
  });
  return { plans, secrets: [...s.server.values()].map((x) => ({ name: x.metadata?.name, data: x.data })) };
}

describe('NodePlan pipeline: incremental equals from scratch', () => {
  it('writes what a fresh pipeline writes after every step', async () => {
    const all = configs();
    await fc.assert(fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25 }), async (steps) => {
      const cluster = new Cluster();
      const kept = pipelineOver(cluster, all);
      await kept.run(true);
      for (const s of steps) {
        cluster.apply(s);
        await kept.run(true);
        const fresh = pipelineOver(cluster, all);
        await fresh.run(true);
        assert.deepEqual(contentOf(kept.plans, kept.secrets), contentOf(fresh.plans, fresh.secrets), `after ${JSON.stringify(s)}`);
      }
    }), { numRuns: 150 });
  });
});
