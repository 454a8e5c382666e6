/**
 * What of kind-e2e/run.sh can be checked on a machine without Docker or kind (this one, CI): it
 * parses, and without its tools it stops before touching anything, naming each missing tool with
 * an install hint and the namespace-lab command that runs the same suite.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

const RUN = join(dirname(fileURLToPath(import.meta.url)), 'run.sh');
const LAB_HINT = 'sudo bash hack/test.sh test/e2e/bgp-operator-speaker.test.ts';

/** A bin directory with only what run.sh needs before its checks (bash, dirname), plus `extra` fakes. */
function binDir(root: string, name: string, extra: Readonly<Record<string, string>> = {}): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  for (const tool of ['bash', 'dirname']) symlinkSync(whichSync(tool), join(dir, tool));
  for (const [tool, script] of Object.entries(extra)) {
    writeFileSync(join(dir, tool), `#!${whichSync('bash')}\n${script}\n`);
    chmodSync(join(dir, tool), 0o755);
  }
  return dir;
}

function whichSync(tool: string): string {
  for (const d of (process.env.PATH ?? '').split(':')) if (d !== '' && existsSync(join(d, tool))) return join(d, tool);
  throw new Error(`${tool} is not on PATH`);
}

/** Runs run.sh with PATH = `bin` only (hack/env.sh then puts the pinned toolchain in front). */
const runWith = (bin: string) => execa(join(bin, 'bash'), [RUN], {
  reject: false, env: { PATH: bin, HOME: process.env.HOME ?? '/root' }, extendEnv: false, timeout: 30_000,
});

describe('kind-e2e/run.sh where Docker is not', () => {
  let root = '';
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'kind-e2e-run-'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('parses (bash -n)', async () => {
    const r = await execa('bash', ['-n', RUN], { reject: false });
    assert.equal(r.exitCode, 0, r.stderr);
  });

  it('--help prints the usage from its header', async () => {
    const r = await execa('bash', [RUN, '--help'], { reject: false });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, /^Runs the shared BGP e2e suite/);
    assert.match(r.stdout, /KIND_E2E_KEEP=1/);
    assert.doesNotMatch(r.stdout, /set -euo/);
  });

  it('no docker, no kind on PATH: exits 1 naming each with its install hint, and the namespace-lab command', async () => {
    const r = await runWith(binDir(root, 'none'));
    assert.equal(r.exitCode, 1, r.stderr);
    assert.match(r.stderr, /cannot run the kind target/);
    assert.match(r.stderr, /missing docker: install Docker Engine and start its daemon/);
    assert.match(r.stderr, /missing kind: install kind \(/);
    assert.match(r.stderr, /missing podman: /);
    assert.ok(r.stderr.includes(LAB_HINT), r.stderr);
  });

  it('a docker client without a daemon: stops at `docker info`, having run no other docker command', async () => {
    const calls = join(root, 'docker-calls');
    const bin = binDir(root, 'client-only', {
      docker: `echo "$*" >> ${JSON.stringify(calls)}; [[ $1 == info ]] && { echo 'Cannot connect to the Docker daemon' >&2; exit 1; }; exit 0`,
      kind: 'exit 0', podman: 'exit 0', helm: 'exit 0', kubectl: 'exit 0', node: 'echo v24.0.0',
    });
    const r = await runWith(bin);
    assert.equal(r.exitCode, 1, r.stderr);
    assert.match(r.stderr, /docker cannot reach a Docker daemon \(docker info failed\)/);
    assert.ok(r.stderr.includes(LAB_HINT), r.stderr);
    assert.doesNotMatch(r.stderr, /missing /);
    assert.deepEqual(readFileSync(calls, 'utf8').trim().split('\n'), ['info']);
  });

  it('an unknown KIND_E2E_IMAGES is refused before anything runs', async () => {
    const r = await execa(join(binDir(root, 'images'), 'bash'), [RUN], {
      reject: false, env: { PATH: join(root, 'images'), KIND_E2E_IMAGES: 'buildah' }, extendEnv: false,
    });
    assert.equal(r.exitCode, 1);
    assert.match(r.stderr, /KIND_E2E_IMAGES is podman or docker, not 'buildah'/);
  });
});
