/**
 * Golden renders: each case of testing/golden-cases.ts rendered → compared byte for byte with
 * testdata/<name>.frr.conf. METALLB_TS_UPDATE_GOLDEN=1 rewrites the files instead. Every golden is
 * also loaded into a real FRR by test/integration/frr-golden.test.ts.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadFrrTemplates } from '../plan/frr-templates.ts';
import { nodeFrrFor } from './node-frr.ts';
import { createFrrRenderer } from './render.ts';
import { passwordSecretDataFor } from './view-model.ts';
import { configOf, GOLDEN_CASES } from './testing/golden-cases.ts';

const TESTDATA = join(import.meta.dirname, 'testdata');
const update = process.env['METALLB_TS_UPDATE_GOLDEN'] === '1';
const render = createFrrRenderer(loadFrrTemplates());

describe('frr.conf goldens', () => {
  for (const c of GOLDEN_CASES) {
    it(c.name, () => {
      const got = nodeFrrFor({ config: configOf(c), node: c.node, services: c.services, render });
      assert.ok(got.ok, got.ok ? '' : JSON.stringify(got.error));
      const file = join(TESTDATA, `${c.name}.frr.conf`);
      if (update) writeFileSync(file, got.value.text);
      assert.equal(got.value.text, readFileSync(file, 'utf8'), `${file} differs (METALLB_TS_UPDATE_GOLDEN=1 rewrites it)`);
    });
  }

  it('renders the same bytes twice', () => {
    const c = GOLDEN_CASES.find((g) => g.name === 'communities') ?? assert.fail('communities case missing');
    const once = nodeFrrFor({ config: configOf(c), node: c.node, services: c.services, render });
    const twice = nodeFrrFor({ config: configOf(c), node: c.node, services: [...c.services].reverse(), render });
    assert.ok(once.ok && twice.ok);
    assert.equal(once.value.text, twice.value.text);
  });

  it('never prints a password, only its placeholder', () => {
    const c = GOLDEN_CASES.find((g) => g.name === 'password') ?? assert.fail('password case missing');
    const got = nodeFrrFor({ config: configOf(c), node: c.node, services: c.services, render });
    assert.ok(got.ok);
    for (const secret of ['inline-Secret#1', 's3cr3t!x']) assert.ok(!got.value.text.includes(secret), `${secret} leaked`);
    assert.deepEqual(got.value.passwords, [
      { key: 'from-secret', placeholder: '@@password:from-secret@@' },
      { key: 'inline', placeholder: '@@password:inline@@' },
    ]);
    for (const p of got.value.passwords) assert.ok(got.value.text.includes(` password ${p.placeholder}\n`));
    assert.deepEqual(passwordSecretDataFor(configOf(c), c.node), { 'from-secret': 's3cr3t!x', inline: 'inline-Secret#1' });
  });
});
