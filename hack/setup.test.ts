import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';

/** Runs a hack/ script and returns stdout and stderr together (the scripts log to stderr). */
function run(script: string, ...args: string[]): string {
  const cmd = ['bash', join(import.meta.dirname, script), ...args].map((a) => `'${a}'`).join(' ');
  return execFileSync('bash', ['-c', `${cmd} 2>&1`], { encoding: 'utf8' });
}

describe('hack setup is idempotent', () => {
  it('finds every package and tool already installed (--check)', () => {
    assert.doesNotThrow(() => run('setup.sh', '--check'));
  });

  it('rebuilds nothing when the tool cache is warm', () => {
    const out = run('build-tools.sh');
    for (const tool of [/kube-apiserver\+kubectl \S+ cached/, /etcd \S+ cached/, /helm \S+ cached/]) {
      assert.match(out, tool);
    }
    assert.doesNotMatch(out, /built in|go: downloading/);
  });

  it('keeps the pinned Node.js and runs on it', () => {
    assert.match(run('setup-node.sh'), /node v24\.\d+\.\d+ cached/);
    assert.match(process.version, /^v24\./);
  });
});
