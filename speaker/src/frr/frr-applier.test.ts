import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, test } from 'node:test';
import { createLogger } from '@metallb-ts/lib/log.ts';
import { FakeClock } from '@metallb-ts/lib/testing/fake-clock.ts';
import { sameConfig } from './core/config-normalise.ts';
import { parseConfig } from './core/config-tree.ts';
import { FrrApplier, type ApplyResult } from './frr-applier.ts';
import { FakeFrrCli } from './testing/fake-frr-cli.ts';

const SECRET = 'Fake-pw-1';
const conf = (nets: readonly string[], extra = ''): string => [
  'router bgp 64512',
  ' neighbor 192.0.2.1 remote-as 64513',
  ' neighbor 192.0.2.1 password @@password:p1@@',
  extra,
  ' address-family ipv4 unicast',
  ...nets.map((n) => `  network ${n}`),
  ' exit-address-family',
  'exit',
  '',
].filter((l) => l !== '').join('\n');
const A = conf(['198.51.100.1/32', '198.51.100.2/32']);
const B = conf(['198.51.100.2/32', '198.51.100.3/32']);
const filled = (t: string): string => t.replace('@@password:p1@@', SECRET);

/** Waits (bounded, real time) for work the fake clock started that also does real file I/O. */
async function settle(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup(opts: { secrets?: Record<string, string> } = {}) {
  const secrets = opts.secrets ?? { p1: SECRET };
  const dir = mkdtempSync(join(tmpdir(), 'applier-'));
  dirs.push(dir);
  const cli = new FakeFrrCli();
  const clock = new FakeClock();
  const logs: string[] = [];
  const results: ApplyResult[] = [];
  let identity: string | undefined = 'bgpd:100';
  const applier = new FrrApplier({
    cli, clock, rng: () => 0.5, configPath: join(dir, 'frr.conf'), workDir: dir,
    secrets: { resolve: async (keys) => new Map(keys.flatMap((k) => { const v = secrets[k]; return v === undefined ? [] : [[k, v] as const]; })) },
    logger: createLogger({ level: 'debug', stream: new Writable({ write(c, _e, cb) { logs.push(String(c)); cb(); } }) }),
    probe: async () => identity, onResult: (r) => results.push(r), retry: { baseMs: 1000, maxMs: 8000 }, watchIntervalMs: 500,
  });
  return { dir, cli, clock, logs, results, applier, secrets, setIdentity: (v: string | undefined) => { identity = v; } };
}

test('first apply diffs against the running config; the next against the last applied one', async () => {
  const s = setup();
  const a = await s.applier.apply(A);
  assert.deepEqual([a.result, a.method], ['applied', 'batch']);
  assert.ok(sameConfig(s.cli.running, parseConfig(filled(A))));
  assert.equal(statSync(join(s.dir, 'frr.conf')).mode & 0o777, 0o600);
  assert.equal(readFileSync(join(s.dir, 'frr.conf'), 'utf8'), filled(A));
  const calls = s.cli.calls.length;
  const b = await s.applier.apply(B);
  assert.deepEqual([b.result, b.removals, b.additions], ['applied', 1, 1]);
  assert.equal(s.cli.files.at(-1), 'router bgp 64512\n address-family ipv4 unicast\n  no network 198.51.100.1/32\n exit-address-family\nexit\nrouter bgp 64512\n address-family ipv4 unicast\n  network 198.51.100.3/32\n exit-address-family\nexit\n');
  assert.deepEqual(s.cli.calls.slice(calls), ['vtysh --dryrun -f', 'vtysh -f', 'vtysh -c show running-config'], 'no running-config read before the batch');
  const again = await s.applier.apply(B);
  assert.equal(again.result, 'unchanged');
});

test('a batch of statement shapes FRR accepted before skips the dry run', async () => {
  const s = setup();
  await s.applier.apply(A);
  await s.applier.apply(B); // `no network` and `network`: both shapes now dry-run once
  const calls = s.cli.calls.length;
  const c = await s.applier.apply(conf(['198.51.100.7/32']));
  assert.equal(c.result, 'applied');
  assert.deepEqual(s.cli.calls.slice(calls), ['vtysh -f', 'vtysh -c show running-config'], 'no --dryrun: only known shapes');
  assert.ok(sameConfig(s.cli.running, parseConfig(filled(conf(['198.51.100.7/32'])))));
});

test('a config vtysh --dryrun refuses is reported invalid and FRR is not touched', async () => {
  const s = setup();
  await s.applier.apply(A);
  const r = await s.applier.apply(conf(['198.51.100.9/32'], ' neighbor 192.0.2.1 bogus'));
  assert.equal(r.result, 'invalid');
  assert.match(r.message, /bogus/);
  assert.ok(sameConfig(s.cli.running, parseConfig(filled(A))));
  assert.equal(readFileSync(join(s.dir, 'frr.conf'), 'utf8'), filled(A), 'the file FRR loads on restart keeps the good config');
  assert.equal(s.clock.pending(), 0, 'no retry of an invalid config');
  // FRR restarts: the last good config comes back, not the refused one.
  s.applier.start();
  s.cli.running = parseConfig('');
  s.setIdentity('bgpd:101');
  await s.clock.advance(600);
  await settle(() => s.results.length === 3);
  assert.deepEqual(s.results.map((x) => x.result), ['applied', 'invalid', 'applied']);
  assert.ok(sameConfig(s.cli.running, parseConfig(filled(A))));
  s.applier.stop();
});

test('a batch that leaves FRR differing falls back to one full reload', async () => {
  const s = setup();
  s.cli.ignoreBatches = true;
  const r = await s.applier.apply(A);
  assert.deepEqual([r.result, r.method], ['reloaded', 'full-reload']);
  assert.equal(s.cli.calls.filter((c) => c === 'reload').length, 1);
  assert.ok(sameConfig(s.cli.running, parseConfig(filled(A))));
});

test('failures retry with backoff until FRR answers', async () => {
  const s = setup();
  s.cli.down = true;
  const r = await s.applier.apply(A);
  assert.equal(r.result, 'failed');
  await s.clock.advance(499); // backoff of attempt 0 with rng 0.5: 1000 × 0.75 = 750 ms
  assert.equal(s.results.length, 1);
  await s.clock.advance(300);
  await settle(() => s.results.length === 2);
  assert.equal(s.results.length, 2, 'first retry');
  assert.equal(s.results[1]?.result, 'failed');
  s.cli.down = false;
  await s.clock.advance(1500); // attempt 1: 2000 × 0.75
  await settle(() => s.results.length === 3);
  assert.deepEqual(s.results.map((x) => x.result), ['failed', 'failed', 'applied']);
  assert.equal(s.clock.pending(), 0);
});

test('a restarted FRR (new daemon identity, config lost) gets the config back', async () => {
  const s = setup();
  s.applier.start();
  await s.applier.apply(B);
  await s.clock.advance(600);
  assert.equal(s.results.length, 1, 'nothing to do while FRR is unchanged');
  s.setIdentity(undefined); // bgpd down
  s.cli.running = parseConfig('');
  await s.clock.advance(600);
  assert.equal(s.results.length, 1, 'nothing while a daemon is down');
  s.setIdentity('bgpd:200');
  await s.clock.advance(600);
  await settle(() => s.results.length === 2);
  assert.deepEqual(s.results.map((x) => x.result), ['applied', 'applied']);
  assert.ok(sameConfig(s.cli.running, parseConfig(filled(B))));
  s.applier.stop();
  assert.equal(s.clock.pending(), 0);
});

test('a restarted bgpd gets every statement again although the merged running config still shows them (zebra kept its route-maps)', async () => {
  const withMap = `route-map rm-out permit 1\n match ip address prefix-list pl-1\nexit\nip prefix-list pl-1 seq 1 permit 198.51.100.10/32\n${B}`;
  const s = setup();
  s.applier.start();
  await s.applier.apply(withMap);
  const before = s.cli.files.length;
  // bgpd restarted: vtysh's merged `show running-config` looks complete (zebra's copies), bgpd has lost them.
  s.setIdentity('bgpd:200');
  await s.clock.advance(600);
  await settle(() => s.results.length === 2);
  assert.deepEqual(s.results.map((x) => x.result), ['applied', 'applied'], 'not "unchanged": the restart re-asserts');
  const batch = s.cli.files.slice(before).find((f) => f.includes('route-map rm-out permit 1')) ?? '';
  for (const line of ['route-map rm-out permit 1', ' match ip address prefix-list pl-1', 'ip prefix-list pl-1 seq 1 permit 198.51.100.10/32', ' neighbor 192.0.2.1 remote-as 64513']) {
    assert.ok(batch.split('\n').includes(line), `batch re-sends ${JSON.stringify(line)}:\n${batch}`);
  }
  assert.ok(sameConfig(s.cli.running, parseConfig(filled(withMap))));
  s.applier.stop();
});

test('secrets: a missing one fails naming the key; values never reach logs or messages', async () => {
  const s = setup({ secrets: {} });
  const r = await s.applier.apply(A);
  assert.deepEqual([r.result, r.message], ['failed', 'missing-secret: p1']);
  s.applier.stop();
  const t = setup();
  t.cli.ignoreBatches = true;
  await t.applier.apply(A);
  t.cli.down = true;
  await t.applier.apply(B);
  const all = [...t.logs, ...t.results.map((x) => x.message)].join('\n');
  assert.ok(t.logs.length > 0);
  assert.doesNotMatch(all, new RegExp(SECRET));
});

test('a burst of configs costs one apply: the ones overtaken while waiting are skipped', async () => {
  const s = setup();
  const [a, b, c] = await Promise.all([s.applier.apply(A), s.applier.apply(conf(['198.51.100.7/32'])), s.applier.apply(B)]);
  assert.deepEqual([a?.result, b?.result, c?.result], ['superseded', 'superseded', 'applied']);
  assert.equal(s.cli.calls.filter((x) => x === 'vtysh -f').length, 1);
  assert.ok(sameConfig(s.cli.running, parseConfig(filled(B))));
});

test('a changed password is applied although the config text (with placeholders) is the same', async () => {
  const s = setup({ secrets: { p1: SECRET } });
  assert.equal((await s.applier.apply(A)).result, 'applied');
  assert.equal((await s.applier.apply(A)).result, 'unchanged');
  s.secrets['p1'] = 'Fake-pw-2';
  const r = await s.applier.apply(A);
  assert.deepEqual([r.result, r.removals, r.additions], ['applied', 0, 1]);
  assert.ok(sameConfig(s.cli.running, parseConfig(A.replace('@@password:p1@@', 'Fake-pw-2'))));
  assert.ok(!JSON.stringify(s.results).includes('Fake-pw-2') && !s.logs.join('').includes('Fake-pw-2'), 'no password in results or logs');
});
