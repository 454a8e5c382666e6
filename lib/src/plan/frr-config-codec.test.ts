/** spec.frr round trips, switches to gzip when large, and refuses corrupt or tampered configs. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeFrrConfig, encodeFrrConfig, sha256Hex } from './frr-config-codec.ts';

const small = 'router bgp 64512\n neighbor 192.0.2.1 remote-as 64513\nexit\n';
const large = Array.from({ length: 5000 }, (_, i) => ` network 2001:db8:100::${i.toString(16)}/128\n`).join('');

describe('frr config codec', () => {
  const cases = [
    { desc: 'small config stays plain', text: small, encoding: 'plain' },
    { desc: 'large config is gzipped', text: large, encoding: 'gzip+base64' },
    { desc: 'empty config', text: '', encoding: 'plain' },
  ] as const;
  for (const c of cases) {
    it(c.desc, () => {
      const enc = encodeFrrConfig(c.text);
      assert.equal(enc.encoding, c.encoding);
      assert.equal(enc.size, Buffer.byteLength(c.text));
      assert.equal(enc.sha256, sha256Hex(c.text));
      assert.deepEqual(decodeFrrConfig(enc), { ok: true, value: c.text });
      assert.deepEqual(encodeFrrConfig(c.text), enc, 'encoding is deterministic');
    });
  }

  it('gzip makes the large config much smaller', () => {
    assert.ok(encodeFrrConfig(large).config.length * 4 < large.length);
  });

  it('refuses a config whose hash does not match', () => {
    const r = decodeFrrConfig({ ...encodeFrrConfig(small), config: `${small}router bgp 1\n` });
    assert.ok(!r.ok && r.error.kind === 'hashMismatch');
  });

  it('refuses corrupt gzip', () => {
    const r = decodeFrrConfig({ ...encodeFrrConfig(large), config: 'bm90IGd6aXA=' });
    assert.ok(!r.ok && r.error.kind === 'corrupt');
  });
});
