import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { routerFilesFor } from './router-conf.ts';

const CLI = join(dirname(fileURLToPath(import.meta.url)), 'render-router.ts');
const root = mkdtempSync(join(tmpdir(), 'render-router-'));

describe('render-router.ts (what run.sh calls)', () => {
  after(() => rmSync(root, { recursive: true, force: true }));

  it('writes daemons, vtysh.conf and frr.conf as routerFilesFor renders them (AS 64513 ↔ 64512)', async () => {
    const out = join(root, 'ok');
    const r = await execa(process.execPath, [CLI, '--out', out, '--router-id', '192.0.2.2', '--neighbors', '192.0.2.131,192.0.2.130,'], { reject: false });
    assert.equal(r.exitCode, 0, r.stderr);
    const want = routerFilesFor({ routerAsn: 64513, nodeAsn: 64512, routerId: '192.0.2.2', neighbors: ['192.0.2.130', '192.0.2.131'] });
    assert.ok(want.ok);
    assert.deepEqual(readdirSync(out).sort(), ['daemons', 'frr.conf', 'vtysh.conf']);
    for (const [name, text] of Object.entries(want.value)) assert.equal(readFileSync(join(out, name), 'utf8'), text, name);
  });

  it('an address that is not one: exit 2, the reason, nothing written', async () => {
    const out = join(root, 'bad');
    const r = await execa(process.execPath, [CLI, '--out', out, '--router-id', '192.0.2.2', '--neighbors', '192.0.2.130,exit'], { reject: false });
    assert.equal(r.exitCode, 2);
    assert.match(r.stderr, /neighbors "exit": not an IPv4 address/);
    assert.equal(existsSync(out), false);
  });

  it('a missing option: exit 2 with the usage', async () => {
    const r = await execa(process.execPath, [CLI, '--out', join(root, 'x')], { reject: false });
    assert.equal(r.exitCode, 2);
    assert.match(r.stderr, /^usage: render-router\.ts/);
  });
});
