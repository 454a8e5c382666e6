/**
 * The valid fixture manifests (test/fixtures/manifests/, MetalLB documentation style) apply
 * cleanly with `kubectl apply`, the schema defaults land, and BGPPeer v1beta1 <-> v1beta2 round
 * trips keep every field with `conversion.strategy: None` (no conversion webhook needed).
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CustomObjectsApi } from '@kubernetes/client-node';
import { BGPPEER, BGPPEER_V1BETA1, IPADDRESSPOOL } from '@metallb-ts/lib/api/types.generated.ts';
import type { BGPPeer, BGPPeerV1beta1, IPAddressPool } from '@metallb-ts/lib/api/types.generated.ts';
import { ControlPlane } from '../harness/control-plane.ts';
import { installCrds, tryCreate } from '../harness/crds.ts';
import type { ResourceCoords } from '../harness/crds.ts';

const NS = 'metallb-system';
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'manifests');

describe('metallb.io manifests on a real apiserver', () => {
  let cp: ControlPlane;
  let objects: CustomObjectsApi;
  const read = async <T>(c: ResourceCoords, name: string): Promise<T> =>
    (await objects.getNamespacedCustomObject({ ...c, namespace: NS, name })) as T;

  before(async () => {
    cp = await ControlPlane.start();
    await installCrds(cp.kubeConfig);
    await cp.ensureNamespace(NS);
    objects = cp.kubeConfig.makeApiClient(CustomObjectsApi);
  });
  after(async () => {
    await cp?.stop();
  });

  for (const file of readdirSync(FIXTURES).filter((f) => f.endsWith('.yaml')).sort()) {
    it(`kubectl apply -f ${file} succeeds`, async () => {
      const r = await cp.kubectl(['apply', '-f', join(FIXTURES, file)]);
      assert.equal(r.exitCode, 0, r.stderr);
      assert.match(r.stdout, / created$/m);
      assert.doesNotMatch(r.stdout, /unchanged|configured/);
    });
  }

  it('fills the schema defaults (autoAssign, avoidBuggyIPs, peerPort, aggregation lengths)', async () => {
    await cp.kubectl(['apply', '-f', FIXTURES]);
    const pool = await read<IPAddressPool>(IPADDRESSPOOL, 'first-pool');
    assert.equal(pool.spec.autoAssign, true);
    assert.equal(pool.spec.avoidBuggyIPs, false);
    const peer = await read<BGPPeer>(BGPPEER, 'router-a');
    assert.equal(peer.spec.peerPort, 179);
    const adv = await objects.getNamespacedCustomObject({ group: 'metallb.io', version: 'v1beta1', plural: 'bgpadvertisements', namespace: NS, name: 'web-only' }) as { spec: { aggregationLength: number; aggregationLengthV6: number } };
    assert.deepEqual([adv.spec.aggregationLength, adv.spec.aggregationLengthV6], [32, 128]);
  });

  it('warns that BGPPeer v1beta1 is deprecated', async () => {
    const r = await cp.kubectl(['apply', '-f', join(FIXTURES, 'bgp.yaml')]);
    assert.match(r.stderr, /v1beta1 is deprecated, please use v1beta2/);
  });

  it('reads a peer created as v1beta1 back as v1beta2 with every field', async () => {
    const spec: BGPPeerV1beta1['spec'] = {
      myASN: 64500, peerASN: 64512, peerAddress: '198.51.100.7', sourceAddress: '198.51.100.2', peerPort: 1790,
      holdTime: '90s', keepaliveTime: '30s', routerID: '198.51.100.2', password: 'pw', bfdProfile: 'fast', ebgpMultiHop: true,
      nodeSelectors: [{ matchLabels: { rack: 'r1' }, matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }] }],
    };
    const created = await tryCreate(cp.kubeConfig, BGPPEER_V1BETA1, NS, { apiVersion: 'metallb.io/v1beta1', kind: 'BGPPeer', metadata: { name: 'from-v1beta1', namespace: NS }, spec });
    assert.ok(created.ok, created.ok ? '' : created.message);
    const v2 = await read<BGPPeer>(BGPPEER, 'from-v1beta1');
    assert.equal(v2.apiVersion, 'metallb.io/v1beta2');
    const { disableMP, dualStackAddressFamily, ...rest } = v2.spec;
    assert.deepEqual(rest, spec);
    assert.deepEqual([disableMP ?? false, dualStackAddressFamily ?? false], [false, false]);
  });

  it('stores unset v1beta1 timers as 0s, as MetalLB\'s conversion does, so a keepalive-only v1beta1 peer is refused', async () => {
    const base: BGPPeerV1beta1['spec'] = { myASN: 64500, peerASN: 64514, peerAddress: '198.51.100.8' };
    const created = await tryCreate(cp.kubeConfig, BGPPEER_V1BETA1, NS, { apiVersion: 'metallb.io/v1beta1', kind: 'BGPPeer', metadata: { name: 'v1-no-timers', namespace: NS }, spec: base });
    assert.ok(created.ok, created.ok ? '' : created.message);
    const v2 = await read<BGPPeer>(BGPPEER, 'v1-no-timers');
    assert.deepEqual([v2.spec.holdTime, v2.spec.keepaliveTime], ['0s', '0s']);
    const keepaliveOnly = await tryCreate(cp.kubeConfig, BGPPEER_V1BETA1, NS, { apiVersion: 'metallb.io/v1beta1', kind: 'BGPPeer', metadata: { name: 'v1-keepalive', namespace: NS }, spec: { ...base, keepaliveTime: '30s' } });
    assert.equal(keepaliveOnly.ok, false);
    assert.match(keepaliveOnly.ok ? '' : keepaliveOnly.message, /keepaliveTime must not be greater than holdTime/);
  });

  it('reads a peer created as v1beta2 back as v1beta1, keeping the shared fields', async () => {
    const shared: BGPPeerV1beta1['spec'] = {
      myASN: 64500, peerASN: 64513, peerAddress: '2001:db8::7', holdTime: '9s', keepaliveTime: '3s', bfdProfile: 'fast',
      nodeSelectors: [{ matchExpressions: [{ key: 'rack', operator: 'NotIn', values: ['r9'] }] }],
    };
    const only2 = { connectTime: '5s', enableGracefulRestart: true, vrf: 'red', dualStackAddressFamily: true };
    const created = await tryCreate(cp.kubeConfig, BGPPEER, NS, { apiVersion: 'metallb.io/v1beta2', kind: 'BGPPeer', metadata: { name: 'from-v1beta2', namespace: NS }, spec: { ...shared, ...only2 } });
    assert.ok(created.ok, created.ok ? '' : created.message);
    const v1 = await read<BGPPeerV1beta1>(BGPPEER_V1BETA1, 'from-v1beta2');
    assert.equal(v1.apiVersion, 'metallb.io/v1beta1');
    assert.deepEqual(v1.spec, { ...shared, peerPort: 179 }, 'v1beta1 shows the shared fields (v1beta2-only ones are pruned, as in MetalLB)');
    const v2 = await read<BGPPeer>(BGPPEER, 'from-v1beta2');
    assert.deepEqual({ ...v2.spec, disableMP: undefined }, { ...shared, ...only2, peerPort: 179, disableMP: undefined });
  });
});
