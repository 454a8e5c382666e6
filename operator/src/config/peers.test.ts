import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configFor } from './config-for.ts';
import { bfd, node, peer, resources, runCases, secret, type Case } from '../testing/config-test-kit.ts';

const R = (name: string) => `BGPPeer/${name}`;
const BASIC = 'kubernetes.io/basic-auth';

const cases: Case[] = [
  { desc: 'valid: minimal eBGP peer', input: { peers: [peer('a')] }, want: [] },
  { desc: 'valid: unnumbered iBGP peer with dynamicASN', input: { peers: [peer('a', { peerASN: undefined, dynamicASN: 'internal', peerAddress: undefined, interface: 'eth1' })] }, want: [] },
  { desc: 'R1: myASN 0', input: { peers: [peer('a', { myASN: 0 })] }, want: [{ rule: 'R1', object: R('a'), field: 'spec.myASN', message: /missing local ASN/ }] },
  { desc: 'R2: neither peerASN nor dynamicASN', input: { peers: [peer('a', { peerASN: undefined })] }, want: [{ rule: 'R2', object: R('a'), field: 'spec.peerASN', message: /missing peer ASN and dynamicASN/ }] },
  { desc: 'R2: both peerASN and dynamicASN', input: { peers: [peer('a', { dynamicASN: 'external' })] }, want: [{ rule: 'R2', object: R('a'), field: 'spec.dynamicASN', message: /both peer ASN and dynamicASN specified/ }] },
  { desc: 'R2: unknown dynamicASN', input: { peers: [peer('a', { peerASN: undefined, dynamicASN: 'sideways' as 'internal' })] }, want: [{ rule: 'R2', object: R('a'), field: 'spec.dynamicASN', message: /invalid dynamicASN sideways/ }] },
  { desc: 'valid: ebgpMultiHop on an eBGP peer', input: { peers: [peer('a', { ebgpMultiHop: true })] }, want: [] },
  { desc: 'R3: ebgpMultiHop on an iBGP peer', input: { peers: [peer('a', { peerASN: 64500, ebgpMultiHop: true })] }, want: [{ rule: 'R3', object: R('a'), field: 'spec.ebgpMultiHop', message: /invalid ebgp-multihop parameter set for an ibgp peer/ }] },
  { desc: 'R4: neither address nor interface', input: { peers: [peer('a', { peerAddress: undefined })] }, want: [{ rule: 'R4', object: R('a'), field: 'spec.peerAddress', message: /peer has no Address or Interface specified/ }] },
  { desc: 'R4: both address and interface', input: { peers: [peer('a', { interface: 'eth0' })] }, want: [{ rule: 'R4', object: R('a'), field: 'spec.interface', message: /peer has both Address and Interface specified/ }] },
  { desc: 'R4: space in interface', input: { peers: [peer('a', { peerAddress: undefined, interface: 'eth 0' })] }, want: [{ rule: 'R4', object: R('a'), field: 'spec.interface', message: /contains invalid characters: it must be an interface name/ }] },
  { desc: 'R4: ! in vrf', input: { peers: [peer('a', { vrf: 'red!' })] }, want: [{ rule: 'R4', object: R('a'), field: 'spec.vrf' }] },
  { desc: 'R4: bfdProfile with a quote', input: { bfdProfiles: [], peers: [peer('a', { bfdProfile: 'fa"st' })] }, want: [{ rule: 'R4', object: R('a'), field: 'spec.bfdProfile' }, { rule: 'R10', object: R('a'), field: 'spec.bfdProfile', kind: 'transient' }] },
  { desc: 'R8: password with a space', input: { peers: [peer('a', { password: 'pass word' })] }, want: [{ rule: 'R8', object: R('a'), field: 'spec.password', message: /contains invalid characters: it must be 1-80 characters/ }] },
  { desc: 'R9: secret password starting with #', input: { secrets: [secret('s', 'kubernetes.io/basic-auth', { password: '#x' })], peers: [peer('a', { passwordSecret: { name: 's' } })] }, want: [{ rule: 'R9', object: R('a'), field: 'spec.passwordSecret', message: /contains invalid characters/ }] },
  { desc: 'R4: line break in vrf', input: { peers: [peer('a', { vrf: 'red\nrouter bgp 1' })] }, want: [{ rule: 'R4', object: R('a'), field: 'spec.vrf', message: /contains invalid characters/ }] },
  { desc: 'valid: hold only', input: { peers: [peer('a', { holdTime: '90s' })] }, want: [] },
  { desc: 'valid: hold 0 disables keepalives', input: { peers: [peer('a', { holdTime: '0s' })] }, want: [] },
  { desc: 'R5: keepalive alone, derived hold below 3s: the derived hold is printed (MetalLB prints <nil>; docs/differences.md)', input: { peers: [peer('a', { keepaliveTime: '500ms' })] }, want: [{ rule: 'R5', object: R('a'), field: 'spec.holdTime', message: /^invalid BGPPeer timers: invalid hold time "1.5s": must be 0 or >=3s$/ }] },
  { desc: 'R5: hold between 0 and 3s', input: { peers: [peer('a', { holdTime: '2s' })] }, want: [{ rule: 'R5', object: R('a'), field: 'spec.holdTime', message: /invalid BGPPeer timers: invalid hold time "2s": must be 0 or >=3s/ }] },
  { desc: 'R5: derived hold below 3s', input: { peers: [peer('a', { keepaliveTime: '900ms' })] }, want: [{ rule: 'R5', object: R('a'), field: 'spec.holdTime', message: /invalid hold time "2.7s"/ }] },
  { desc: 'R5: keepalive above hold', input: { peers: [peer('a', { holdTime: '3s', keepaliveTime: '4s' })] }, want: [{ rule: 'R5', object: R('a'), field: 'spec.keepaliveTime', message: /invalid keepaliveTime "4s", must be lower than holdTime "3s"/ }] },
  { desc: 'R5: unparsable duration', input: { peers: [peer('a', { connectTime: 'soon' })] }, want: [{ rule: 'R5', object: R('a'), field: 'spec.connectTime', message: /invalid duration "soon"/ }] },
  {
    desc: 'R6: bad address, router ID and source',
    input: { peers: [peer('a', { peerAddress: '192.0.2.300', routerID: 'x', sourceAddress: '10.0.0' })] },
    want: [
      { rule: 'R6', object: R('a'), field: 'spec.peerAddress', message: /invalid BGPPeer address "192.0.2.300"/ },
      { rule: 'R6', object: R('a'), field: 'spec.routerID', message: /invalid router ID "x"/ },
      { rule: 'R6', object: R('a'), field: 'spec.sourceAddress', message: /invalid source IP "10.0.0"/ },
    ],
  },
  {
    desc: 'R7: duplicate and invalid node selectors',
    input: { peers: [peer('a', { nodeSelectors: [{ matchLabels: { r: '1' } }, { matchLabels: { r: '1' } }, { matchLabels: { 'bad key': 'x' } }] })] },
    want: [
      { rule: 'R7', object: R('a'), field: 'spec.nodeSelectors[1]', message: /duplicate definition of nodeSelectors "r=1"/ },
      { rule: 'R7', object: R('a'), field: 'spec.nodeSelectors[2]', message: /failed to convert peer a node selector: invalid label key "bad key"/ },
    ],
  },
  { desc: 'R8: password and passwordSecret', input: { peers: [peer('a', { password: 'x', passwordSecret: { name: 's' } })], secrets: [secret('s', BASIC, { password: 'y' })] }, want: [{ rule: 'R8', object: R('a'), field: 'spec.password', message: /can not have both password and secret ref set in peer config "metallb-system"\/"a"/ }] },
  { desc: 'valid: password from a basic-auth secret', input: { peers: [peer('a', { passwordSecret: { name: 's', namespace: 'metallb-system' } })], secrets: [secret('s', BASIC, { password: 'pw' })] }, want: [] },
  { desc: 'R9: secret not found is transient', input: { peers: [peer('a', { passwordSecret: { name: 's' } })] }, want: [{ rule: 'R9', object: R('a'), field: 'spec.passwordSecret', kind: 'transient', message: /secret ref not found for peer config "metallb-system"\/"a"/ }] },
  {
    desc: 'R9: passwordSecret.namespace is ignored, as MetalLB: a Secret of another namespace is not read (transient)',
    input: { peers: [peer('a', { passwordSecret: { name: 's', namespace: 'other' } })], secrets: [{ ...secret('s', BASIC, { password: 'pw' }), metadata: { name: 's', namespace: 'other' } }] },
    want: [{ rule: 'R9', object: R('a'), field: 'spec.passwordSecret', kind: 'transient', message: /secret ref not found for peer config "metallb-system"\/"a"/ }],
  },
  {
    desc: 'valid: a ref naming another namespace finds the same-named Secret of MetalLB\'s namespace (MetalLB looks up by name)',
    input: { peers: [peer('a', { passwordSecret: { name: 's', namespace: 'other' } })], secrets: [secret('s', BASIC, { password: 'pw' })] },
    want: [],
  },
  {
    desc: 'R9: a password with a line break is refused (MetalLB accepts it; docs/differences.md)',
    input: { peers: [peer('a', { passwordSecret: { name: 's' } })], secrets: [secret('s', BASIC, { password: 'pw\n  neighbor 192.0.2.1 remote-as 1' })] },
    want: [{ rule: 'R9', object: R('a'), field: 'spec.passwordSecret', message: /password secret for peer "metallb-system"\/"a" contains invalid characters/ }],
  },
  { desc: 'R9: wrong secret type', input: { peers: [peer('a', { passwordSecret: { name: 's' } })], secrets: [secret('s', 'Opaque', { password: 'pw' })] }, want: [{ rule: 'R9', object: R('a'), field: 'spec.passwordSecret', message: /secret type mismatch on "metallb-system"\/"s", type "kubernetes.io\/basic-auth" is expected/ }] },
  { desc: 'R9: missing password key', input: { peers: [peer('a', { passwordSecret: { name: 's' } })], secrets: [secret('s', BASIC, { username: 'u' })] }, want: [{ rule: 'R9', object: R('a'), field: 'spec.passwordSecret', message: /password not specified in the secret/ }] },
  { desc: 'valid: existing BFD profile', input: { peers: [peer('a', { bfdProfile: 'fast' })], bfdProfiles: [bfd('fast')] }, want: [] },
  { desc: 'R10: missing BFD profile is transient', input: { peers: [peer('a', { bfdProfile: 'fast' })] }, want: [{ rule: 'R10', object: R('a'), field: 'spec.bfdProfile', kind: 'transient', message: /peer a referencing non existing bfd profile fast/ }] },
];

describe('peers (R1–R10)', () => runCases(cases));

describe('peers: parsed values', () => {
  const parsed = (spec: Parameters<typeof peer>[1]) => {
    const r = configFor(resources({ peers: [peer('a', spec)], secrets: [secret('s', BASIC, { password: 'sëcret' })], nodes: [node('n')] }));
    assert.ok(r.ok, r.ok ? "" : JSON.stringify(r.error));
    const p = r.value.peers[0];
    assert.ok(p);
    return p;
  };
  const cases: { desc: string; input: Parameters<typeof peer>[1]; want: Record<string, unknown> }[] = [
    { desc: 'defaults', input: {}, want: { port: 179, vrf: '', ebgpMultiHop: false, holdTimeMs: undefined, password: undefined } },
    { desc: 'only hold: keepalive = hold/3', input: { holdTime: '90s' }, want: { holdTimeMs: 90_000, keepaliveTimeMs: 30_000 } },
    { desc: 'only keepalive: hold = 3×keepalive', input: { keepaliveTime: '10s' }, want: { holdTimeMs: 30_000, keepaliveTimeMs: 10_000 } },
    { desc: 'connect time and port', input: { connectTime: '5s', peerPort: 1179 }, want: { connectTimeMs: 5000, port: 1179 } },
    { desc: 'password resolved from the secret (UTF-8)', input: { passwordSecret: { name: 's' } }, want: { password: 'sëcret' } },
    { desc: 'addresses parsed', input: { peerAddress: '2001:DB8::1', routerID: '10.0.0.1' }, want: { address: { family: 'ipv6', value: 0x20010db8000000000000000000000001n, text: '2001:db8::1' } } },
  ];
  for (const c of cases) {
    it(c.desc, () => {
      const p = parsed(c.input) as unknown as Record<string, unknown>;
      for (const [k, v] of Object.entries(c.want)) assert.deepEqual(p[k], v, k);
    });
  }
});
