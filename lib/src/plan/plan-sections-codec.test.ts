/** bgpServices + l2 round trip through spec.packed, stay plain while small, and corrupt packs are refused. */
import assert from 'node:assert/strict';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import type { NodePlanSpec } from '../api/types.generated.ts';
import { sha256Hex } from './frr-config-codec.ts';
import { packPlanSpec, unpackPlanSpec } from './plan-sections-codec.ts';

const base: NodePlanSpec = { nodeName: 'node-0', frr: { encoding: 'plain', config: '', sha256: sha256Hex(''), size: 0 }, bgpPeers: [{ name: 'tor', neighbor: '192.0.2.1' }] };
const services = (n: number): string[] => Array.from({ length: n }, (_, i) => `tenant-${i % 7}/service-${i}`);
const withSections = (n: number): NodePlanSpec => ({
  ...base,
  bgpServices: [{ peers: ['tor'], services: services(n) }],
  l2: { candidateSets: [{ nodes: [{ name: 'node-0' }, { name: 'node-1', weight: 5 }] }], vips: services(n).map((s, i) => ({ ip: `198.51.100.${i % 250}`, set: 0, services: [s] })) },
});

describe('plan sections codec', () => {
  const cases = [
    { desc: 'no sections: unchanged', spec: base, packed: false },
    { desc: 'small sections stay plain', spec: withSections(10), packed: false },
    { desc: 'large sections are packed', spec: withSections(5_000), packed: true },
    { desc: 'only bgpServices, large', spec: { ...base, bgpServices: [{ peers: ['tor'], services: services(20_000) }] }, packed: true },
  ];
  for (const c of cases) {
    it(c.desc, () => {
      const p = packPlanSpec(c.spec);
      assert.equal(p.packed !== undefined, c.packed);
      if (c.packed) assert.ok(p.bgpServices === undefined && p.l2 === undefined, 'packed fields left in place');
      assert.deepEqual(unpackPlanSpec(p), { ok: true, value: c.spec });
      assert.deepEqual(packPlanSpec(c.spec), p, 'packing is deterministic');
    });
  }

  it('each Service name is stored once', () => {
    const spec = withSections(5_000);
    const p = packPlanSpec(spec);
    const decoded = JSON.parse(gunzipSync(Buffer.from(p.packed!.data, 'base64')).toString('utf8')) as { services: string[] };
    assert.deepEqual(decoded.services, [...services(5_000)].sort());
  });

  it('packing makes large sections much smaller', () => {
    const spec = withSections(5_000);
    assert.ok(Buffer.byteLength(JSON.stringify(packPlanSpec(spec))) * 4 < Buffer.byteLength(JSON.stringify(spec)));
  });

  it('a packed spec is not packed twice', () => {
    assert.throws(() => packPlanSpec(packPlanSpec(withSections(5_000))), /packed already/);
  });

  const packedOf = (text: string) => ({ encoding: 'gzip+base64' as const, data: gzipSync(text).toString('base64'), sha256: sha256Hex(text), size: Buffer.byteLength(text) });
  const refusals = [
    { desc: 'not gzip', packed: { ...packedOf('{}'), data: 'bm90IGd6aXA=' }, kind: 'corrupt' },
    { desc: 'not JSON', packed: packedOf('{"l2":'), kind: 'corrupt' },
    { desc: 'hash mismatch', packed: { ...packedOf('{"services":[],"bgpServices":[]}'), sha256: sha256Hex('other') }, kind: 'hashMismatch' },
    { desc: 'no services table', packed: packedOf('{"bgpServices":[]}'), kind: 'corrupt' },
    { desc: 'a field that may not be packed', packed: packedOf('{"services":[],"frr":{}}'), kind: 'corrupt' },
    { desc: 'l2 without vips', packed: packedOf('{"services":[],"l2":{"candidateSets":[]}}'), kind: 'corrupt' },
    { desc: 'bgpServices not a list', packed: packedOf('{"services":[],"bgpServices":{}}'), kind: 'corrupt' },
    { desc: 'a Service index out of range', packed: packedOf('{"services":["a/b"],"bgpServices":[{"peers":["tor"],"services":[1]}]}'), kind: 'corrupt' },
    { desc: 'a Service name instead of an index', packed: packedOf('{"services":["a/b"],"l2":{"candidateSets":[],"vips":[{"ip":"192.0.2.1","set":0,"services":["a/b"]}]}}'), kind: 'corrupt' },
  ];
  for (const c of refusals) {
    it(`refuses: ${c.desc}`, () => {
      const r = unpackPlanSpec({ ...base, packed: c.packed });
      assert.ok(!r.ok && r.error.kind === c.kind, JSON.stringify(r));
    });
  }
});
