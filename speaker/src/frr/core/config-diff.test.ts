import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { configTextArb } from '../testing/config-arb.ts';
import { applyBatch } from '../testing/config-model.ts';
import { diffConfig } from './config-diff.ts';
import { canonicalText, normaliseConfig, sameConfig } from './config-normalise.ts';
import { parseConfig } from './config-tree.ts';

const conf = (...lines: string[]): string => `${lines.join('\n')}\n`;

const BASE = conf(
  'router bgp 64512',
  ' bgp router-id 192.0.2.10',
  ' no bgp default ipv4-unicast',
  ' neighbor 192.0.2.1 remote-as 64513',
  ' neighbor 192.0.2.1 timers 1 3',
  ' neighbor 192.0.2.1 bfd',
  ' neighbor 192.0.2.1 bfd profile fast',
  ' address-family ipv4 unicast',
  '  network 198.51.100.1/32',
  '  network 198.51.100.2/32',
  '  neighbor 192.0.2.1 activate',
  ' exit-address-family',
  'exit',
  'bfd',
  ' profile fast',
  '  receive-interval 100',
  ' exit',
  'exit',
);

const cases: Array<{ desc: string; from: string; to: string; want: string }> = [
  { desc: 'identical configs need nothing', from: BASE, to: BASE, want: '' },
  {
    desc: 'a withdrawn and an added network touch only the address family',
    from: BASE,
    to: BASE.replace('network 198.51.100.2/32', 'network 198.51.100.3/32'),
    want: conf(
      'router bgp 64512', ' address-family ipv4 unicast', '  no network 198.51.100.2/32', ' exit-address-family', 'exit',
      'router bgp 64512', ' address-family ipv4 unicast', '  network 198.51.100.3/32', ' exit-address-family', 'exit'),
  },
  {
    desc: 'a changed single-valued setting is replaced without a no line',
    from: BASE,
    to: BASE.replace('timers 1 3', 'timers 2 6'),
    want: conf('router bgp 64512', ' neighbor 192.0.2.1 timers 2 6', 'exit'),
  },
  {
    desc: 'a removed neighbor is one no neighbor, its lines go with it; a new one is added in order',
    from: BASE,
    to: BASE.replaceAll('192.0.2.1 ', '192.0.2.2 '),
    want: conf(
      'router bgp 64512', ' no neighbor 192.0.2.1', 'exit',
      'router bgp 64512',
      ' neighbor 192.0.2.2 remote-as 64513', ' neighbor 192.0.2.2 timers 1 3', ' neighbor 192.0.2.2 bfd',
      ' neighbor 192.0.2.2 bfd profile fast',
      ' address-family ipv4 unicast', '  neighbor 192.0.2.2 activate', ' exit-address-family', 'exit'),
  },
  {
    desc: 'a removed default-off switch is switched back on; a BFD timer goes back to its default',
    from: BASE,
    to: BASE.replace(' no bgp default ipv4-unicast\n', '').replace('  receive-interval 100\n', ''),
    want: conf('bfd', ' profile fast', '  receive-interval 300', ' exit', 'exit', 'router bgp 64512', ' bgp default ipv4-unicast', 'exit'),
  },
  {
    desc: 'a whole router goes with one line, VRF instances first, before the new ASN is added',
    from: conf('router bgp 64512', ' neighbor 192.0.2.1 remote-as 64513', 'exit', 'router bgp 64512 vrf red', ' neighbor 192.0.2.5 remote-as 64513', 'exit'),
    to: conf('router bgp 64600', ' neighbor 192.0.2.1 remote-as 64513', 'exit'),
    want: conf('no router bgp 64512 vrf red', 'no router bgp 64512', 'router bgp 64600', ' neighbor 192.0.2.1 remote-as 64513', 'exit'),
  },
  {
    desc: 'route-map entries and prefix lists: removed entry, replaced set, replaced seq',
    from: conf('ip prefix-list pl seq 1 permit 198.51.100.1/32', 'route-map rm permit 1', ' set local-preference 100', 'exit', 'route-map rm permit 2', 'exit'),
    to: conf('ip prefix-list pl seq 1 permit 198.51.100.2/32', 'route-map rm permit 1', ' set local-preference 150', 'exit'),
    want: conf('no route-map rm permit 2', 'ip prefix-list pl seq 1 permit 198.51.100.2/32', 'route-map rm permit 1', ' set local-preference 150', 'exit'),
  },
  {
    desc: 'display-only differences of FRR are not changes',
    from: conf('frr version 8.4.4', 'hostname vm', 'no ip forwarding', 'router bgp 64512', ' neighbor 192.0.2.1 remote-as 64513', ' neighbor 192.0.2.1 ebgp-multihop 255', ' !', 'exit', 'bfd', 'exit', 'end'),
    to: conf('frr defaults traditional', 'router bgp 64512', ' neighbor 192.0.2.1 remote-as 64513', ' neighbor 192.0.2.1 port 179', ' neighbor 192.0.2.1 ebgp-multihop', 'exit', 'bfd', ' profile p', '  detect-multiplier 3', ' exit', 'exit'),
    want: conf('bfd', ' profile p', ' exit', 'exit'),
  },
];

test('diffConfig emits the minimal batch', () => {
  for (const { desc, from, to, want } of cases) {
    const got = diffConfig(parseConfig(from), parseConfig(to));
    assert.equal(got.batch, want, desc);
    assert.ok(sameConfig(applyBatch(parseConfig(from), got.batch), parseConfig(to)), `${desc}: model result`);
  }
});

test('diffConfig counts removals and additions', () => {
  const got = diffConfig(parseConfig(BASE), parseConfig(BASE.replaceAll('192.0.2.1 ', '192.0.2.2 ')));
  assert.deepEqual({ removals: got.removals, additions: got.additions }, { removals: 1, additions: 5 });
});

test('property: applying diff(a, b) to a yields b, and diff(b, b) is empty', () => {
  fc.assert(fc.property(configTextArb, configTextArb, (a, b) => {
    const from = parseConfig(a);
    const to = parseConfig(b);
    const { batch } = diffConfig(from, to);
    const got = canonicalText(normaliseConfig(applyBatch(from, batch)));
    assert.equal(got, canonicalText(normaliseConfig(to)), `batch:\n${batch}`);
    assert.equal(diffConfig(to, to).batch, '');
  }), { numRuns: 500 });
});
