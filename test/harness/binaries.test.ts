import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BinaryError, resolveBinary, SETUP_HINT } from './binaries.ts';

describe('resolveBinary', () => {
  const dir = mkdtempSync(join(tmpdir(), 'metallb-ts-binaries-'));
  const plain = join(dir, 'etcd');
  writeFileSync(plain, '', { mode: 0o644 });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const cases = [
    { desc: 'executable path', env: { METALLB_TS_ETCD: process.execPath }, want: process.execPath },
    { desc: 'variable unset', env: {}, wantError: /METALLB_TS_ETCD is not set.*hack\/setup\.sh/, code: 'variable-unset' },
    { desc: 'variable empty', env: { METALLB_TS_ETCD: '' }, wantError: /METALLB_TS_ETCD is not set/, code: 'variable-unset' },
    { desc: 'missing file', env: { METALLB_TS_ETCD: '/nonexistent/etcd' }, wantError: /\/nonexistent\/etcd.*hack\/setup\.sh/, code: 'not-executable' },
    { desc: 'not executable', env: { METALLB_TS_ETCD: plain }, wantError: /not executable at .*metallb-ts-binaries-/, code: 'not-executable' },
    { desc: 'a directory', env: { METALLB_TS_ETCD: dir }, wantError: /not executable at .*metallb-ts-binaries-/, code: 'not-executable' },
  ];
  for (const c of cases) {
    it(c.desc, () => {
      if (c.wantError === undefined) assert.equal(resolveBinary(c.env, 'etcd'), c.want);
      else {
        assert.throws(() => resolveBinary(c.env, 'etcd'), c.wantError);
        assert.throws(() => resolveBinary(c.env, 'etcd'), (e: unknown) => e instanceof BinaryError && e.code === c.code);
      }
    });
  }

  it('says how to build the binaries', () => {
    assert.match(SETUP_HINT, /sudo hack\/setup\.sh/);
  });
});
