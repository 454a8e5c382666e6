import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { configFor } from './config-for.ts';
import type { ClusterResources } from './resources.ts';

/** Names drawn from a small set so that duplicates and cross-references happen often. */
const name = fc.constantFrom('', 'a', 'b', 'c', 'fast', 'no-export', 'x y');
const garbage = fc.oneof(fc.string(), fc.constantFrom('', '-', '/', '::', '1.2.3.4/', '1.2.3.4-', ' - ', '\n'));
const ip = fc.oneof(fc.ipV4(), fc.ipV6(), garbage);
const cidr = fc.oneof(fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 40 })).map(([a, l]) => `${a}/${l}`),
  fc.tuple(fc.ipV6(), fc.integer({ min: 0, max: 140 })).map(([a, l]) => `${a}/${l}`));
const range = fc.tuple(ip, fc.constantFrom('-', ' - '), ip).map(([a, d, b]) => `${a}${d}${b}`);
const number = fc.oneof(fc.integer({ min: -5, max: 70000 }), fc.constantFrom(0, 1, 32, 128, 2 ** 32), fc.double());
const labelKey = fc.oneof(fc.constantFrom('rack', 'app', 'example.com/tier'), garbage);
const labels = fc.dictionary(labelKey, fc.oneof(fc.constantFrom('1', 'web'), garbage), { maxKeys: 2 });
const selector = fc.record({
  matchLabels: labels,
  matchExpressions: fc.array(fc.record({
    key: labelKey,
    operator: fc.oneof(fc.constantFrom('In', 'NotIn', 'Exists', 'DoesNotExist'), garbage),
    values: fc.array(fc.oneof(fc.constantFrom('1', 'web'), garbage), { maxLength: 2 }),
  }, { requiredKeys: ['key', 'operator'] }), { maxLength: 2 }),
}, { requiredKeys: [] });
const selectors = fc.array(selector, { maxLength: 2 });
const meta = fc.record({ name, namespace: fc.constantFrom('metallb-system', 'other'), labels }, { requiredKeys: [] });
const duration = fc.oneof(fc.constantFrom('90s', '3s', '1s', '0', '1m30s', '-2s', '2.5s', '100ms'), garbage);
const names = fc.array(name, { maxLength: 3 });
const communityText = fc.oneof(fc.constantFrom('1:1', '65535:65281', 'large:1:2:3', 'no-export', '1:2:3', 'large:x:1:1', '70000:1'), garbage);

const pool = fc.record({ metadata: meta, spec: fc.record({
  addresses: fc.array(fc.oneof(cidr, range, garbage), { maxLength: 3 }),
  autoAssign: fc.boolean(), avoidBuggyIPs: fc.boolean(),
  serviceAllocation: fc.record({ priority: number, namespaces: names, namespaceSelectors: selectors, serviceSelectors: selectors }, { requiredKeys: [] }),
}, { requiredKeys: ['addresses'] }) }, { requiredKeys: ['spec'] });

const peer = fc.record({ metadata: meta, spec: fc.record({
  myASN: number, peerASN: number, localASN: number, dynamicASN: fc.constantFrom('internal', 'external'),
  peerAddress: ip, interface: fc.oneof(fc.constantFrom('eth0'), garbage), sourceAddress: ip, routerID: ip, peerPort: number,
  holdTime: duration, keepaliveTime: duration, connectTime: duration, nodeSelectors: selectors,
  password: garbage, passwordSecret: fc.record({ name, namespace: fc.constantFrom('metallb-system') }, { requiredKeys: [] }),
  bfdProfile: name, enableGracefulRestart: fc.boolean(), ebgpMultiHop: fc.boolean(), vrf: garbage,
  disableMP: fc.boolean(), dualStackAddressFamily: fc.boolean(),
}, { requiredKeys: ['myASN'] }) }, { requiredKeys: ['spec'] });

const bfdProfile = fc.record({ metadata: meta, spec: fc.record({
  receiveInterval: number, transmitInterval: number, detectMultiplier: number, echoInterval: number,
  echoMode: fc.boolean(), passiveMode: fc.boolean(), minimumTtl: number,
}, { requiredKeys: [] }) }, { requiredKeys: [] });

const community = fc.record({ metadata: meta, spec: fc.record({
  communities: fc.array(fc.record({ name, value: communityText }, { requiredKeys: [] }), { maxLength: 3 }),
}, { requiredKeys: [] }) }, { requiredKeys: [] });

const targets = { ipAddressPools: names, ipAddressPoolSelectors: selectors, nodeSelectors: selectors, serviceSelectors: selectors };
const l2Adv = fc.record({ metadata: meta, spec: fc.record({
  ...targets, interfaces: fc.array(garbage, { maxLength: 2 }),
  preferredNodeSelectors: fc.array(fc.record({ weight: number, preference: selector }), { maxLength: 2 }),
}, { requiredKeys: [] }) }, { requiredKeys: [] });

const bgpAdv = fc.record({ metadata: meta, spec: fc.record({
  ...targets, aggregationLength: number, aggregationLengthV6: number, localPref: number,
  communities: fc.array(communityText, { maxLength: 3 }), peers: names,
}, { requiredKeys: [] }) }, { requiredKeys: [] });

const secret = fc.record({
  metadata: fc.record({ name, namespace: fc.constantFrom('metallb-system') }),
  type: fc.constantFrom('kubernetes.io/basic-auth', 'Opaque'),
  data: fc.dictionary(fc.constantFrom('password', 'username'), fc.oneof(fc.base64String(), garbage), { maxKeys: 2 }),
}, { requiredKeys: ['metadata'] });

const labelled = fc.record({ metadata: fc.record({ name, labels }) });

const clusterResources: fc.Arbitrary<ClusterResources> = fc.record({
  pools: fc.array(pool, { maxLength: 4 }), peers: fc.array(peer, { maxLength: 4 }),
  bfdProfiles: fc.array(bfdProfile, { maxLength: 3 }), communities: fc.array(community, { maxLength: 2 }),
  l2Advertisements: fc.array(l2Adv, { maxLength: 3 }), bgpAdvertisements: fc.array(bgpAdv, { maxLength: 3 }),
  secrets: fc.array(secret, { maxLength: 2 }), nodes: fc.array(labelled, { maxLength: 3 }), namespaces: fc.array(labelled, { maxLength: 2 }),
});

const printable = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x instanceof Set ? [...x] : x));

describe('configFor (property)', () => {
  it('never throws, reports well-formed errors, and is deterministic', () => {
    fc.assert(fc.property(clusterResources, fc.boolean(), (res, nodesKnown) => {
      const first = configFor(res, { nodesKnown });
      if (!first.ok) {
        assert.ok(first.error.length > 0);
        for (const e of first.error) assert.match(`${e.rule} ${e.message}`, /^[A-Z]\d+ \S/);
      }
      assert.equal(printable(configFor(res, { nodesKnown })), printable(first));
    }), { numRuns: 600 });
  });
});
