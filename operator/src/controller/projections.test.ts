import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1Namespace, V1Node, V1Secret, V1Service } from '@kubernetes/client-node';
import { Allocator } from '../allocator/allocator.ts';
import { convergeService } from '../allocator/converge-service.ts';
import { parseService } from '../service/parse-service.ts';
import { testPool } from '../testing/test-pools.ts';
import { testService, type TestServiceSpec } from '../testing/test-services.ts';
import { projectLabelled, projectNode, projectService, projectWhole } from './projections.ts';

const managedFields = [{ manager: 'kubectl', operation: 'Update', apiVersion: 'v1', fieldsV1: { 'f:spec': { 'f:ports': {} } } }];

/** A Service as the apiserver returns it, with fields the operator never reads. */
const fullService = (over: Partial<V1Service['spec']> = {}): V1Service => ({
  apiVersion: 'v1', kind: 'Service',
  metadata: {
    name: 'web', namespace: 'team', uid: 'u-1', resourceVersion: '12', generation: 1, creationTimestamp: new Date(0),
    labels: { app: 'web' }, managedFields,
    annotations: {
      'metallb.io/address-pool': 'blue', 'metallb.universe.tf/allow-shared-ip': 'k', 'metallb.io/ip-allocated-from-pool': 'blue',
      'kubectl.kubernetes.io/last-applied-configuration': '{"huge":true}', 'example.com/other': 'x',
    },
  },
  spec: {
    type: 'LoadBalancer', loadBalancerClass: 'metallb', clusterIP: '2001:db8::1', clusterIPs: ['2001:db8::1'],
    ipFamilies: ['IPv6'], ipFamilyPolicy: 'SingleStack', loadBalancerIP: '2001:db8:100::5', externalTrafficPolicy: 'Cluster',
    selector: { app: 'web' }, sessionAffinity: 'None', internalTrafficPolicy: 'Cluster',
    ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 30080 }],
    ...over,
  },
  status: {
    loadBalancer: { ingress: [{ ip: '2001:db8:100::5', ipMode: 'VIP' }] },
    conditions: [{ type: 'example.com/Ready', status: 'True', reason: 'Ok', message: '', lastTransitionTime: new Date(0) }],
  },
});

describe('projectService', () => {
  it('keeps every field the operator reads', () => {
    const p = projectService(fullService());
    assert.deepEqual(p.metadata, {
      name: 'web', namespace: 'team', uid: 'u-1', resourceVersion: '12', labels: { app: 'web' },
      annotations: { 'metallb.io/address-pool': 'blue', 'metallb.universe.tf/allow-shared-ip': 'k', 'metallb.io/ip-allocated-from-pool': 'blue' },
    });
    assert.deepEqual(p.spec, {
      type: 'LoadBalancer', loadBalancerClass: 'metallb', clusterIP: '2001:db8::1', clusterIPs: ['2001:db8::1'],
      ipFamilies: ['IPv6'], ipFamilyPolicy: 'SingleStack', loadBalancerIP: '2001:db8:100::5', externalTrafficPolicy: 'Cluster',
      ports: [{ protocol: 'TCP', port: 80 }],
    });
    assert.deepEqual(p.status, {
      loadBalancer: { ingress: [{ ip: '2001:db8:100::5', ipMode: 'VIP' }] },
      // Every condition, not only ours: a merge patch of the list must keep the others'.
      conditions: [{ type: 'example.com/Ready', status: 'True', reason: 'Ok', message: '', lastTransitionTime: new Date(0) }],
    });
  });

  it('drops managedFields, foreign annotations and unread spec fields', () => {
    const p = projectService(fullService());
    assert.equal(p.metadata?.managedFields, undefined);
    assert.equal(p.metadata?.annotations?.['kubectl.kubernetes.io/last-applied-configuration'], undefined);
    assert.equal(p.metadata?.annotations?.['example.com/other'], undefined);
    assert.equal(p.spec?.sessionAffinity, undefined);
    assert.equal(p.spec?.ports?.[0]?.nodePort, undefined);
  });

  it('keeps the selector only under externalTrafficPolicy Local (the only case it is read)', () => {
    assert.equal(projectService(fullService()).spec?.selector, undefined);
    assert.deepEqual(projectService(fullService({ externalTrafficPolicy: 'Local' })).spec?.selector, { app: 'web' });
  });

  it('a Service without annotations, spec or status stays without them', () => {
    assert.deepEqual(projectService({ metadata: { name: 'a', namespace: 'n', resourceVersion: '1' } }), { metadata: { name: 'a', namespace: 'n', resourceVersion: '1' } });
  });
});

describe('projectLabelled and projectWhole', () => {
  it('a Node keeps its name, labels and version only', () => {
    const node: V1Node = { metadata: { name: 'n1', uid: 'u', resourceVersion: '3', labels: { zone: 'a' }, managedFields }, status: { images: [{ names: ['big'] }] } };
    assert.deepEqual(projectLabelled(node), { metadata: { name: 'n1', uid: 'u', resourceVersion: '3', labels: { zone: 'a' } } });
    const ns: V1Namespace = { metadata: { name: 'team', resourceVersion: '4', labels: { env: 'prod' }, managedFields } };
    assert.deepEqual(projectLabelled(ns), { metadata: { name: 'team', resourceVersion: '4', labels: { env: 'prod' } } });
  });

  it('a Node for the plan pipeline also keeps its NetworkUnavailable condition, nothing else of its status', () => {
    const down = { type: 'NetworkUnavailable', status: 'True' };
    const node: V1Node = {
      metadata: { name: 'n1', uid: 'u', resourceVersion: '3', labels: { zone: 'a' }, managedFields },
      status: { images: [{ names: ['big'] }], conditions: [{ type: 'Ready', status: 'True' }, down] },
    };
    assert.deepEqual(projectNode(node), { metadata: { name: 'n1', uid: 'u', resourceVersion: '3', labels: { zone: 'a' } }, status: { conditions: [down] } });
    assert.deepEqual(projectNode({ metadata: { name: 'n2' }, status: { conditions: [{ type: 'Ready', status: 'True' }] } }), { metadata: { name: 'n2' } });
  });

  it('a Secret keeps its data and other annotations, without managedFields or the last-applied copy', () => {
    const secret: V1Secret = {
      metadata: { name: 's', namespace: 'metallb-system', resourceVersion: '5', managedFields, annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}', keep: 'me' } },
      type: 'Opaque', data: { password: 'cGFzcw==' },
    };
    assert.deepEqual(projectWhole(secret), { metadata: { name: 's', namespace: 'metallb-system', resourceVersion: '5', annotations: { keep: 'me' } }, type: 'Opaque', data: { password: 'cGFzcw==' } });
    const plain: V1Secret = { metadata: { name: 'p' }, data: {} };
    assert.equal(projectWhole(plain), plain);
  });
});

describe('projectService against the allocator', () => {
  // Every case converges twice, once with the full Service and once with its projection, on
  // identically prepared allocators: a field the allocator reads but the projection dropped shows
  // up as a different decision.
  const V4 = testPool('a-v4', ['192.0.2.0/30']);
  const V6 = testPool('b-v6', ['2001:db8:6::/126']);
  const SHARED = { 'metallb.io/allow-shared-ip': 'k' };
  const cases: ReadonlyArray<{ name: string; before?: TestServiceSpec[]; svc: TestServiceSpec }> = [
    { name: 'plain allocation', svc: {} },
    { name: 'keeps its ingress', svc: { ingress: ['192.0.2.2'] } },
    { name: 'pool annotation', svc: { annotations: { 'metallb.io/address-pool': 'b-v6' }, families: ['IPv6'], clusterIPs: ['2001:db8::a'] } },
    { name: 'deprecated annotation warns', svc: { annotations: { 'metallb.universe.tf/address-pool': 'a-v4' } } },
    { name: 'requested IP in spec', svc: { lbIP: '192.0.2.1' } },
    { name: 'both spec IP and annotation: error', svc: { lbIP: '192.0.2.1', annotations: { 'metallb.io/loadBalancerIPs': '192.0.2.2' } } },
    { name: 'class filter', svc: { lbClass: 'other' } },
    { name: 'sharing, ports differ', before: [{ name: 'a', annotations: SHARED, ports: [{ port: 80 }] }], svc: { name: 'b', annotations: SHARED, ports: [{ port: 443 }] } },
    { name: 'sharing, same port conflicts', before: [{ name: 'a', annotations: SHARED }], svc: { name: 'b', annotations: SHARED } },
    { name: 'sharing under Local needs equal selectors', before: [{ name: 'a', annotations: SHARED, etp: 'Local', ports: [{ port: 80 }] }], svc: { name: 'b', annotations: SHARED, etp: 'Local', selector: { app: 'other' }, ports: [{ port: 81 }] } },
    { name: 'dual stack requested', svc: { policy: 'RequireDualStack', families: ['IPv4', 'IPv6'], clusterIPs: ['10.96.0.1', '2001:db8::1'] } },
    { name: 'not a LoadBalancer', svc: { type: 'ClusterIP', ingress: ['192.0.2.3'] } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const decide = (view: (s: V1Service) => V1Service) => {
        const alloc = new Allocator();
        alloc.setPools([V4, V6]);
        for (const b of c.before ?? []) convergeService(parseService(view(testService(b))), alloc);
        return convergeService(parseService(view(testService(c.svc))), alloc);
      };
      assert.deepEqual(decide(projectService), decide((s) => s));
    });
  }
});
