import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { advertisedPrefixesOf, advertisedReport, expectedRoutesOf, MISSING_LISTED } from './adj-rib-out.ts';

/** The operator's golden renderings: the configs a plan really carries. */
const golden = (name: string): string => readFileSync(join(import.meta.dirname, '../../../../operator/src/frr/testdata', `${name}.frr.conf`), 'utf8');
const flat = (name: string): string[] => expectedRoutesOf(golden(name)).map((e) => `${e.vrf || '-'} ${e.neighbor} ${e.afi}: ${e.prefixes.join(' ') || '(none)'}`);

test('expectedRoutesOf reads what each session should send off the rendered frr.conf', () => {
  const cases: Array<{ desc: string; input: string; want: string[] }> = [
    { desc: 'one eBGP session', input: 'ebgp', want: ['- 192.0.2.1 ipv4: 198.51.100.10/32 198.51.100.11/32'] },
    { desc: 'a peer the advertisement does not name gets nothing (deny-only out map)', input: 'selective',
      want: ['- 192.0.2.1 ipv4: 198.51.100.10/32 198.51.100.13/32', '- 192.0.2.2 ipv4: (none)'] },
    { desc: 'a VRF session is keyed by its VRF', input: 'vrf',
      want: ['- 192.0.2.1 ipv4: 198.51.100.10/32 198.51.100.11/32', 'red 192.0.2.1 ipv4: 198.51.100.10/32 198.51.100.11/32'] },
  ];
  for (const { desc, input, want } of cases) assert.deepEqual(flat(input), want, desc);
  for (const name of ['dual-stack', 'unnumbered', 'aggregation', 'communities']) {
    const got = expectedRoutesOf(golden(name));
    assert.ok(got.length > 0 && got.some((e) => e.prefixes.length > 0), `${name}: ${JSON.stringify(got)}`);
  }
  const ds = expectedRoutesOf(golden('dual-stack'));
  assert.ok(ds.some((e) => e.afi === 'ipv6' && e.prefixes.some((p) => p.includes(':'))), `IPv6 prefixes in the ipv6 family: ${JSON.stringify(ds)}`);
});

test('a route-map is evaluated first match wins; a prefix no entry matches is denied', () => {
  const conf = [
    'ip prefix-list a seq 1 permit 198.51.100.1/32', 'ip prefix-list b seq 1 permit 198.51.100.2/32',
    'route-map n-out deny 1', ' match ip address prefix-list b', 'exit',
    'route-map n-out permit 2', ' match ip address prefix-list a', 'exit',
    'route-map n-out permit 3', ' match ip address prefix-list b', 'exit',
    'router bgp 1', ' neighbor 192.0.2.1 remote-as 2', ' address-family ipv4 unicast',
    '  network 198.51.100.1/32', '  network 198.51.100.2/32', '  network 198.51.100.3/32',
    '  neighbor 192.0.2.1 activate', '  neighbor 192.0.2.1 route-map n-out out', ' exit-address-family', 'exit',
  ].join('\n');
  assert.deepEqual(expectedRoutesOf(conf).map((e) => e.prefixes), [['198.51.100.1/32']]);
});

test('advertisedPrefixesOf reads FRR 8.4\'s answer and its no-neighbor warning', () => {
  const answer = { bgpTableVersion: 2, advertisedRoutes: { '198.51.100.10/32': { network: '198.51.100.10/32' }, '2001:DB8::1/128': {} }, totalPrefixCounter: 2 };
  assert.deepEqual([...advertisedPrefixesOf(answer) ?? []], ['198.51.100.10/32', '2001:db8::1/128']);
  assert.deepEqual([...advertisedPrefixesOf({ warning: 'No such neighbor or address family' }) ?? ['x']], []);
  assert.deepEqual([...advertisedPrefixesOf({ bgpTableVersion: 0, totalPrefixCounter: 0 }) ?? ['x']], [], 'nothing sent yet');
  assert.equal(advertisedPrefixesOf('nope'), undefined);
  assert.equal(advertisedPrefixesOf({ advertisedRoutes: 3 }), undefined);
});

test('advertisedReport counts and lists a bounded number of missing prefixes', () => {
  const prefixes = Array.from({ length: 100 }, (_, i) => `2001:db8:1::${(i + 1).toString(16)}/128`).sort();
  const e = [{ vrf: '', neighbor: '192.0.2.1', afi: 'ipv6' as const, prefixes }];
  assert.deepEqual(advertisedReport('s', e, new Set(prefixes)), { planSha256: 's', expected: 100, missingCount: 0, missing: [] });
  const half = advertisedReport('s', e, new Set(prefixes.slice(0, 50)));
  assert.deepEqual([half.expected, half.missingCount, half.missing.length], [100, 50, MISSING_LISTED]);
  assert.deepEqual(half.missing, prefixes.slice(50, 50 + MISSING_LISTED));
});
