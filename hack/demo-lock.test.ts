import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { acquireLock, holderOf } from './demo-lock.ts';

const dir = mkdtempSync(join(tmpdir(), 'demo-lock-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const alive = (live: readonly number[]) => (pid: number) => live.includes(pid);

test('the first demo holds the lock; a second one, while the first lives, is refused with its PID', () => {
  const path = join(dir, 'a.pid');
  const first = acquireLock(path, 100, alive([100, 200]));
  assert.equal(first.kind, 'held');
  assert.equal(holderOf(path), 100);
  assert.deepEqual(acquireLock(path, 200, alive([100, 200])), { kind: 'refused', holder: 100 });
  assert.equal(holderOf(path), 100, 'the refused demo left the lock alone');
  if (first.kind === 'held') first.release();
  assert.equal(existsSync(path), false);
  assert.equal(acquireLock(path, 200, alive([100, 200])).kind, 'held', 'free again after release');
});

test('a lock left by a dead demo, or holding no PID, is taken over', () => {
  for (const [name, content] of [['dead.pid', '100\n'], ['junk.pid', 'not a pid'], ['empty.pid', '']] as const) {
    const path = join(dir, name);
    writeFileSync(path, content);
    const r = acquireLock(path, 300, alive([300]));
    assert.equal(r.kind, 'held', name);
    assert.equal(holderOf(path), 300, name);
  }
});

test('release removes the file only while it still holds our PID', () => {
  const path = join(dir, 'b.pid');
  const mine = acquireLock(path, 400, alive([400]));
  assert.equal(mine.kind, 'held');
  writeFileSync(path, '500\n'); // someone took it over (we were thought dead)
  if (mine.kind === 'held') mine.release();
  assert.equal(holderOf(path), 500);
});
