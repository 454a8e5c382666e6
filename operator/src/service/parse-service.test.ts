import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { V1LoadBalancerIngress, V1Service } from '@kubernetes/client-node';
import { formatIp } from '@metallb-ts/lib/ip/ip.ts';
import { initialOrder, parseService } from './parse-service.ts';
import type { ParsedService } from './parsed-service.ts';
import { testService, type TestServiceSpec } from '../testing/test-services.ts';

const parse = (spec: TestServiceSpec = {}): ParsedService => parseService(testService(spec));

describe('parseService: annotations', () => {
  it('the new key wins, even when empty; old key as fallback', () => {
    const cases = [
      { desc: 'new only', input: { 'metallb.io/allow-shared-ip': 'a' }, want: 'a' },
      { desc: 'old only', input: { 'metallb.universe.tf/allow-shared-ip': 'b' }, want: 'b' },
      { desc: 'both', input: { 'metallb.io/allow-shared-ip': 'a', 'metallb.universe.tf/allow-shared-ip': 'b' }, want: 'a' },
      { desc: 'new empty', input: { 'metallb.io/allow-shared-ip': '', 'metallb.universe.tf/allow-shared-ip': 'b' }, want: '' },
      { desc: 'none', input: {}, want: '' },
    ];
    for (const { desc, input, want } of cases) assert.equal(parse({ annotations: input }).sharingKey, want, desc);
  });

  it('address-pool, the pool written, and the deprecated keys (sorted)', () => {
    const cases = [
      { desc: 'none', input: {}, want: { requestedPool: '', allocatedPool: null, deprecatedAnnotations: [] } },
      {
        desc: 'old-prefix pool request, pool written',
        input: { 'metallb.universe.tf/address-pool': 'b', 'metallb.io/ip-allocated-from-pool': 'b' },
        want: { requestedPool: 'b', allocatedPool: 'b', deprecatedAnnotations: ['metallb.universe.tf/address-pool'] },
      },
      {
        desc: 'several deprecated keys, sorted; other annotations ignored',
        input: { 'metallb.universe.tf/loadBalancerIPs': '', 'metallb.universe.tf/allow-shared-ip': 'k', 'example.com/x': 'y', 'metallb.io/address-pool': 'p' },
        want: { requestedPool: 'p', allocatedPool: null, deprecatedAnnotations: ['metallb.universe.tf/allow-shared-ip', 'metallb.universe.tf/loadBalancerIPs'] },
      },
    ];
    for (const { desc, input, want } of cases) {
      const p = parse({ annotations: input });
      assert.deepEqual({ requestedPool: p.requestedPool, allocatedPool: p.allocatedPool, deprecatedAnnotations: p.deprecatedAnnotations }, want, desc);
    }
  });
});

describe('parseService: spec', () => {
  it('backend key: ETP Local → sorted selector string; Cluster → empty', () => {
    const cases = [
      { desc: 'local', input: { etp: 'Local' as const, selector: { b: '2', a: '1' } }, want: 'a=1,b=2' },
      { desc: 'cluster', input: { etp: 'Cluster' as const, selector: { a: '1' } }, want: '' },
      { desc: 'local, empty selector', input: { etp: 'Local' as const, selector: {} }, want: '' },
    ];
    for (const { desc, input, want } of cases) assert.equal(parse(input).backendKey, want, desc);
  });

  it('ports: protocol defaults to TCP', () => {
    assert.deepEqual(parse({ ports: [{ port: 80 }, { port: 53, protocol: 'UDP' }] }).ports, [
      { protocol: 'TCP', port: 80 },
      { protocol: 'UDP', port: 53 },
    ]);
  });

  it('requested addresses (MetalLB getDesiredLbIPs), errors as values', () => {
    const show = (r: ParsedService['requestedIps']): string =>
      !r.ok ? r.error : r.value === undefined ? 'none' : `${r.value.family}:${r.value.ips.map((x) => formatIp(x.family, x.value)).join(',')}`;
    const cases = [
      { desc: 'nothing', input: {}, want: 'none' },
      { desc: 'spec', input: { lbIP: '10.0.0.1' }, want: 'ipv4:10.0.0.1' },
      { desc: 'old annotation', input: { annotations: { 'metallb.universe.tf/loadBalancerIPs': 'fd00::1' } }, want: 'ipv6:fd00::1' },
      { desc: 'annotation, dual, trimmed', input: { annotations: { 'metallb.io/loadBalancerIPs': ' 10.0.0.1 , fd00::1' } }, want: 'dual:10.0.0.1,fd00::1' },
      { desc: 'bad annotation', input: { annotations: { 'metallb.io/loadBalancerIPs': '10.0.0.1,nope' } }, want: 'invalid metallb.io/loadBalancerIPs: "10.0.0.1,nope"' },
      { desc: 'bad spec', input: { lbIP: 'nope' }, want: 'invalid spec.loadBalancerIP "nope"' },
      { desc: 'same family twice', input: { annotations: { 'metallb.io/loadBalancerIPs': '10.0.0.1,10.0.0.2' } }, want: 'IPFamilyForAddresses: same address family ["10.0.0.1" "10.0.0.2"]' },
      {
        desc: 'both',
        input: { lbIP: '10.0.0.1', annotations: { 'metallb.io/loadBalancerIPs': '10.0.0.2' } },
        want: 'service can not have both metallb.io/loadBalancerIPs and svc.Spec.LoadBalancerIP',
      },
    ];
    for (const { desc, input, want } of cases) assert.equal(show(parse(input).requestedIps), want, desc);
  });

  it('families: clusterIPs (else clusterIP), policy (SingleStack by default), ipFamilies[0] as primary', () => {
    const cases = [
      { desc: 'defaults', input: {}, want: { family: 'ipv4', policy: 'SingleStack', primary: 'ipv4' } },
      { desc: 'ipFamilies[0] decides the primary family', input: { clusterIPs: ['fd00::1', '10.96.0.1'], families: ['IPv6', 'IPv4'], policy: 'PreferDualStack' }, want: { family: 'dual', policy: 'PreferDualStack', primary: 'ipv6' } },
      { desc: 'unknown policy reads as SingleStack', input: { policy: 'Bogus' }, want: { family: 'ipv4', policy: 'SingleStack', primary: 'ipv4' } },
      { desc: 'no clusterIPs at all', input: { clusterIPs: [] }, want: { family: 'IPFamilyForAddresses: Invalid address [""]', policy: 'SingleStack', primary: 'ipv4' } },
      { desc: 'garbage clusterIP', input: { clusterIPs: ['bogus'] }, want: { family: 'IPFamilyForAddresses: Invalid address ["bogus"]', policy: 'SingleStack', primary: 'ipv4' } },
      {
        desc: 'two of one family', input: { clusterIPs: ['10.96.0.1', '10.96.0.2'], policy: 'RequireDualStack' },
        want: { family: 'IPFamilyForAddresses: same address family ["10.96.0.1" "10.96.0.2"]', policy: 'RequireDualStack', primary: 'ipv4' },
      },
    ];
    for (const { desc, input, want } of cases) {
      const f = parse(input).families;
      assert.deepEqual({ family: f.family.ok ? f.family.value : f.family.error, policy: f.policy, primary: f.primary }, want, desc);
    }
  });

  it('class, type and traffic policy', () => {
    const pick = (p: ParsedService) => [p.loadBalancerClass, p.isLoadBalancer, p.trafficPolicyLocal];
    assert.deepEqual(pick(parse()), [undefined, true, false]);
    assert.deepEqual(pick(parse({ lbClass: 'other', type: 'ClusterIP', etp: 'Local' })), ['other', false, true]);
    assert.deepEqual(pick(parseService({ metadata: { name: 'bare' } })), [undefined, false, false]);
  });
});

describe('parseService: ingress', () => {
  const withIngress = (ingress: V1LoadBalancerIngress[]): V1Service => ({ ...testService(), status: { loadBalancer: { ingress } } });
  const cases = [
    { desc: 'none', input: withIngress([]), want: { texts: [], shown: [], family: 'IPFamilyForAddresses: invalid ips length 0 []', plain: true } },
    { desc: 'one address', input: withIngress([{ ip: '10.0.0.1' }]), want: { texts: ['10.0.0.1'], shown: ['10.0.0.1'], family: 'ipv4', plain: true } },
    { desc: 'dual', input: withIngress([{ ip: '10.0.0.1' }, { ip: '2001:db8::1' }]), want: { texts: ['10.0.0.1', '2001:db8::1'], shown: ['10.0.0.1', '2001:db8::1'], family: 'dual', plain: true } },
    { desc: 'mapped v4 shown as v4', input: withIngress([{ ip: '::ffff:10.0.0.1' }]), want: { texts: ['::ffff:10.0.0.1'], shown: ['10.0.0.1'], family: 'ipv4', plain: true } },
    {
      desc: 'unparseable: <nil>, as Go prints it', input: withIngress([{ ip: 'bogus' }]),
      want: { texts: ['bogus'], shown: ['<nil>'], family: 'IPFamilyForAddresses: Invalid address ["<nil>"]', plain: true },
    },
    { desc: 'a hostname entry is not ours', input: withIngress([{ hostname: 'lb.example' }]), want: { texts: [], shown: [], family: 'IPFamilyForAddresses: invalid ips length 0 []', plain: false } },
    { desc: 'ports on an entry', input: withIngress([{ ip: '10.0.0.1', ports: [{ port: 80, protocol: 'TCP' }] }]), want: { texts: ['10.0.0.1'], shown: ['10.0.0.1'], family: 'ipv4', plain: false } },
  ];
  for (const { desc, input, want } of cases) {
    it(desc, () => {
      const g = parseService(input).ingress;
      assert.deepEqual({ texts: g.texts, shown: g.shown, family: g.family.ok ? g.family.value : g.family.error, plain: g.plain }, want);
      assert.equal(g.ips.length, g.texts.length);
    });
  }
});

describe('parseService: identity', () => {
  it('key, uid, resourceVersion, labels', () => {
    const svc = testService({ name: 'web', ns: 'team', labels: { app: 'web' } });
    const p = parseService({ ...svc, metadata: { ...svc.metadata, uid: 'u-1', resourceVersion: '42' } });
    assert.deepEqual([p.key, p.namespace, p.name, p.uid, p.resourceVersion, p.labels], ['team/web', 'team', 'web', 'u-1', '42', { app: 'web' }]);
    assert.deepEqual([parseService({}).key, parseService({}).uid, parseService({}).resourceVersion], ['/', '', undefined]);
  });
});

describe('initialOrder', () => {
  it('held addresses first (more first), then by key', () => {
    const order = initialOrder([
      testService({ name: 'c' }),
      testService({ name: 'b', ingress: ['10.0.0.1'] }),
      testService({ name: 'a' }),
      testService({ name: 'd', ingress: ['10.0.0.2', '2001:db8::1'] }),
    ]).map((s) => s.metadata?.name);
    assert.deepEqual(order, ['d', 'b', 'a', 'c']);
  });
});
