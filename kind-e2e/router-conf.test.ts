import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { routerFilesFor, type RouterConfError, type RouterConfOptions } from './router-conf.ts';

const BASE: RouterConfOptions = { routerAsn: 64513, nodeAsn: 64512, routerId: '192.0.2.2', neighbors: ['192.0.2.130'] };

describe('routerFilesFor', () => {
  it('one node: the whole frr.conf', () => {
    const r = routerFilesFor(BASE);
    assert.ok(r.ok);
    assert.equal(r.value['frr.conf'], [
      'frr defaults traditional',
      'hostname kind-e2e-router',
      'log stdout informational',
      'router bgp 64513',
      ' bgp router-id 192.0.2.2',
      ' no bgp ebgp-requires-policy',
      ' no bgp default ipv4-unicast',
      ' neighbor 192.0.2.130 remote-as 64512',
      ' neighbor 192.0.2.130 timers 1 3',
      ' neighbor 192.0.2.130 timers connect 1',
      ' address-family ipv4 unicast',
      '  maximum-paths 8',
      '  neighbor 192.0.2.130 activate',
      ' exit-address-family',
      'exit',
      '',
    ].join('\n'));
    assert.equal(r.value['vtysh.conf'], 'service integrated-vtysh-config\n');
  });

  it('three nodes in any order: one session each, sorted by address (not by text)', () => {
    const r = routerFilesFor({ ...BASE, neighbors: ['192.0.2.131', '192.0.2.20', '192.0.2.129'] });
    assert.ok(r.ok);
    const activated = r.value['frr.conf'].split('\n').filter((l) => l.endsWith(' activate')).map((l) => l.trim().split(' ')[1]);
    assert.deepEqual(activated, ['192.0.2.20', '192.0.2.129', '192.0.2.131']);
    const remoteAs = r.value['frr.conf'].split('\n').filter((l) => l.includes(' remote-as '));
    assert.deepEqual(remoteAs, activated.map((n) => ` neighbor ${n} remote-as 64512`));
  });

  it('daemons: bgpd enabled and listening (no -p 0: the speakers connect to the router)', () => {
    const r = routerFilesFor(BASE);
    assert.ok(r.ok);
    const lines = r.value.daemons.split('\n');
    assert.ok(lines.includes('bgpd=yes'));
    const bgpdOptions = lines.find((l) => l.startsWith('bgpd_options='));
    assert.ok(bgpdOptions !== undefined && !bgpdOptions.includes('-p'), bgpdOptions);
  });

  const rejected: { desc: string; input: Partial<RouterConfOptions>; want: Pick<RouterConfError, 'field' | 'value'> }[] = [
    { desc: 'a neighbor carrying FRR syntax', input: { neighbors: ['192.0.2.130\n!\nrouter bgp 1'] }, want: { field: 'neighbors', value: '192.0.2.130\n!\nrouter bgp 1' } },
    { desc: 'a neighbor in non-canonical form', input: { neighbors: ['192.0.2.013'] }, want: { field: 'neighbors', value: '192.0.2.013' } },
    { desc: 'an IPv6 neighbor', input: { neighbors: ['2001:db8::10'] }, want: { field: 'neighbors', value: '2001:db8::10' } },
    { desc: 'an IPv4-mapped IPv6 neighbor', input: { neighbors: ['::ffff:192.0.2.10'] }, want: { field: 'neighbors', value: '::ffff:192.0.2.10' } },
    { desc: 'no neighbor', input: { neighbors: [] }, want: { field: 'neighbors', value: '' } },
    { desc: 'a neighbor twice', input: { neighbors: ['192.0.2.130', '192.0.2.130'] }, want: { field: 'neighbors', value: '192.0.2.130,192.0.2.130' } },
    { desc: 'the router as its own neighbor', input: { neighbors: ['192.0.2.2'] }, want: { field: 'neighbors', value: '192.0.2.2' } },
    { desc: 'a router id that is not an address', input: { routerId: 'router' }, want: { field: 'routerId', value: 'router' } },
    { desc: 'AS 0', input: { routerAsn: 0 }, want: { field: 'routerAsn', value: '0' } },
    { desc: 'a fractional AS', input: { nodeAsn: 64512.5 }, want: { field: 'nodeAsn', value: '64512.5' } },
    { desc: 'an AS above 32 bits', input: { nodeAsn: 4294967296 }, want: { field: 'nodeAsn', value: '4294967296' } },
  ];
  for (const c of rejected) {
    it(`rejects ${c.desc}`, () => {
      const r = routerFilesFor({ ...BASE, ...c.input });
      assert.ok(!r.ok, 'rejected');
      assert.deepEqual({ field: r.error.field, value: r.error.value }, c.want);
      assert.equal(r.error.kind, 'invalid');
    });
  }
});
