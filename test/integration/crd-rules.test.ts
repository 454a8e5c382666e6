/**
 * Every per-object rule of the metallb.io CRDs (OpenAPI bounds and CEL x-kubernetes-validations),
 * proven on a real kube-apiserver: each invalid object is refused on create (immutability: on
 * update) with a message naming the field, and each boundary value that MetalLB accepts is stored.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BFDPROFILE, BGPADVERTISEMENT, BGPPEER, BGPPEER_V1BETA1, COMMUNITY, IPADDRESSPOOL, L2ADVERTISEMENT,
  SERVICEL2STATUS,
} from '@metallb-ts/lib/api/types.generated.ts';
import { useCrdCluster } from '../harness/crd-cluster.ts';
import { tryCreate, tryReplace } from '../harness/crds.ts';
import type { ResourceCoords } from '../harness/crds.ts';

const NS = 'metallb-system';

/** A valid spec per kind; each case overrides some of its fields (undefined removes one). */
const BASE = new Map<ResourceCoords, Record<string, unknown>>([
  [IPADDRESSPOOL, { addresses: ['192.0.2.0/28'] }],
  [BGPPEER, { myASN: 64500, peerASN: 64501, peerAddress: '192.0.2.1' }],
  [BGPPEER_V1BETA1, { myASN: 64500, peerASN: 64501, peerAddress: '192.0.2.1' }],
  [BFDPROFILE, {}],
  [COMMUNITY, { communities: [{ name: 'a', value: '64500:1' }] }],
  [BGPADVERTISEMENT, {}],
  [L2ADVERTISEMENT, {}],
]);

interface Case {
  readonly desc: string;
  readonly kind: ResourceCoords;
  readonly spec: Record<string, unknown>;
  /** Field path that the refusal must name (absent for accepted cases). */
  readonly wantField?: string;
}

const lsReq = (values?: string[]): unknown => [{ matchExpressions: [{ key: 'rack', operator: 'In', ...(values ? { values } : {}) }] }];

const REJECTED: readonly Case[] = [
  { desc: 'pool without addresses', kind: IPADDRESSPOOL, spec: { addresses: undefined }, wantField: 'spec.addresses' },
  { desc: 'pool with an empty address list', kind: IPADDRESSPOOL, spec: { addresses: [] }, wantField: 'spec.addresses' },
  { desc: 'address that is neither CIDR nor range', kind: IPADDRESSPOOL, spec: { addresses: ['pool-a'] }, wantField: 'spec.addresses[0]' },
  { desc: 'bare IP without prefix length', kind: IPADDRESSPOOL, spec: { addresses: ['192.0.2.1'] }, wantField: 'spec.addresses[0]' },
  { desc: 'CIDR with a prefix too long', kind: IPADDRESSPOOL, spec: { addresses: ['192.0.2.0/33'] }, wantField: 'spec.addresses[0]' },
  { desc: 'range with a bad end', kind: IPADDRESSPOOL, spec: { addresses: ['192.0.2.0/28', '192.0.2.1-192.0.2.300'] }, wantField: 'spec.addresses[1]' },
  { desc: 'range with three ends', kind: IPADDRESSPOOL, spec: { addresses: ['192.0.2.1-192.0.2.2-192.0.2.3'] }, wantField: 'spec.addresses[0]' },
  { desc: 'range mixing families', kind: IPADDRESSPOOL, spec: { addresses: ['192.0.2.1-2001:db8::1'] }, wantField: 'spec.addresses[0]' },
  { desc: 'IPv4 range with start after end', kind: IPADDRESSPOOL, spec: { addresses: ['192.0.2.20 - 192.0.2.10'] }, wantField: 'spec.addresses[0]' },
  { desc: 'IPv4 range reversed in the first octet', kind: IPADDRESSPOOL, spec: { addresses: ['203.0.113.1-198.51.100.1'] }, wantField: 'spec.addresses[0]' },
  { desc: 'peerAddress not an IP', kind: BGPPEER, spec: { peerAddress: 'router.example' }, wantField: 'spec.peerAddress' },
  { desc: 'sourceAddress not an IP', kind: BGPPEER, spec: { sourceAddress: '192.0.2.300' }, wantField: 'spec.sourceAddress' },
  { desc: 'routerID not an IP', kind: BGPPEER, spec: { routerID: 'r1' }, wantField: 'spec.routerID' },
  { desc: 'neither peerASN nor dynamicASN', kind: BGPPEER, spec: { peerASN: undefined }, wantField: 'spec.peerASN' },
  { desc: 'peerASN 0 counts as unset', kind: BGPPEER, spec: { peerASN: 0 }, wantField: 'spec.peerASN' },
  { desc: 'both peerASN and dynamicASN', kind: BGPPEER, spec: { dynamicASN: 'external' }, wantField: 'spec.dynamicASN' },
  { desc: 'dynamicASN outside the enum', kind: BGPPEER, spec: { peerASN: undefined, dynamicASN: 'any' }, wantField: 'spec.dynamicASN' },
  { desc: 'neither peerAddress nor interface', kind: BGPPEER, spec: { peerAddress: undefined }, wantField: 'spec.peerAddress' },
  { desc: 'both peerAddress and interface', kind: BGPPEER, spec: { interface: 'eth0' }, wantField: 'spec.interface' },
  { desc: 'both password and passwordSecret', kind: BGPPEER, spec: { password: 'x', passwordSecret: { name: 's', namespace: NS } }, wantField: 'spec.passwordSecret' },
  { desc: 'keepaliveTime above holdTime', kind: BGPPEER, spec: { holdTime: '30s', keepaliveTime: '31s' }, wantField: 'spec.keepaliveTime' },
  { desc: 'holdTime between 0 and 3s', kind: BGPPEER, spec: { holdTime: '2s' }, wantField: 'spec.holdTime' },
  { desc: 'holdTime that truncates to 2s', kind: BGPPEER, spec: { holdTime: '2999ms' }, wantField: 'spec.holdTime' },
  { desc: 'holdTime not a duration', kind: BGPPEER, spec: { holdTime: 'ninety' }, wantField: 'spec.holdTime' },
  { desc: 'negative keepaliveTime', kind: BGPPEER, spec: { keepaliveTime: '-1s' }, wantField: 'spec.keepaliveTime' },
  { desc: 'connectTime below 1s', kind: BGPPEER, spec: { connectTime: '0s' }, wantField: 'spec.connectTime' },
  { desc: 'connectTime above 65535s', kind: BGPPEER, spec: { connectTime: '65536s' }, wantField: 'spec.connectTime' },
  { desc: 'connectTime with a fraction of a second', kind: BGPPEER, spec: { connectTime: '1500ms' }, wantField: 'spec.connectTime' },
  { desc: 'myASN above 32 bits', kind: BGPPEER, spec: { myASN: 4294967296 }, wantField: 'spec.myASN' },
  { desc: 'negative myASN', kind: BGPPEER, spec: { myASN: -1 }, wantField: 'spec.myASN' },
  { desc: 'missing myASN', kind: BGPPEER, spec: { myASN: undefined }, wantField: 'spec.myASN' },
  { desc: 'peerASN above 32 bits', kind: BGPPEER, spec: { peerASN: 4294967296 }, wantField: 'spec.peerASN' },
  { desc: 'localASN 0', kind: BGPPEER, spec: { localASN: 0 }, wantField: 'spec.localASN' },
  { desc: 'localASN above 32 bits', kind: BGPPEER, spec: { localASN: 4294967296 }, wantField: 'spec.localASN' },
  { desc: 'peerPort 0 (v1beta2)', kind: BGPPEER, spec: { peerPort: 0 }, wantField: 'spec.peerPort' },
  { desc: 'peerPort above 16384', kind: BGPPEER, spec: { peerPort: 16385 }, wantField: 'spec.peerPort' },
  { desc: 'v1beta1 peerAddress not an IP', kind: BGPPEER_V1BETA1, spec: { peerAddress: 'x' }, wantField: 'spec.peerAddress' },
  { desc: 'v1beta1 without peerASN', kind: BGPPEER_V1BETA1, spec: { peerASN: undefined }, wantField: 'spec.peerASN' },
  { desc: 'v1beta1 peerPort above 16384', kind: BGPPEER_V1BETA1, spec: { peerPort: 16385 }, wantField: 'spec.peerPort' },
  { desc: 'v1beta1 holdTime between 0 and 3s', kind: BGPPEER_V1BETA1, spec: { holdTime: '1s' }, wantField: 'spec.holdTime' },
  { desc: 'v1beta1 selector expression without values', kind: BGPPEER_V1BETA1, spec: { nodeSelectors: lsReq() }, wantField: 'spec.nodeSelectors[0].matchExpressions[0].values' },
  { desc: 'interface with a newline', kind: BGPPEER, spec: { peerAddress: undefined, interface: "eth0\n router bgp 1" }, wantField: 'spec.interface' },
  { desc: 'vrf with a newline', kind: BGPPEER, spec: { vrf: "eth0\n router bgp 1" }, wantField: 'spec.vrf' },
  { desc: 'interface with a !', kind: BGPPEER, spec: { peerAddress: undefined, interface: "eth!0" }, wantField: 'spec.interface' },
  { desc: 'vrf with a !', kind: BGPPEER, spec: { vrf: "eth!0" }, wantField: 'spec.vrf' },
  { desc: 'interface with a space', kind: BGPPEER, spec: { peerAddress: undefined, interface: "eth 0" }, wantField: 'spec.interface' },
  { desc: 'vrf with a space', kind: BGPPEER, spec: { vrf: "eth 0" }, wantField: 'spec.vrf' },
  { desc: 'interface with a quote', kind: BGPPEER, spec: { peerAddress: undefined, interface: "eth\"0" }, wantField: 'spec.interface' },
  { desc: 'vrf with a quote', kind: BGPPEER, spec: { vrf: "eth\"0" }, wantField: 'spec.vrf' },
  { desc: 'interface with a #', kind: BGPPEER, spec: { peerAddress: undefined, interface: "eth#0" }, wantField: 'spec.interface' },
  { desc: 'vrf with a #', kind: BGPPEER, spec: { vrf: "eth#0" }, wantField: 'spec.vrf' },
  { desc: 'interface with 16 characters', kind: BGPPEER, spec: { peerAddress: undefined, interface: "aaaaaaaaaaaaaaaa" }, wantField: 'spec.interface' },
  { desc: 'vrf with 16 characters', kind: BGPPEER, spec: { vrf: "aaaaaaaaaaaaaaaa" }, wantField: 'spec.vrf' },
  { desc: 'bfdProfile with a space', kind: BGPPEER, spec: { bfdProfile: 'fast profile' }, wantField: 'spec.bfdProfile' },
  { desc: 'bfdProfile with a newline', kind: BGPPEER, spec: { bfdProfile: 'fast\nbfd' }, wantField: 'spec.bfdProfile' },
  { desc: 'bfdProfile of 64 characters', kind: BGPPEER, spec: { bfdProfile: 'b'.repeat(64) }, wantField: 'spec.bfdProfile' },
  { desc: 'password with a space', kind: BGPPEER, spec: { password: 'pass word' }, wantField: 'spec.password' },
  { desc: 'password with a newline', kind: BGPPEER, spec: { password: 'pass\n router bgp 1' }, wantField: 'spec.password' },
  { desc: 'password starting with !', kind: BGPPEER, spec: { password: '!pass' }, wantField: 'spec.password' },
  { desc: 'password starting with #', kind: BGPPEER, spec: { password: '#pass' }, wantField: 'spec.password' },
  { desc: 'password of 81 characters', kind: BGPPEER, spec: { password: 'p'.repeat(81) }, wantField: 'spec.password' },
  { desc: 'v1beta1 password with a space', kind: BGPPEER_V1BETA1, spec: { password: 'pass word' }, wantField: 'spec.password' },
  { desc: 'v1beta1 bfdProfile with a !', kind: BGPPEER_V1BETA1, spec: { bfdProfile: 'fast!' }, wantField: 'spec.bfdProfile' },
  { desc: 'asPathPrepend 0', kind: BGPADVERTISEMENT, spec: { asPathPrepend: 0 }, wantField: 'spec.asPathPrepend' },
  { desc: 'asPathPrepend above 10', kind: BGPADVERTISEMENT, spec: { asPathPrepend: 11 }, wantField: 'spec.asPathPrepend' },
  { desc: 'receiveInterval below 10', kind: BFDPROFILE, spec: { receiveInterval: 9 }, wantField: 'spec.receiveInterval' },
  { desc: 'transmitInterval above 60000', kind: BFDPROFILE, spec: { transmitInterval: 60001 }, wantField: 'spec.transmitInterval' },
  { desc: 'echoInterval below 10', kind: BFDPROFILE, spec: { echoInterval: 5 }, wantField: 'spec.echoInterval' },
  { desc: 'detectMultiplier below 2', kind: BFDPROFILE, spec: { detectMultiplier: 1 }, wantField: 'spec.detectMultiplier' },
  { desc: 'detectMultiplier above 255', kind: BFDPROFILE, spec: { detectMultiplier: 256 }, wantField: 'spec.detectMultiplier' },
  { desc: 'minimumTtl 0', kind: BFDPROFILE, spec: { minimumTtl: 0 }, wantField: 'spec.minimumTtl' },
  { desc: 'minimumTtl above 254', kind: BFDPROFILE, spec: { minimumTtl: 255 }, wantField: 'spec.minimumTtl' },
  { desc: 'community part above 16 bits', kind: COMMUNITY, spec: { communities: [{ name: 'a', value: '65536:1' }] }, wantField: 'spec.communities[0].value' },
  { desc: 'large community with two parts', kind: COMMUNITY, spec: { communities: [{ name: 'a', value: 'large:1:2' }] }, wantField: 'spec.communities[0].value' },
  { desc: 'large community part above 32 bits', kind: COMMUNITY, spec: { communities: [{ name: 'a', value: 'large:4294967296:1:1' }] }, wantField: 'spec.communities[0].value' },
  { desc: 'community value that is a name', kind: COMMUNITY, spec: { communities: [{ name: 'a', value: 'no-export' }] }, wantField: 'spec.communities[0].value' },
  { desc: 'advertised community with a bad value', kind: BGPADVERTISEMENT, spec: { communities: ['no-export', '1:70000'] }, wantField: 'spec.communities[1]' },
  { desc: 'advertised community with three parts', kind: BGPADVERTISEMENT, spec: { communities: ['1:2:3'] }, wantField: 'spec.communities[0]' },
  { desc: 'advertised large community with five parts', kind: BGPADVERTISEMENT, spec: { communities: ['large:1:2:3:4'] }, wantField: 'spec.communities[0]' },
  { desc: 'aggregationLength 0', kind: BGPADVERTISEMENT, spec: { aggregationLength: 0 }, wantField: 'spec.aggregationLength' },
  { desc: 'aggregationLength above 32', kind: BGPADVERTISEMENT, spec: { aggregationLength: 33 }, wantField: 'spec.aggregationLength' },
  { desc: 'aggregationLengthV6 above 128', kind: BGPADVERTISEMENT, spec: { aggregationLengthV6: 129 }, wantField: 'spec.aggregationLengthV6' },
  { desc: 'negative localPref', kind: BGPADVERTISEMENT, spec: { localPref: -1 }, wantField: 'spec.localPref' },
  { desc: 'serviceSelectors with aggregationLength 24', kind: BGPADVERTISEMENT, spec: { aggregationLength: 24, serviceSelectors: [{ matchLabels: { a: 'b' } }] }, wantField: 'spec.serviceSelectors' },
  { desc: 'serviceSelectors with aggregationLengthV6 64', kind: BGPADVERTISEMENT, spec: { aggregationLengthV6: 64, serviceSelectors: [{ matchLabels: { a: 'b' } }] }, wantField: 'spec.serviceSelectors' },
  { desc: 'preferred node weight 0', kind: L2ADVERTISEMENT, spec: { preferredNodeSelectors: [{ weight: 0, preference: {} }] }, wantField: 'spec.preferredNodeSelectors[0].weight' },
  { desc: 'preferred node weight above 100', kind: L2ADVERTISEMENT, spec: { preferredNodeSelectors: [{ weight: 101, preference: {} }] }, wantField: 'spec.preferredNodeSelectors[0].weight' },
  { desc: 'preferred node without preference', kind: L2ADVERTISEMENT, spec: { preferredNodeSelectors: [{ weight: 1 }] }, wantField: 'spec.preferredNodeSelectors[0].preference' },
];

const ACCEPTED: readonly Case[] = [
  { desc: 'IPv4 range with spaces around the dash', kind: IPADDRESSPOOL, spec: { addresses: ['192.0.2.10 - 192.0.2.20'] } },
  { desc: 'single-address IPv4 range', kind: IPADDRESSPOOL, spec: { addresses: ['192.0.2.10-192.0.2.10'] } },
  { desc: 'IPv6 range and CIDR', kind: IPADDRESSPOOL, spec: { addresses: ['2001:db8::10-2001:db8::1:0', '2001:db8:1::/64'] } },
  { desc: 'CIDR with host bits set (Go ParseCIDR accepts it)', kind: IPADDRESSPOOL, spec: { addresses: ['192.0.2.1/24'] } },
  { desc: 'dynamicASN with an interface peer', kind: BGPPEER, spec: { peerASN: undefined, dynamicASN: 'internal', peerAddress: undefined, interface: 'eth0' } },
  { desc: 'IPv6 peer with 32-bit ASNs', kind: BGPPEER, spec: { myASN: 4294967295, peerASN: 4294967295, localASN: 1, peerAddress: '2001:db8::1' } },
  { desc: 'holdTime 0 and 3s boundaries', kind: BGPPEER, spec: { holdTime: '0s', keepaliveTime: '0s' } },
  { desc: 'holdTime 3s with keepalive 1s', kind: BGPPEER, spec: { holdTime: '3s', keepaliveTime: '1s' } },
  { desc: 'connectTime 1s and peerPort bounds', kind: BGPPEER, spec: { connectTime: '1s', peerPort: 1 } },
  { desc: 'connectTime 65535s and peerPort 16384', kind: BGPPEER, spec: { connectTime: '65535s', peerPort: 16384 } },
  { desc: 'myASN 0 (refused later by the semantic validator)', kind: BGPPEER, spec: { myASN: 0 } },
  { desc: 'v1beta1 peerPort 0', kind: BGPPEER_V1BETA1, spec: { peerPort: 0, holdTime: '90s', keepaliveTime: '30s' } },
  { desc: 'interface, vrf and bfdProfile at their longest', kind: BGPPEER, spec: { peerAddress: undefined, interface: 'a'.repeat(15), vrf: 'vrf-blue_1.2345', bfdProfile: 'b'.repeat(63) } },
  { desc: 'password with ! # and quotes inside, 80 characters', kind: BGPPEER, spec: { password: `a!b#c"d'${'e'.repeat(72)}` } },
  { desc: 'empty interface, vrf and password strings (unset, as in MetalLB)', kind: BGPPEER, spec: { interface: '', vrf: '', password: '' } },
  { desc: 'asPathPrepend 10', kind: BGPADVERTISEMENT, spec: { asPathPrepend: 10 } },
  { desc: 'BFD boundaries', kind: BFDPROFILE, spec: { receiveInterval: 10, transmitInterval: 60000, echoInterval: 10, detectMultiplier: 255, minimumTtl: 1 } },
  { desc: 'community maxima', kind: COMMUNITY, spec: { communities: [{ name: 'a', value: '65535:65535' }, { name: 'b', value: 'large:4294967295:0:4294967295' }] } },
  { desc: 'aliases and values mixed', kind: BGPADVERTISEMENT, spec: { communities: ['no-export', '0:0', 'large:1:2:3'] } },
  { desc: 'aggregation boundaries', kind: BGPADVERTISEMENT, spec: { aggregationLength: 1, aggregationLengthV6: 0 } },
  { desc: 'serviceSelectors with default aggregation', kind: BGPADVERTISEMENT, spec: { serviceSelectors: [{ matchLabels: { a: 'b' } }] } },
  { desc: 'preferred node weights 1 and 100', kind: L2ADVERTISEMENT, spec: { preferredNodeSelectors: [{ weight: 1, preference: {} }, { weight: 100, preference: { matchLabels: { r: '1' } } }] } },
];

let serial = 0;

/** The base spec of the kind with the case's overrides applied. */
function objectFor(c: Case): Record<string, unknown> {
  const spec: Record<string, unknown> = { ...BASE.get(c.kind), ...c.spec };
  for (const [k, v] of Object.entries(spec)) if (v === undefined) delete spec[k];
  serial += 1;
  return {
    apiVersion: `${c.kind.group}/${c.kind.version}`, kind: c.kind.kind,
    metadata: { name: `case-${String(serial)}`, namespace: NS }, spec,
  };
}

describe('metallb.io CRD rules on a real apiserver', () => {
  const cluster = useCrdCluster(NS);

  for (const c of REJECTED) {
    it(`refuses ${c.kind.kind}/${c.kind.version}: ${c.desc}`, async () => {
      const got = await tryCreate(cluster().kubeConfig, c.kind, NS, objectFor(c));
      assert.equal(got.ok, false, `${c.desc}: the apiserver stored it`);
      if (got.ok) return;
      assert.equal(got.code, 422);
      assert.ok(got.message.includes(c.wantField ?? '?'), `message does not name ${c.wantField ?? '?'}: ${got.message}`);
    });
  }

  for (const c of ACCEPTED) {
    it(`accepts ${c.kind.kind}/${c.kind.version}: ${c.desc}`, async () => {
      const got = await tryCreate(cluster().kubeConfig, c.kind, NS, objectFor(c));
      assert.ok(got.ok, got.ok ? '' : `refused: ${got.message}`);
    });
  }

  it('refuses a BFDProfile name longer than 63 characters (FRR limit)', async () => {
    const long = { apiVersion: 'metallb.io/v1beta1', kind: 'BFDProfile', metadata: { name: 'p'.repeat(64), namespace: NS }, spec: {} };
    const got = await tryCreate(cluster().kubeConfig, BFDPROFILE, NS, long);
    assert.equal(got.ok, false, 'a 64-character BFDProfile name was stored');
    if (!got.ok) assert.match(got.message, /at most 63 characters/);
    const ok63 = await tryCreate(cluster().kubeConfig, BFDPROFILE, NS, { ...long, metadata: { name: 'p'.repeat(63), namespace: NS } });
    assert.ok(ok63.ok, ok63.ok ? '' : ok63.message);
  });

  it('refuses changing enableGracefulRestart after creation', async () => {
    const body = objectFor({ desc: 'gr', kind: BGPPEER, spec: { enableGracefulRestart: true } });
    const created = await tryCreate(cluster().kubeConfig, BGPPEER, NS, body);
    assert.ok(created.ok, created.ok ? '' : created.message);
    const next = { ...created.object, spec: { ...(created.object.spec as object), enableGracefulRestart: false } };
    const name = (body.metadata as { name: string }).name;
    const got = await tryReplace(cluster().kubeConfig, BGPPEER, NS, name, next);
    assert.equal(got.ok, false, 'enableGracefulRestart was changed');
    if (!got.ok) assert.match(got.message, /spec\.enableGracefulRestart.*cannot be changed/);
  });

  it('refuses changing the node of a ServiceL2Status', async () => {
    const created = await tryCreate(cluster().kubeConfig, SERVICEL2STATUS, NS, {
      apiVersion: 'metallb.io/v1beta1', kind: 'ServiceL2Status', metadata: { name: 'l2-a', namespace: NS },
    });
    assert.ok(created.ok, created.ok ? '' : created.message);
    const status = { node: 'node-a', serviceName: 'web', serviceNamespace: 'default' };
    const first = await tryReplace(cluster().kubeConfig, SERVICEL2STATUS, NS, 'l2-a', { ...created.object, status }, 'status');
    assert.ok(first.ok, first.ok ? '' : first.message);
    const moved = { ...first.object, status: { ...status, node: 'node-b' } };
    const got = await tryReplace(cluster().kubeConfig, SERVICEL2STATUS, NS, 'l2-a', moved, 'status');
    assert.equal(got.ok, false, 'status.node was changed');
    if (!got.ok) assert.match(got.message, /status\.node.*Value is immutable/);
  });
});
