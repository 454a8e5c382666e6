import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

const BIN = join(import.meta.dirname, '..', '..', '..', 'bin', 'metallb-ts.ts');
const dir = mkdtempSync(join(tmpdir(), 'metallb-ts-validate-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Writes a fixture file under the temp dir and returns its path. */
function fixture(rel: string, text: string): string {
  const p = join(dir, rel);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, text);
  return p;
}

const VALID = `
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: public, namespace: metallb-system}
spec: {addresses: [192.0.2.0/24, "198.51.100.10 - 198.51.100.20"]}
---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: {name: tor1, namespace: metallb-system}
spec: {myASN: 64500, peerASN: 64501, peerAddress: 192.0.2.254, bfdProfile: fast}
---
apiVersion: metallb.io/v1beta1
kind: BGPPeer
metadata: {name: tor2, namespace: metallb-system}
spec: {myASN: 64500, peerASN: 64502, peerAddress: 192.0.2.253}
---
apiVersion: metallb.io/v1beta1
kind: BFDProfile
metadata: {name: fast}
spec: {receiveInterval: 100}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: ignored}
`;

const ADS = `
kind: List
items:
- apiVersion: metallb.io/v1beta1
  kind: BGPAdvertisement
  metadata: {name: all}
- apiVersion: metallb.io/v1beta1
  kind: L2Advertisement
  metadata: {name: l2}
  spec: {interfaces: [eth0]}
`;

const INVALID = `
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: a}
spec: {addresses: [10.0.0.0/24, nope]}
---
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: b}
spec: {addresses: [10.0.0.128/25]}
---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: {name: p}
spec: {myASN: 64500, peerASN: 64501, peerAddress: 192.0.2.1, bfdProfile: missing}
`;

const LEGACY = `
apiVersion: metallb.io/v1beta1
kind: BGPPeer
metadata: {name: old, namespace: metallb-system}
spec: {myASN: 64500, peerASN: 64501, peerAddress: 192.0.2.1, keepaliveTime: 30s, vrf: red}
`;

const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });

describe('metallb-ts validate (spawned)', () => {
  const valid = fixture('valid/cluster.yaml', VALID);
  fixture('valid/nested/ads.yml', ADS);
  fixture('valid/nested/README.md', 'not yaml: [');
  const invalid = fixture('invalid.yaml', INVALID);
  const broken = fixture('broken.yaml', 'kind: [unclosed');
  const legacy = fixture('legacy.yaml', LEGACY);

  const cases: { desc: string; input: string[]; want: { status: number; stdout?: string; stderr?: RegExp } }[] = [
    {
      desc: 'BGPPeer v1beta1 judged as stored: vrf dropped (noted), keepalive-only gets hold time 0 as from MetalLB\'s conversion',
      input: ['validate', legacy],
      want: {
        status: 1,
        stdout: 'BGPPeer/old spec.keepaliveTime: invalid BGPPeer timers: invalid keepaliveTime "30s", must be lower than holdTime "0s"\n',
        stderr: /^note: BGPPeer\/old \(metallb.io\/v1beta1\): spec.vrf is not in the served schema; the apiserver drops it$/m,
      },
    },
    { desc: 'without Node objects, the assumed node overlap is noted', input: ['validate', valid], want: { status: 0, stderr: /^note: no Node objects given: every pair of BGPPeers \(F1\) and of BGPAdvertisements \(A7 localPref\) is assumed to share a node$/m } },
    { desc: 'valid directory, recursing for .yaml and .yml', input: ['validate', join(dir, 'valid')], want: { status: 0, stdout: 'valid: 1 pool, 2 peers, 1 BFD profile, 0 community aliases, 1 L2 advertisement, 1 BGP advertisement\n' } },
    { desc: 'single valid file', input: ['validate', valid], want: { status: 0, stdout: 'valid: 1 pool, 2 peers, 1 BFD profile, 0 community aliases, 0 L2 advertisements, 0 BGP advertisements\n' } },
    {
      desc: 'invalid file: one sorted line per error',
      input: ['validate', invalid],
      want: {
        status: 1,
        stdout: [
          'BGPPeer/p spec.bfdProfile: peer p referencing non existing bfd profile missing',
          'IPAddressPool/a spec.addresses[1]: invalid CIDR "nope" in pool "a": invalid CIDR "nope"',
          'IPAddressPool/b spec.addresses[0]: CIDR "10.0.0.128/25" in pool "b" overlaps with already defined CIDR "10.0.0.0/24"',
          '',
        ].join('\n'),
      },
    },
    { desc: 'unparsable YAML', input: ['validate', broken], want: { status: 2, stderr: /invalid YAML/ } },
    { desc: 'missing path', input: ['validate', join(dir, 'nope.yaml')], want: { status: 2, stderr: /cannot read/ } },
    { desc: 'no arguments', input: ['validate'], want: { status: 2, stderr: /usage: metallb-ts validate/ } },
    { desc: 'unknown command', input: ['frobnicate'], want: { status: 2, stderr: /unknown command "frobnicate"/ } },
  ];
  for (const c of cases) {
    it(c.desc, () => {
      const r = run(...c.input);
      assert.equal(r.status, c.want.status, r.stderr);
      if (c.want.stdout !== undefined) assert.equal(r.stdout, c.want.stdout);
      if (c.want.stderr !== undefined) assert.match(r.stderr, c.want.stderr);
    });
  }

  it('accepts the documentation-style fixture manifests the CRD tests apply', () => {
    const r = run('validate', join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'manifests'));
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^valid: 4 pools, 4 peers, 1 BFD profile/);
  });

  it('--help lists the validate command', () => assert.match(run('--help').stdout, /validate <files or dirs\.\.\.>/));
});
