/**
 * The demo (`hack/demo.ts --once`) as a newcomer runs it, once: the chart installed, the operator
 * and the speakers on the chart's ServiceAccount tokens, the samples applied, and the printed
 * sections really there and consistent with each other — the ingress IPs, the endpoints and the
 * events in `kubectl describe service` (IPAllocated; nodeAssigned naming the layer-2 node), the
 * plans and status objects, `kubectl metallb explain`, the router's ECMP next hops, and an HTTP
 * body through both VIPs (the layer-2 one from the node the LAN client's ARP entry and the
 * ServiceL2Status name). A second demo started meanwhile is refused and breaks nothing;
 * afterwards nothing is left behind (no namespace of its prefix, no process, no temp dir, no lock).
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
const BGP_VIP = '198.51.100.10';
const L2_VIP = '192.0.2.200';
const esc = (s: string): string => s.replaceAll('.', '\\.');

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

/** Runs the demo once while a second one is refused; its stdout. */
async function runDemoOnce(): Promise<string> {
  const lock = join(dir, 'demo.pid');
  const env = { ...process.env, METALLB_TS_DEMO_LOCK: lock };
  const first = execa(process.execPath, [DEMO, '--once'], { env, reject: false, timeout: 600_000, all: true });
  const held = await pollUntil(async () => (holderOf(lock) === first.pid ? true : undefined), { timeoutMs: 30_000, intervalMs: 100 });
  assert.ok(held.ok, 'the first demo takes the lock');

  const second = await execa(process.execPath, [DEMO, '--once'], { env, reject: false, timeout: 60_000 });
  assert.notEqual(second.exitCode, 0, 'a second demo while one runs exits non-zero');
  assert.match(second.stderr, new RegExp(`another demo is running \\(pid ${String(first.pid)}`));
  assert.equal(second.stdout, '', 'the refused demo started nothing');
  assert.equal(holderOf(lock), first.pid, 'the refused demo left the lock to the running one');

  const r = await first;
  assert.equal(r.exitCode, 0, `the demo exits 0; output:\n${r.all}`);
  assert.equal(existsSync(lock), false, 'lock released');
  return r.stdout;
}

/** The describe sections: ingress IP, endpoints, events; returns the node named by nodeAssigned. */
function checkDescribe(out: string): string {
  for (const [name, ip] of [['web-bgp', BGP_VIP], ['web-l2', L2_VIP]] as const) {
    const d = sectionOf(out, `kubectl describe service ${name} `);
    assert.match(d, new RegExp(`Name:\\s+${name}\\n[\\s\\S]*LoadBalancer Ingress:\\s+${esc(ip)}\\b`), `${name}: ingress IP`);
    assert.match(d, /Endpoints:\s+192\.0\.2\.10:80,192\.0\.2\.11:80\n/, `${name}: the endpoints (one per node)`);
    assert.match(d, new RegExp(`Events:[\\s\\S]*Normal\\s+IPAllocated\\s+.*metallb\\.io/controller\\s+Assigned IP \\["${esc(ip)}"\\]`), `${name}: the allocation event`);
  }
  const l2 = sectionOf(out, 'kubectl describe service web-l2 ');
  const node = /Normal\s+nodeAssigned\s+.*metallb\.io\/speaker\s+announcing from node "(node-[01])" with protocol "layer2"/.exec(l2)?.[1];
  assert.ok(node !== undefined, `web-l2: a nodeAssigned event from the speaker:\n${l2}`);
  assert.doesNotMatch(sectionOf(out, 'kubectl describe service web-bgp '), /nodeAssigned/, 'the BGP Service has no layer-2 announcer');
  return node;
}

/** The plans, the status objects and explain agree on who announces what. */
function checkAnnouncers(out: string, l2Node: string): void {
  const pools = sectionOf(out, 'pool usage');
  assert.match(pools, /^demo-bgp +\[198\.51\.100\.10-198\.51\.100\.19\] +1 +9$/m, 'demo-bgp: one of ten assigned');
  assert.match(pools, /^demo-l2 +\[192\.0\.2\.200-192\.0\.2\.209\] +1 +9$/m, 'demo-l2: one of ten assigned');
  const plans = sectionOf(out, 'which node announces what');
  for (const node of ['node-0', 'node-1']) {
    assert.match(plans, new RegExp(`^${node}\\s+router\\s+default/web-bgp\\s+${esc(L2_VIP)}\\s+default/web-l2\\s+1/1\\s+up$`, 'm'), `${node}'s plan`);
  }
  assert.match(sectionOf(out, 'kubectl get nodeplans '), /^node-0\s+node-0\s+([0-9a-f]{64})\s+\1\s+1\/1\s+Applied\s/m, 'node-0 applied what it was asked');
  const statuses = sectionOf(out, 'kubectl get servicebgpstatuses,servicel2statuses');
  for (const node of ['node-0', 'node-1']) assert.match(statuses, new RegExp(`^servicebgpstatus\\.metallb\\.io/\\S+\\s+${node}\\s+web-bgp\\s+default$`, 'm'));
  assert.match(statuses, new RegExp(`^servicel2status\\.metallb\\.io/\\S+\\s+${l2Node}\\s+web-l2\\s+default$`, 'm'), 'one ServiceL2Status, for the announcing node');
  assert.equal([...statuses.matchAll(/^servicel2status\./gm)].length, 1);

  const bgp = sectionOf(out, 'kubectl metallb explain service default/web-bgp');
  assert.match(bgp, new RegExp(`1\\. Address allocation: OK Allocated: assigned ${esc(BGP_VIP)} from IPAddressPool demo-bgp`));
  assert.match(bgp, /2\. Announcement: OK Announced: announced to BGPPeer router$/m);
  const l2 = sectionOf(out, 'kubectl metallb explain service default/web-l2');
  assert.match(l2, new RegExp(`1\\. Address allocation: OK Allocated: assigned ${esc(L2_VIP)} from IPAddressPool demo-l2`));
  assert.match(l2, new RegExp(`2\\. Announcement: OK Announced: announced by node ${l2Node} \\(layer 2\\)`));
  assert.match(l2, new RegExp(`layer-2 announcer \\(ServiceL2Status\\): ${l2Node}`));
}

/** The router has the VIP with one ECMP next hop per node; HTTP answered through both VIPs. */
function checkTraffic(out: string, l2Node: string): void {
  const route = sectionOf(out, `router: show ip route ${BGP_VIP}/32`);
  assert.match(route, /^ {2}\* 192\.0\.2\.10, via eth0/m, 'ECMP next hop node-0');
  assert.match(route, /^ {2}\* 192\.0\.2\.11, via eth0/m, 'ECMP next hop node-1');
  const table = sectionOf(out, 'router (FRR, AS 64513): show bgp ipv4 unicast');
  assert.match(table, new RegExp(`^\\*[=>] ${esc(BGP_VIP)}/32 +192\\.0\\.2\\.1[01] .* 64512 i$`, 'm'), 'the VIP in the router\'s BGP table, learned from AS 64512');
  assert.match(table, /Displayed {2}1 routes and 2 total paths/);
  const bfd = sectionOf(out, 'router: show bfd peers brief');
  for (const n of ['192.0.2.10', '192.0.2.11']) assert.match(bfd, new RegExp(`^\\d+ +192\\.0\\.2\\.1 +${esc(n)} +up\\s*$`, 'm'), `BFD up to ${n}`);
  assert.doesNotMatch(bfd, /2001:db8/, 'only the IPv4 sessions to the nodes');

  const http = sectionOf(out, 'HTTP through the VIPs');
  assert.match(http, new RegExp(`via BGP .*GET http://${esc(BGP_VIP)}/ → 200 "node-[01]"`));
  assert.match(http, new RegExp(`via layer 2 .*GET http://${esc(L2_VIP)}/ → 200 "${l2Node}"`), 'the layer-2 answer comes from the announcing node');
  assert.match(http, new RegExp(`ARP entry: ${esc(L2_VIP)} is-at [0-9a-f:]{17} \\(${l2Node}\\); ServiceL2Status says ${l2Node}`));
}

test('the demo: chart on tokens, describe/plans/explain/ECMP/HTTP over BGP and layer 2, a second run refused, nothing left behind', async () => {
  const out = await runDemoOnce();
  assert.match(out, /^\[ *\d+\.\d s\] waiting for /m, 'progress says what it waits for');
  assert.match(out, /^\[ *\d+\.\d s\] ready: both Services answer through their VIPs, [\d.]+ s after start \(load average [\d. ]+\); printing$/m);
  assert.match(sectionOf(out, 'what runs'), /RBAC +the chart's RBAC refused none of the operator's and speakers' API calls/);
  const l2Node = checkDescribe(out);
  checkAnnouncers(out, l2Node);
  checkTraffic(out, l2Node);

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
});

test('the demo explains itself on --help and refuses an argument it does not know, starting nothing', async () => {
  const env = { ...process.env, METALLB_TS_DEMO_LOCK: join(dir, 'args.pid') };
  const help = await execa(process.execPath, [DEMO, '--help'], { env, reject: false, timeout: 30_000 });
  assert.equal(help.exitCode, 0);
  assert.match(help.stdout, /^usage: sudo npm run demo \[-- --once\]\n[\s\S]*--once +exit after printing/);
  const typo = await execa(process.execPath, [DEMO, '--onec'], { env, reject: false, timeout: 30_000 });
  assert.equal(typo.exitCode, 2, 'a typo is not taken for "run until Ctrl-C"');
  assert.match(typo.stderr, /^unknown argument "--onec"\n\nusage:/);
  assert.equal(typo.stdout, '');
  assert.equal(existsSync(join(dir, 'args.pid')), false, 'neither took the lock');
});
