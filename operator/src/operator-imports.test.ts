/**
 * The operator binary must not load @kubernetes/client-node at run time (~85 MiB of RSS and
 * most of its per-request CPU, docs/operator-memory.md): its API calls go through the raw client
 * (lib/k8s/kube-client.ts) and client-node may be imported for types only. A child process
 * loads the operator's modules and reports every package it loaded.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

const url = (rel: string): string => new URL(rel, import.meta.url).href;

const SCRIPT = `
import { registerHooks } from 'node:module';
const loaded = new Set();
registerHooks({ load(u, ctx, next) { const m = /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(u); if (m) loaded.add(m[1]); return next(u, ctx); } });
await import(${JSON.stringify(url('./controller/operator.ts'))});
await import(${JSON.stringify(url('./options.ts'))});
await import(${JSON.stringify(url('../../lib/src/k8s/kube-target.ts'))});
await import(${JSON.stringify(url('../../lib/src/log.ts'))});
process.stdout.write(JSON.stringify([...loaded].sort()));
`;

describe('operator binary imports', () => {
  it('loads no runtime value of @kubernetes/client-node', () => {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', SCRIPT], { cwd: fileURLToPath(url('.')), encoding: 'utf8', timeout: 60_000 });
    const loaded = JSON.parse(out) as string[];
    assert.ok(loaded.includes('prom-client'), `the probe sees packages: ${out}`);
    assert.ok(!loaded.includes('@kubernetes/client-node'), `client-node was loaded: ${out}`);
  });
});
