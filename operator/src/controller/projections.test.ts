import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1Namespace, V1Node, V1Secret, V1Service } from '@kubernetes/client-node';
import { projectLabelled, projectService, projectWhole } from './projections.ts';

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
  status: { loadBalancer: { ingress: [{ ip: '2001:db8:100::5', ipMode: 'VIP' }] }, conditions: [] },
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
    assert.deepEqual(p.status, { loadBalancer: { ingress: [{ ip: '2001:db8:100::5', ipMode: 'VIP' }] } });
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
