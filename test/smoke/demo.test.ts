/**
 * The demo (`hack/demo.ts --once`) as a newcomer runs it: the chart installed, the operator and
 * the speakers on the chart's ServiceAccount tokens, and the printed sections really there — the
 * ingress IPs and events in `kubectl describe service`, the plans, the router's ECMP next hops, an
 * HTTP body through the BGP VIP, and the plain statement that layer 2 is not wired yet. A second
 * demo started meanwhile is refused and breaks nothing; afterwards nothing is left behind (no
 * namespace, no process, no temp dir, no lock).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { execa } from 'execa';
import { pollUntil } from '@metallb-ts/lib/time/poll.ts';
import { holderOf } from '../../hack/demo-lock.ts';

const DEMO = join(import.meta.dirname, '..', '..', 'hack', 'demo.ts');
const dir = mkdtempSync(join(tmpdir(), 'demo-smoke-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The text of one `=== title ===` section of the demo's output. */
function sectionOf(out: string, title: string): string {
  const start = out.indexOf(`=== ${title}`);
  assert.ok(start >= 0, `the demo prints a section "${title}"; output:\n${out}`);
  const end = out.indexOf('\n=== ', start + 1);
  return out.slice(start, end < 0 ? undefined : end);
}

/** Command lines of every process naming one of `marks` (the demo's dirs and lab prefix). */
function processesNaming(marks: readonly string[]): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    let cmd: string;
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
    } catch {
      continue; // gone meanwhile
    }
    if (marks.some((m) => cmd.includes(m))) found.push(`${pid}: ${cmd.slice(0, 200)}`);
  }
  return found;
}

test('the demo: chart on tokens, describe/plans/ECMP/HTTP printed, a second run refused, nothing left behind', async () => {
  const lock = join(dir, 'demo.pid');
  const env = { ...process.env, METALLB_TS_DEMO_LOCK: lock };
  const first = execa(process.execPath, [DEMO, '--once'], { env, reject: false, timeout: 600_000, all: true });
  const held = await pollUntil(async () => (holderOf(lock) === first.pid ? true : undefined), { timeoutMs: 30_000, intervalMs: 100 });
  assert.ok(held.ok, 'the first demo takes the lock');

  const second = await execa(process.execPath, [DEMO, '--once'], { env, reject: false, timeout: 60_000 });
  assert.notEqual(second.exitCode, 0, 'a second demo while one runs exits non-zero');
  assert.match(second.stderr, new RegExp(`another demo is running \\(pid ${String(first.pid)}`));
  assert.equal(holderOf(lock), first.pid, 'the refused demo left the lock to the running one');

  const r = await first;
  const out = r.stdout;
  assert.equal(r.exitCode, 0, `the demo exits 0; output:\n${r.all}`);
  assert.match(out, /^… waiting for /m, 'progress says what it waits for');

  for (const [name, ip] of [['web-bgp', '198.51.100.10'], ['web-l2', '192.0.2.200']] as const) {
    const describe = sectionOf(out, `kubectl describe service ${name} `);
    assert.match(describe, new RegExp(`Name:\\s+${name}\\n[\\s\\S]*LoadBalancer Ingress:\\s+${ip.replaceAll('.', '\\.')}\\b`), `${name}: ingress IP`);
    assert.match(describe, new RegExp(`Events:[\\s\\S]*Normal\\s+IPAllocated\\s+.*metallb\\.io/controller\\s+Assigned IP \\["${ip.replaceAll('.', '\\.')}"\\]`), `${name}: the allocation event`);
  }

  const plans = sectionOf(out, 'which node announces what');
  for (const node of ['node-0', 'node-1']) {
    assert.match(plans, new RegExp(`^${node}\\s+router\\s+default/web-bgp\\s+192\\.0\\.2\\.200\\s+default/web-l2\\s+1/1\\s+up`, 'm'), `${node}'s plan`);
  }

  const route = sectionOf(out, 'router: show ip route 198.51.100.10/32');
  assert.match(route, /^  \* 192\.0\.2\.10, via eth0/m, 'ECMP next hop node-0');
  assert.match(route, /^  \* 192\.0\.2\.11, via eth0/m, 'ECMP next hop node-1');
  assert.match(sectionOf(out, 'router (FRR, AS 64513): show bgp ipv4 unicast'), /198\.51\.100\.10\/32/);

  const http = sectionOf(out, 'HTTP through the VIPs');
  assert.match(http, /via BGP .*GET http:\/\/198\.51\.100\.10\/ → 200 "node-[01]"/);
  assert.match(http, /via layer 2 {2}NOT WIRED YET[\s\S]*ARP for 192\.0\.2\.200 from the client just now: no answer/);

  const prefix = /lab namespaces +(mlbts-\d+-[0-9a-f]+-)/.exec(out)?.[1];
  const cpDir = /control plane .*; dir (\S+)\)/.exec(out)?.[1];
  const labDir = /lab dir +(\S+)/.exec(out)?.[1];
  assert.ok(prefix !== undefined && cpDir !== undefined && labDir !== undefined, 'the demo names its namespaces and dirs');
  assert.match(out, /stopped; nothing left behind/);
  const { stdout: netns } = await execa('ip', ['netns', 'list']);
  assert.doesNotMatch(netns, new RegExp(prefix), 'no lab namespace left');
  assert.equal(existsSync(cpDir), false, 'control-plane dir removed');
  assert.equal(existsSync(labDir), false, 'lab dir removed');
  assert.deepEqual(processesNaming([prefix, cpDir, labDir]), [], 'no process left');
  assert.equal(existsSync(lock), false, 'lock released');
});
