/**
 * The speaker as a child process: it serves /healthz, stays not ready while its API server is
 * unreachable, and exits 0 on SIGTERM. No cluster needed: the kubeconfig points at a closed
 * loopback port.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pollUntil } from '@metallb-ts/lib/time/poll.ts';
import { freePorts } from '../harness/control-plane-process.ts';

const SPEAKER_MAIN = join(import.meta.dirname, '..', '..', 'speaker', 'src', 'main.ts');

/** A kubeconfig whose server refuses connections. */
function deadKubeconfig(dir: string, port: number): string {
  const path = join(dir, 'kubeconfig');
  writeFileSync(path, [
    'apiVersion: v1', 'kind: Config', 'current-context: dead',
    'clusters: [{name: dead, cluster: {server: "https://127.0.0.1:' + String(port) + '", insecure-skip-tls-verify: true}}]',
    'users: [{name: u, user: {token: not-used}}]',
    'contexts: [{name: dead, context: {cluster: dead, user: u}}]', '',
  ].join('\n'));
  return path;
}

/** Status of GET url, or undefined when nothing answers yet. */
async function statusOf(url: string): Promise<number | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
    await res.text();
    return res.status;
  } catch {
    return undefined;
  }
}

describe('speaker process', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlbts-speaker-'));
  let child: ChildProcess | undefined;
  let output = '';
  let exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  let healthPort = 0;

  before(async () => {
    const [health, dead] = await freePorts(2);
    healthPort = health ?? 0;
    const args = [SPEAKER_MAIN, '--node-name', 'node-a', '--kubeconfig', deadKubeconfig(dir, dead ?? 1),
      '--health-port', String(healthPort), '--metrics-port', '0', '--log-level', 'debug'];
    child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (b: Buffer) => { output += b.toString(); });
    child.stderr?.on('data', (b: Buffer) => { output += b.toString(); });
    exit = new Promise((resolve) => child?.once('exit', (code, signal) => resolve({ code, signal })));
  });

  after(() => {
    if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  // Bounds, not timings: importing client-node alone takes ~15 s on a loaded 2-core machine.
  it('serves /healthz', async () => {
    const r = await pollUntil(() => statusOf(`http://127.0.0.1:${healthPort}/healthz`), { timeoutMs: 90_000, intervalMs: 100 });
    assert.deepEqual(r, { ok: true, value: 200 }, output);
  });

  it('is not ready while its Node cannot be read', async () => {
    assert.equal(await statusOf(`http://127.0.0.1:${healthPort}/readyz`), 503, output);
    const r = await pollUntil(() => (output.includes('cannot read own node') ? true : undefined), { timeoutMs: 30_000, intervalMs: 100 });
    assert.equal(r.ok, true, output);
  });

  it('exits 0 on SIGTERM', async () => {
    assert.ok(child?.kill('SIGTERM'), 'signal delivered');
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 10_000).unref());
    const result = await Promise.race([exit, timeout]);
    assert.deepEqual(result, { code: 0, signal: null }, output);
    assert.match(output, /"signal":"SIGTERM"/);
  });
});
