/** Parsing Nodes, EndpointSlices and Services into the facts announcementsFor decides on. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1EndpointSlice, V1Node, V1Service } from '@kubernetes/client-node';
import { configFor } from '../config/config-for.ts';
import { pool, resources } from '../testing/config-test-kit.ts';
import { nodeFactsFrom, serviceFactsFrom, serviceFactsOf, servingNodesOf } from './plan-inputs.ts';

const config = configFor(resources({ pools: [pool('p4', ['198.51.100.0/28']), pool('p6', ['2001:db8::/120'])] }), { nodesKnown: false });
assert.ok(config.ok);
const pools = config.value.pools;

describe('nodeFactsFrom', () => {
  const node = (conditions: { type: string; status: string }[], labels: Record<string, string> = {}): V1Node => ({ metadata: { name: 'n1', labels }, status: { conditions } });
  const cases = [
    { desc: 'a plain node', input: node([]), want: { networkUnavailable: false, excludedFromLoadBalancers: false } },
    { desc: 'NetworkUnavailable=True', input: node([{ type: 'NetworkUnavailable', status: 'True' }]), want: { networkUnavailable: true, excludedFromLoadBalancers: false } },
    { desc: 'NetworkUnavailable=False', input: node([{ type: 'NetworkUnavailable', status: 'False' }, { type: 'Ready', status: 'True' }]), want: { networkUnavailable: false, excludedFromLoadBalancers: false } },
    { desc: 'the exclude label, even empty', input: node([], { 'node.kubernetes.io/exclude-from-external-load-balancers': '' }), want: { networkUnavailable: false, excludedFromLoadBalancers: true } },
  ];
  for (const c of cases) {
    it(c.desc, () => {
      const f = nodeFactsFrom(c.input);
      assert.deepEqual({ networkUnavailable: f.networkUnavailable, excludedFromLoadBalancers: f.excludedFromLoadBalancers }, c.want);
      assert.equal(f.name, 'n1');
    });
  }
  it('--ignore-exclude-lb ignores the label', () => {
    assert.equal(nodeFactsFrom(node([], { 'node.kubernetes.io/exclude-from-external-load-balancers': 'true' }), { ignoreExcludeLb: true }).excludedFromLoadBalancers, false);
  });
});

describe('servingNodesOf', () => {
  type Ep = NonNullable<V1EndpointSlice['endpoints']>[number];
  const slice = (svc: string | undefined, endpoints: Ep[]): V1EndpointSlice => ({
    metadata: { namespace: 'ns', name: `${svc ?? 'x'}-1`, ...(svc === undefined ? {} : { labels: { 'kubernetes.io/service-name': svc } }) }, addressType: 'IPv4', endpoints,
  });
  const ep = (nodeName: string | undefined, conditions: Ep['conditions'], addresses = ['192.0.2.1']): Ep => ({ addresses, ...(nodeName === undefined ? {} : { nodeName }), ...(conditions === undefined ? {} : { conditions }) });
  const cases: { desc: string; input: V1EndpointSlice[]; want: Record<string, string[]> }[] = [
    { desc: 'ready unset counts', input: [slice('a', [ep('n1', undefined)])], want: { 'ns/a': ['n1'] } },
    { desc: 'ready true counts', input: [slice('a', [ep('n1', { ready: true })])], want: { 'ns/a': ['n1'] } },
    { desc: 'serving while not ready (terminating) counts', input: [slice('a', [ep('n1', { ready: false, serving: true })])], want: { 'ns/a': ['n1'] } },
    { desc: 'neither ready nor serving does not', input: [slice('a', [ep('n1', { ready: false, serving: false })])], want: { 'ns/a': [] } },
    { desc: 'no address does not', input: [slice('a', [ep('n1', { ready: true }, [])])], want: { 'ns/a': [] } },
    { desc: 'no nodeName counts for no node', input: [slice('a', [ep(undefined, { ready: true })])], want: { 'ns/a': [] } },
    { desc: 'a slice without the service label is ignored', input: [slice(undefined, [ep('n1', {})])], want: {} },
    { desc: 'slices of one Service are joined', input: [slice('a', [ep('n1', {})]), { ...slice('a', [ep('n2', {})]), metadata: { namespace: 'ns', name: 'a-2', labels: { 'kubernetes.io/service-name': 'a' } } }], want: { 'ns/a': ['n1', 'n2'] } },
  ];
  for (const c of cases) {
    it(c.desc, () => {
      const got = Object.fromEntries([...servingNodesOf(c.input)].map(([k, v]) => [k, [...v].sort()]));
      assert.deepEqual(got, c.want);
    });
  }
});

describe('serviceFactsFrom', () => {
  const svc = (spec: NonNullable<V1Service['spec']>, ips: string[], labels: Record<string, string> = {}): V1Service => ({
    metadata: { namespace: 'ns', name: 's', labels }, spec, status: { loadBalancer: { ingress: ips.map((ip) => ({ ip })) } },
  });
  const lb = { type: 'LoadBalancer' };
  const ctx = { pools, servingNodes: new Map([['ns/s', new Set(['n1'])]]) };
  const cases: { desc: string; input: V1Service; lbClass?: string; want: { pool: string; ips: string[]; local: boolean } | undefined }[] = [
    { desc: 'a LoadBalancer with an IP of a pool', input: svc(lb, ['198.51.100.3']), want: { pool: 'p4', ips: ['198.51.100.3'], local: false } },
    { desc: 'ETP=Local', input: svc({ ...lb, externalTrafficPolicy: 'Local' }, ['198.51.100.3']), want: { pool: 'p4', ips: ['198.51.100.3'], local: true } },
    { desc: 'IPv6, canonical text', input: svc(lb, ['2001:DB8::0:5']), want: { pool: 'p6', ips: ['2001:db8::5'], local: false } },
    { desc: 'not a LoadBalancer', input: svc({ type: 'ClusterIP' }, ['198.51.100.3']), want: undefined },
    { desc: 'another load-balancer class', input: svc({ ...lb, loadBalancerClass: 'other' }, ['198.51.100.3']), want: undefined },
    { desc: 'our class when one is set', input: svc({ ...lb, loadBalancerClass: 'ours' }, ['198.51.100.3']), lbClass: 'ours', want: { pool: 'p4', ips: ['198.51.100.3'], local: false } },
    { desc: 'no ingress IP', input: svc(lb, []), want: undefined },
    { desc: 'an ingress IP that does not parse', input: svc(lb, ['198.51.100.3', 'nope']), want: undefined },
    { desc: 'an IP outside every pool', input: svc(lb, ['203.0.113.9']), want: undefined },
    { desc: 'IPs of two different pools', input: svc(lb, ['198.51.100.3', '2001:db8::5']), want: undefined },
  ];
  for (const c of cases) {
    it(c.desc, () => {
      const f = serviceFactsFrom(c.input, { ...ctx, ...(c.lbClass === undefined ? {} : { lbClass: c.lbClass }) });
      assert.deepEqual(f === undefined ? undefined : { pool: f.pool, ips: f.ips.map((i) => i.text), local: f.trafficPolicyLocal }, c.want);
      if (f !== undefined) assert.deepEqual([...f.servingNodes], ['n1']);
    });
  }
  it('serviceFactsOf joins the slices and sorts by key', () => {
    const a: V1Service = { ...svc(lb, ['198.51.100.4']), metadata: { namespace: 'ns', name: 'b' } };
    const b: V1Service = { ...svc(lb, ['198.51.100.5']), metadata: { namespace: 'ns', name: 'a' } };
    const slices: V1EndpointSlice[] = [{ metadata: { namespace: 'ns', name: 'a-1', labels: { 'kubernetes.io/service-name': 'a' } }, addressType: 'IPv4', endpoints: [{ addresses: ['192.0.2.1'], nodeName: 'n2' }] }];
    const got = serviceFactsOf([a, b], slices, { pools });
    assert.deepEqual(got.map((f) => [f.key, [...f.servingNodes]]), [['ns/a', ['n2']], ['ns/b', []]]);
  });
});
