/**
 * The view model's second line of defence: a CR string that is not in its grammar never becomes
 * FRR syntax (checked on a Config built past configFor, as if a string had slipped through).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Config, Peer } from '../config/types.ts';
import { announcementsFor } from './announcements.ts';
import { checkFrrString, describeFrrStringProblem, type FrrStringKind } from './grammar.ts';
import { frrViewFor, passwordSecretDataFor } from './view-model.ts';
import { configOf, GOLDEN_CASES } from './testing/golden-cases.ts';

const base = GOLDEN_CASES.find((c) => c.name === 'ebgp') ?? assert.fail('ebgp case missing');
const config = configOf(base);

/** The ebgp config with the one peer changed. */
function withPeer(change: Partial<Peer>): Config {
  return { ...config, peers: config.peers.map((p) => ({ ...p, ...change })) };
}

const HOSTILE = ['eth0\n router bgp 1', 'eth0\r', 'eth!0', 'eth 0', 'eth"0', "eth'0", 'eth#0', '!eth0', 'a'.repeat(16), '', '-eth0', '.eth0', 'eth0\u0000'];

describe('grammar', () => {
  const cases: { kind: FrrStringKind; good: string[]; bad: string[] }[] = [
    { kind: 'interface', good: ['eth0', 'enp0s3', 'bond0.100', 'br-lan', 'a'.repeat(15), '_x'], bad: HOSTILE },
    { kind: 'vrf', good: ['red', 'vrf-blue', 'Mgmt_1'], bad: HOSTILE },
    { kind: 'bfdProfile', good: ['fast', 'a.b-c', 'a'.repeat(63)], bad: ['Fast', 'fast\n', 'fa st', 'fast!', 'a'.repeat(64), '', '-a'] },
    { kind: 'password', good: ['s3cret', 'ab!cd#ef"gh', 'x'.repeat(80), '@@x@@', 'sëcret'], bad: ['has space', 'new\nline', '!leading', '#leading', 'x'.repeat(81), 'ë'.repeat(41), '', 'tab\there', 'nbsp\u00a0x', 'del\u007fx'] },
    { kind: 'nodeName', good: ['node-0', 'a.b.c'], bad: ['Node', 'node_0', 'node 0', 'a'.repeat(254)] },
  ];
  for (const c of cases) {
    for (const v of c.good) it(`${c.kind} accepts ${JSON.stringify(v.slice(0, 20))}`, () => assert.ok(checkFrrString(c.kind, v, 'x').ok));
    for (const v of c.bad) it(`${c.kind} refuses ${JSON.stringify(v.slice(0, 20))}`, () => assert.ok(!checkFrrString(c.kind, v, 'x').ok));
  }

  it('never echoes a refused password', () => {
    const r = checkFrrString('password', 'top secret', 'BGPPeer p password');
    assert.ok(!r.ok);
    assert.ok(!describeFrrStringProblem(r.error).includes('top secret'));
  });
});

describe('frrViewFor refuses strings outside the grammar', () => {
  const node = base.node;
  const anns = announcementsFor(config, node, base.services).announcements;
  const tries: { desc: string; cfg: Config; where: string }[] = [
    ...HOSTILE.filter((v) => v !== '').map((v) => ({ desc: `interface ${JSON.stringify(v)}`, cfg: withPeer({ interface: v }), where: 'spec.interface' })),
    ...HOSTILE.filter((v) => v !== '').map((v) => ({ desc: `vrf ${JSON.stringify(v)}`, cfg: withPeer({ vrf: v }), where: 'spec.vrf' })),
    { desc: 'password with a newline', cfg: withPeer({ password: 'a\nrouter bgp 1' }), where: 'password' },
    { desc: 'password with a space', cfg: withPeer({ password: 'a b' }), where: 'password' },
    { desc: 'password starting with !', cfg: withPeer({ password: '!a' }), where: 'password' },
    { desc: 'password of 81 characters', cfg: withPeer({ password: 'p'.repeat(81) }), where: 'password' },
    { desc: 'bfd profile with a space', cfg: { ...withPeer({ bfdProfile: 'a b' }), bfdProfiles: [{ name: 'a b', echoMode: false, passiveMode: false }] }, where: 'bfdProfile' },
    { desc: 'bfd profile name of 64 characters', cfg: { ...config, bfdProfiles: [{ name: 'b'.repeat(64), echoMode: false, passiveMode: false }] }, where: 'metadata.name' },
  ];
  for (const t of tries) {
    it(t.desc, () => {
      const r = frrViewFor({ config: t.cfg, node, announcements: anns });
      assert.ok(!r.ok, 'view built');
      assert.equal(r.error.kind, 'invalidString');
      if (r.error.kind === 'invalidString') assert.ok(r.error.problems.some((p) => p.where.includes(t.where)), JSON.stringify(r.error.problems));
    });
  }

  it('refuses a node name that is not a DNS name', () => {
    const r = frrViewFor({ config, node: { ...node, name: 'node 0\n!' }, announcements: anns });
    assert.ok(!r.ok);
  });

  it('refuses peers of one VRF that disagree on myASN', () => {
    const [p] = config.peers;
    assert.ok(p !== undefined);
    const cfg = { ...config, peers: [p, { ...p, name: 'other', myASN: p.myASN + 1 }] };
    const r = frrViewFor({ config: cfg, node, announcements: anns });
    assert.ok(!r.ok && r.error.kind === 'routerConflict');
  });

  it('keeps passwords out of the view and hands them to the Secret writer', () => {
    const cfg = withPeer({ password: 'pa55!word' });
    const r = frrViewFor({ config: cfg, node, announcements: anns });
    assert.ok(r.ok);
    assert.ok(!JSON.stringify(r.value).includes('pa55!word'));
    assert.deepEqual(passwordSecretDataFor(cfg, node), { router: 'pa55!word' });
  });
});
