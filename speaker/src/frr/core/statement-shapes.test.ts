import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AcceptedShapes, MAX_SHAPES, shapeOf } from './statement-shapes.ts';

describe('shapeOf', () => {
  const cases = [
    { desc: 'an IPv4 network', input: '  network 198.51.100.1/32', want: '  network <ip4/len>' },
    { desc: 'an IPv6 network', input: '  no network 2001:db8:100::1a/128', want: '  no network <ip6/len>' },
    { desc: 'a neighbor by address, numbers', input: ' neighbor 2001:db8::1 timers 1 3', want: ' neighbor <ip6> timers <n> <n>' },
    { desc: 'a router with its ASN', input: 'router bgp 64512 vrf red', want: 'router bgp <n> vrf red' },
    { desc: 'names and communities stay', input: ' set community 64512:100 no-export', want: ' set community 64512:100 no-export' },
    { desc: 'a hashed prefix-list name stays', input: 'ip prefix-list mlb-ip-06de25b4 seq 2 permit 198.51.100.11/32', want: 'ip prefix-list mlb-ip-06de25b4 seq <n> permit <ip4/len>' },
  ];
  for (const c of cases) it(c.desc, () => assert.equal(shapeOf(c.input), c.want));
});

describe('AcceptedShapes', () => {
  const batch = (nets: string[]): string => ['router bgp 64512', ' address-family ipv4 unicast', ...nets.map((n) => `  network ${n}`), ' exit-address-family', 'exit', ''].join('\n');

  it('covers a batch of known shapes with other values, not one with a new statement', () => {
    const s = new AcceptedShapes();
    assert.equal(s.covers(batch(['198.51.100.1/32'])), false, 'nothing accepted yet');
    s.add(batch(['198.51.100.1/32']));
    assert.equal(s.covers(batch(['198.51.100.2/32', '198.51.100.3/32'])), true);
    assert.equal(s.covers(batch(['198.51.100.2/32']).replace('  network', '  no network')), false, 'a removal is another shape');
    assert.equal(s.covers(`${batch([])} neighbor 192.0.2.1 bogus\n`), false);
  });

  it('stays bounded, forgetting the oldest', () => {
    const s = new AcceptedShapes();
    s.add('first-shape\n');
    for (let i = 0; i < MAX_SHAPES; i++) s.add(`word-${i}x\n`);
    assert.equal(s.covers('first-shape\n'), false);
    assert.equal(s.covers(`word-${MAX_SHAPES - 1}x\n`), true);
  });

  it('clear forgets everything', () => {
    const s = new AcceptedShapes();
    s.add('exit\n');
    s.clear();
    assert.equal(s.covers('exit\n'), false);
  });
});
