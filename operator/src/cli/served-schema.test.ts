import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configFor } from '../config/config-for.ts';
import { emptyResources } from '../config/resources.ts';
import type { BGPPeer } from '../config/cr-types.ts';
import { readCrds } from './files.ts';
import { asStored } from './served-schema.ts';

const crds = readCrds();
assert.ok(crds.ok, crds.ok ? '' : crds.error);

const peerV1 = (spec: Record<string, unknown>) => ({ apiVersion: 'metallb.io/v1beta1', kind: 'BGPPeer', metadata: { name: 'p', namespace: 'metallb-system' }, spec });
const base = { myASN: 64500, peerASN: 64501, peerAddress: '192.0.2.1' };

describe('asStored: the object as the apiserver stores it (crds/*.yaml)', () => {
  const cases: { desc: string; input: unknown; want: { spec?: Record<string, unknown>; apiVersion?: string; dropped: string[] } }[] = [
    {
      desc: 'v1beta1 BGPPeer: v1beta2-only fields dropped, timers default to 0s, v1beta2 defaults on read',
      input: peerV1({ ...base, keepaliveTime: '30s', vrf: 'red', interface: 'eth0', passwordSecret: { name: 's' }, dynamicASN: 'external', connectTime: '5s' }),
      want: {
        apiVersion: 'metallb.io/v1beta2',
        spec: { ...base, keepaliveTime: '30s', holdTime: '0s', peerPort: 179, disableMP: false, dualStackAddressFamily: false },
        dropped: ['spec.vrf', 'spec.interface', 'spec.passwordSecret', 'spec.dynamicASN', 'spec.connectTime'],
      },
    },
    {
      desc: 'v1beta2 BGPPeer keeps its fields and timers stay unset',
      input: { ...peerV1({ ...base, vrf: 'red' }), apiVersion: 'metallb.io/v1beta2' },
      want: { apiVersion: 'metallb.io/v1beta2', spec: { ...base, vrf: 'red', peerPort: 179, disableMP: false, dualStackAddressFamily: false }, dropped: [] },
    },
    {
      desc: 'an unknown field of another kind is dropped too',
      input: { apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: { name: 'a' }, spec: { addresses: ['192.0.2.0/24'], bogus: 1 } },
      want: { apiVersion: 'metallb.io/v1beta1', dropped: ['spec.bogus'] },
    },
    { desc: 'kinds without a CRD pass unchanged', input: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { x: 'eA==' } }, want: { apiVersion: 'v1', dropped: [] } },
  ];
  for (const c of cases) {
    it(c.desc, () => {
      assert.ok(crds.ok);
      const got = asStored(c.input, crds.value);
      const doc = got.doc as { apiVersion: string; spec?: Record<string, unknown> };
      assert.deepEqual(got.dropped, c.want.dropped);
      if (c.want.apiVersion !== undefined) assert.equal(doc.apiVersion, c.want.apiVersion);
      if (c.want.spec !== undefined) assert.deepEqual(doc.spec, c.want.spec);
    });
  }
});

describe('BGPPeer v1beta1 judged as MetalLB judges it after conversion', () => {
  const judge = (spec: Record<string, unknown>) => {
    assert.ok(crds.ok);
    const peer = asStored(peerV1(spec), crds.value).doc as BGPPeer;
    const r = configFor({ ...emptyResources, peers: [peer] });
    return r.ok ? [] : r.error.map((e) => `${e.rule} ${e.field}: ${e.message}`);
  };
  const cases: { desc: string; input: Record<string, unknown>; want: string[] }[] = [
    { desc: 'keepalive only: hold time 0, rejected', input: { ...base, keepaliveTime: '30s' }, want: ['R5 spec.keepaliveTime: invalid BGPPeer timers: invalid keepaliveTime "30s", must be lower than holdTime "0s"'] },
    { desc: 'hold only: keepalive 0, accepted', input: { ...base, holdTime: '90s' }, want: [] },
    { desc: 'dynamicASN is not in v1beta1: the peer has no peer ASN', input: { myASN: 64500, peerAddress: '192.0.2.1', dynamicASN: 'external' }, want: ['R2 spec.peerASN: missing peer ASN and dynamicASN'] },
    { desc: 'passwordSecret is not in v1beta1: nothing to look up', input: { ...base, passwordSecret: { name: 'missing' } }, want: [] },
  ];
  for (const c of cases) it(c.desc, () => assert.deepEqual(judge(c.input), c.want));
});
