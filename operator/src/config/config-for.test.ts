import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configFor } from './config-for.ts';
import { bfd, bgpAdv, community, l2, peer, pool, resources } from '../testing/config-test-kit.ts';
import type { ClusterResources } from './resources.ts';

/** JSON with bigints and Sets made printable, for byte-stability comparisons. */
const stable = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x instanceof Set ? [...x] : x));

const input: Partial<ClusterResources> = {
  pools: [pool('b', ['198.51.100.0/24']), pool('a', ['192.0.2.0/24', '2001:db8::-2001:db8::ff'])],
  peers: [peer('p2', { peerAddress: '192.0.2.2' }), peer('p1')],
  bfdProfiles: [bfd('slow'), bfd('fast', { receiveInterval: 50 })],
  communities: [community('c', [{ name: 'x', value: '1:1' }])],
  l2Advertisements: [l2('l')],
  bgpAdvertisements: [bgpAdv('z', { communities: ['x'] }), bgpAdv('y', { ipAddressPools: ['a'], localPref: 0 })],
};

describe('configFor', () => {
  it('returns every list sorted by name', () => {
    const r = configFor(resources(input));
    assert.ok(r.ok, r.ok ? '' : JSON.stringify(r.error));
    const names = Object.fromEntries(Object.entries(r.value).map(([k, v]) => [k, (v as { name: string }[]).map((x) => x.name)]));
    assert.deepEqual(names, {
      pools: ['a', 'b'], bfdProfiles: ['fast', 'slow'], peers: ['p1', 'p2'], communities: ['x'],
      bgpAdvertisements: ['y', 'z'], l2Advertisements: ['l'],
    });
  });

  it('is byte-stable whatever the input order', () => {
    const reversed = Object.fromEntries(Object.entries(input).map(([k, v]) => [k, [...(v as unknown[])].reverse()]));
    assert.equal(stable(configFor(resources(reversed))), stable(configFor(resources(input))));
  });

  it('summarises ranges and keeps entries in spec order', () => {
    const r = configFor(resources(input));
    assert.ok(r.ok);
    const a = r.value.pools[0];
    assert.deepEqual(a?.addressEntries.map((e) => e.map((c) => c.text)), [['192.0.2.0/24'], ['2001:db8::/120']]);
    assert.deepEqual(a?.cidrs.map((c) => [c.family, c.first, c.last]), [
      ['ipv4', 0xc0000200n, 0xc00002ffn], ['ipv6', 0x20010db8000000000000000000000000n, 0x20010db80000000000000000000000ffn],
    ]);
  });

  it('returns all errors sorted by object, field and rule', () => {
    const r = configFor(resources({
      pools: [pool('b', ['bad']), pool('a', [])],
      peers: [peer('p', { myASN: 0, routerID: 'x' })],
    }));
    assert.equal(r.ok, false);
    assert.deepEqual(!r.ok && r.error.map((e) => `${e.object.kind}/${e.object.name} ${e.field} ${e.rule}`), [
      'BGPPeer/p spec.myASN R1', 'BGPPeer/p spec.routerID R6',
      'IPAddressPool/a spec.addresses P2', 'IPAddressPool/b spec.addresses[0] P3',
    ]);
  });

  it('tolerates CRs without spec where the schema allows it', () => {
    const r = configFor(resources({ l2Advertisements: [{ metadata: { name: 'l' } }], bfdProfiles: [{ metadata: { name: 'b' } }], communities: [{ metadata: { name: 'c' } }] }));
    assert.ok(r.ok);
    assert.equal(r.value.l2Advertisements[0]?.interfaces.length, 0);
  });
});
