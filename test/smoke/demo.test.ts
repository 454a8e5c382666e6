import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';

const run = promisify(execFile);

test('the demo brings up the control plane and the lab, reports, and cleans up', async () => {
  const demo = join(import.meta.dirname, '..', '..', 'hack', 'demo.ts');
  const { stdout } = await run(process.execPath, [demo, '--once'], { timeout: 120_000 });
  assert.match(stdout, /kube-apiserver v1\.36\.3/);
  assert.match(stdout, /metallb\.io CRDs 9 installed/);
  assert.match(stdout, /BGP .*: Established, 1 prefix\(es\) received/);
  assert.match(stdout, /router route +198\.51\.100\.10 (nhid \d+ )?via 192\.0\.2\.10 .*proto bgp/);
  const prefix = /lab namespaces +(mlbts-\d+-[0-9a-f]+-)/.exec(stdout)?.[1];
  assert.ok(prefix, 'the report names the lab namespaces');
  const { stdout: left } = await run('ip', ['netns', 'list']);
  assert.doesNotMatch(left, new RegExp(prefix), 'the demo removed its namespaces');
});
