import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalText, normaliseConfig, sameConfig } from './config-normalise.ts';
import { parseConfig, renderConfig } from './config-tree.ts';

/** `show running-config` of the lab's FRR 8.4.4 (trimmed), as FRR prints it. */
const RUNNING = `Building configuration...

Current configuration:
!
frr version 8.4.4
frr defaults traditional
hostname vm
no ip forwarding
!
router bgp 64512
 bgp router-id 192.0.2.10
 neighbor 192.0.2.1 remote-as 64513
 neighbor 192.0.2.1 ebgp-multihop 255
 !
 address-family ipv4 unicast
  network 198.51.100.1/32
  neighbor 192.0.2.1 activate
 exit-address-family
exit
!
route-map rm permit 1
 set local-preference 100
exit
!
bfd
 profile fast
  receive-interval 100
 exit
 !
exit
!
end
`;

test('parseConfig builds contexts from FRR output (closers, comments, banner lines)', () => {
  const got = renderConfig(normaliseConfig(parseConfig(RUNNING)));
  assert.equal(got, [
    'router bgp 64512', ' bgp router-id 192.0.2.10', ' neighbor 192.0.2.1 remote-as 64513', ' neighbor 192.0.2.1 ebgp-multihop 255',
    ' address-family ipv4 unicast', '  network 198.51.100.1/32', '  neighbor 192.0.2.1 activate', ' exit-address-family', 'exit',
    'route-map rm permit 1', ' set local-preference 100', 'exit',
    'bfd', ' profile fast', '  receive-interval 100', ' exit', 'exit', '',
  ].join('\n'));
});

test('parseConfig nests by context even without closers or indentation quirks', () => {
  const cases = [
    { desc: 'address family left without exit-address-family', input: 'router bgp 1\n address-family ipv4 unicast\n  network 198.51.100.1/32\n address-family ipv6 unicast\n  network 2001:db8::1/128\n',
      want: 'router bgp 1\n address-family ipv4 unicast\n  network 198.51.100.1/32\n address-family ipv6 unicast\n  network 2001:db8::1/128' },
    { desc: 'unindented line returns to the top', input: 'route-map a permit 1\n set metric 1\nip prefix-list p seq 1 permit any\n',
      want: 'ip prefix-list p seq 1 permit any\nroute-map a permit 1\n set metric 1' },
    { desc: 'whitespace collapsed, # comments dropped', input: '# c\nrouter   bgp 1\n   neighbor  192.0.2.1   remote-as 2 \n',
      want: 'router bgp 1\n neighbor 192.0.2.1 remote-as 2' },
  ];
  for (const { desc, input, want } of cases) assert.equal(canonicalText(parseConfig(input)), want, desc);
});

test('sameConfig ignores FRR display differences but not real ones', () => {
  const rendered = 'frr defaults traditional\nrouter bgp 64512\n bgp router-id 192.0.2.10\n neighbor 192.0.2.1 remote-as 64513\n neighbor 192.0.2.1 ebgp-multihop\n address-family ipv4 unicast\n  neighbor 192.0.2.1 activate\n  network 198.51.100.1/32\n exit-address-family\nexit\nroute-map rm permit 1\n set local-preference 100\nexit\nbfd\n profile fast\n  receive-interval 100\n  detect-multiplier 3\n exit\nexit\n';
  assert.equal(sameConfig(parseConfig(RUNNING), parseConfig(rendered)), true);
  assert.equal(sameConfig(parseConfig(RUNNING), parseConfig(rendered.replace('receive-interval 100', 'receive-interval 200'))), false);
  assert.equal(sameConfig(parseConfig(RUNNING), parseConfig(rendered.replace('  network 198.51.100.1/32\n', ''))), false);
});
