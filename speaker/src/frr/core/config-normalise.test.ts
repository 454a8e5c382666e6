import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffConfig } from './config-diff.ts';
import { canonicalText, normaliseConfig, sameConfig } from './config-normalise.ts';
import { parseConfig } from './config-tree.ts';

/** What the operator renders at the top of every frr.conf. */
const RENDERED = 'frr defaults traditional\nip nht resolve-via-default\nipv6 nht resolve-via-default\nrouter bgp 64512\nexit\n';
const banner = (version: string): string => `Building configuration...\n\nCurrent configuration:\n!\nfrr version ${version}\nfrr defaults traditional\nhostname vm\n!\n`;

describe('settings FRR 10 has on by default (nht resolve-via-default)', () => {
  const cases: Array<{ desc: string; running: string; same: boolean }> = [
    { desc: 'FRR 8.4 prints them when on', running: `${banner('8.4.4')}ip nht resolve-via-default\nipv6 nht resolve-via-default\nrouter bgp 64512\nexit\nend\n`, same: true },
    { desc: 'FRR 8.4 without them: off', running: `${banner('8.4.4')}router bgp 64512\nexit\nend\n`, same: false },
    { desc: 'FRR 10 leaves them out when on (its default)', running: `${banner('10.3')}router bgp 64512\nexit\nend\n`, same: true },
    { desc: 'FRR 10 prints `no` when off', running: `${banner('10.3')}no ip nht resolve-via-default\nrouter bgp 64512\nexit\nend\n`, same: false },
    { desc: 'FRR 10 under another defaults profile: printed as 8.4 does', running: `${banner('10.3').replace('traditional', 'datacenter')}router bgp 64512\nexit\nend\n`, same: false },
  ];
  for (const c of cases) it(c.desc, () => assert.equal(sameConfig(parseConfig(c.running), parseConfig(RENDERED)), c.same));

  it('FRR 10 with one turned off: the batch turns it on, nothing else', () => {
    const running = parseConfig(`${banner('10.3')}no ipv6 nht resolve-via-default\nrouter bgp 64512\nexit\nend\n`);
    assert.equal(diffConfig(running, parseConfig(RENDERED)).batch, 'ipv6 nht resolve-via-default\n');
  });

  it('FRR 10 with both on: nothing to send', () => {
    assert.equal(diffConfig(parseConfig(`${banner('10.3')}router bgp 64512\nexit\nend\n`), parseConfig(RENDERED)).batch, '');
  });

  it('a rendered config (no version line) is left as written', () => {
    const bare = 'frr defaults traditional\nrouter bgp 64512\nexit\n';
    assert.equal(canonicalText(normaliseConfig(parseConfig(bare))), 'router bgp 64512');
  });
});

describe('VRF blocks', () => {
  it('an empty `vrf red` block FRR prints for a VRF it knows is not a difference, and not removed', () => {
    const running = parseConfig(`${banner('10.3')}vrf red\nexit-vrf\nrouter bgp 64512\nexit\nrouter bgp 64600 vrf red\nexit\nend\n`);
    const wanted = parseConfig('router bgp 64512\nexit\nrouter bgp 64600 vrf red\nexit\n');
    assert.ok(sameConfig(parseConfig(`${banner('8.4.4')}vrf red\nexit-vrf\nrouter bgp 64512\nexit\nrouter bgp 64600 vrf red\nexit\nend\n`), wanted));
    assert.equal(diffConfig(running, parseConfig(`${RENDERED}router bgp 64600 vrf red\nexit\n`)).batch, '');
  });

  it('a vrf block with content is kept', () => {
    assert.equal(canonicalText(normaliseConfig(parseConfig('vrf red\n ip route 203.0.113.0/24 blackhole\nexit-vrf\n'))), 'vrf red\n ip route 203.0.113.0/24 blackhole');
  });
});
