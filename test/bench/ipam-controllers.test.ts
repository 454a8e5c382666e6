import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { metallbBinary, METALLB_CONTROLLER_ENV } from './ipam-controllers.ts';

const noBuild = (): string => assert.fail('must not build when the variable names a binary');

describe('--vs-metallb binary lookup', () => {
  it('the variable names an existing file: that file, nothing built', () => {
    assert.equal(metallbBinary({ [METALLB_CONTROLLER_ENV]: process.execPath }, noBuild), process.execPath);
  });
  it('the variable names a missing file: refused, naming it', () => {
    assert.throws(() => metallbBinary({ [METALLB_CONTROLLER_ENV]: '/nonexistent/controller' }, noBuild), /METALLB_TS_METALLB_CONTROLLER=\/nonexistent\/controller: no such file/);
  });
  it('unset or empty: the build step runs and its path is used', () => {
    for (const env of [{}, { [METALLB_CONTROLLER_ENV]: '' }]) {
      let builds = 0;
      const bin = metallbBinary(env, () => {
        builds++;
        return process.execPath;
      });
      assert.deepEqual({ bin, builds }, { bin: process.execPath, builds: 1 });
    }
  });
  it('unset and the build step prints a path that does not exist: refused, naming the script', () => {
    assert.throws(() => metallbBinary({}, () => '/nonexistent/built'), /build-metallb\.sh printed "\/nonexistent\/built": no such file/);
  });
});
