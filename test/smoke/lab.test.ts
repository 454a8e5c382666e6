/**
 * Smoke tests of the network-namespace lab: eBGP between a node's FRR and the router's FRR,
 * kernel ARP from the client, silent traffic drop, cleanup. Needs root and the Debian packages
 * of hack/setup.sh; a missing one fails with the install command, it never skips.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';
import type { FrrInstance } from '../harness/frr.ts';
import { simpleBgpConf } from '../harness/frr-conf.ts';
import { Lab } from '../harness/lab.ts';
import { assertInstalled, LAB_REQUIREMENTS } from '../harness/lab-prereqs.ts';
import { addNetns, delNetns, isAlive, listNetns, runOk } from '../harness/netns.ts';

const VIP = '198.51.100.10';

/** Polls `probe` every `stepMs`, at most `tries` times, until it returns a value. */
async function poll<T>(probe: () => Promise<T | undefined>, tries = 120, stepMs = 250): Promise<T | undefined> {
  for (let i = 0; i < tries; i++) {
    const v = await probe();
    if (v !== undefined) return v;
    await sleep(stepMs);
  }
  return undefined;
}

const CHILD = fileURLToPath(new URL('../harness/lab-fixture-child.ts', import.meta.url));

const CHILD_OPTS = { reject: false, timeout: 90_000 } as const;

interface ChildLab {
  prefix: string;
  dir: string;
  pids: number[];
}

/** Starts the fixture child (a lab with FRR that never destroys itself) and reads what it built. */
async function startChildLab(): Promise<{ info: ChildLab; child: ResultPromise<typeof CHILD_OPTS> }> {
  const child = execa(process.execPath, [CHILD], CHILD_OPTS);
  const lines = createInterface({ input: child.stdout! });
  const [line] = (await Promise.race([once(lines, 'line'), child.then(() => [undefined])])) as [string | undefined];
  lines.close();
  if (line === undefined) assert.fail(`fixture child printed nothing: ${(await child).stderr}`);
  return { info: JSON.parse(line) as ChildLab, child };
}

/** What is left of a lab: its namespaces, its FRR daemons, its temp dir. */
function remainsOf(info: ChildLab): { namespaces: string[]; daemons: number[]; dir: boolean } {
  return {
    namespaces: listNetns().filter((n) => n.startsWith(info.prefix)),
    daemons: info.pids.filter(isAlive),
    dir: existsSync(info.dir),
  };
}

const NOTHING = { namespaces: [], daemons: [], dir: false };

interface RouteJson {
  dst: string;
  gateway?: string;
  protocol?: string;
}

interface BgpSummary {
  ipv4Unicast?: { peers?: Record<string, { state?: string; connectionsEstablished?: number }> };
}

describe('network lab', { timeout: 120_000 }, () => {
  let lab: Lab;
  let router: FrrInstance;
  let node0: FrrInstance;

  before(async () => {
    lab = await Lab.create({ nodes: 2 });
  });
  after(async () => {
    await lab?.destroy();
  });

  test('node-0 and the router establish eBGP and the router kernel routes the VIP via node-0', async () => {
    const n0 = lab.addr('node-0').v4;
    const rt = lab.addr('router').v4;
    router = await lab.startFrr('router', simpleBgpConf({ asn: 64513, routerId: rt, peer: n0, peerAsn: 64512 }));
    node0 = await lab.startFrr('node-0', simpleBgpConf({ asn: 64512, routerId: n0, peer: rt, peerAsn: 64513, networks: [`${VIP}/32`] }));
    const route = await poll(async () => {
      const out = await runOk('ip', ['-n', lab.ns('router'), '-j', 'route', 'show', `${VIP}/32`]);
      return (JSON.parse(out) as RouteJson[]).find((r) => r.dst === VIP);
    });
    assert.ok(route, `router never got a kernel route for ${VIP}/32; bgp: ${await router.vtysh('show bgp summary')}`);
    assert.equal(route.gateway, n0);
    assert.equal(route.protocol, 'bgp');
    const summary = await router.vtyshJson<BgpSummary>('show bgp summary json');
    assert.equal(summary.ipv4Unicast?.peers?.[n0]?.state, 'Established');
  });

  test('frr.reload applies a new config without resetting the session', async () => {
    const n0 = lab.addr('node-0').v4;
    const conf = simpleBgpConf({
      asn: 64513, routerId: lab.addr('router').v4, peer: n0, peerAsn: 64512, extra: [`neighbor ${n0} description node-zero`],
    });
    await router.reload(conf);
    assert.match(await router.vtysh('show running-config'), /neighbor 192\.0\.2\.10 description node-zero/);
    const summary = await router.vtyshJson<BgpSummary>('show bgp summary json');
    assert.equal(summary.ipv4Unicast?.peers?.[n0]?.connectionsEstablished, 1);
  });

  test('the client resolves node-0 by ARP (arping and the kernel neighbour table)', async () => {
    const { v4, mac } = lab.addr('node-0');
    const r = await lab.exec('client', 'arping', ['-c', '2', '-w', '5', '-I', lab.addr('client').iface, v4]);
    assert.equal(r.exitCode, 0, r.stdout + r.stderr);
    assert.match(r.stdout, new RegExp(mac, 'i'));
    const entry = await lab.resolveNeighbor('client', v4);
    assert.equal(entry?.mac, mac.toLowerCase());
  });

  test('dropTraffic makes node-0 silent; restoreTraffic brings it back', async () => {
    const arping = () => lab.exec('client', 'arping', ['-c', '2', '-w', '3', '-I', 'eth0', lab.addr('node-0').v4]);
    await lab.dropTraffic('node-0');
    const dropped = await arping();
    assert.notEqual(dropped.exitCode, 0, `arping answered while dropped: ${dropped.stdout}`);
    await lab.restoreTraffic('node-0');
    const restored = await arping();
    assert.equal(restored.exitCode, 0, restored.stdout + restored.stderr);
  });

  test('destroy stops FRR and removes every namespace of the lab', async () => {
    const pids = [...router.pids(), ...node0.pids()];
    assert.equal(pids.length, 8, 'expected 4 daemons per FRR instance before destroy');
    await lab.destroy();
    await lab.destroy(); // idempotent
    assert.deepEqual(listNetns().filter((n) => n.startsWith(lab.prefix)), []);
    assert.deepEqual([...router.pids(), ...node0.pids()], []);
    assert.equal(existsSync(lab.dir), false);
  });
});

describe('lab housekeeping', () => {
  test('cleanupLeftovers removes a dead lab and its processes, not a live one', async () => {
    const exited = execa('true'); // its PID is a dead owner
    await exited;
    const deadNs = `mlbts-${exited.pid}-beef-node-0`;
    const live = await Lab.create({ nodes: 1 });
    await addNetns(deadNs);
    const sleeper = execa('ip', ['netns', 'exec', deadNs, 'sleep', '60'], { reject: false });
    try {
      await poll(async () => (await runOk('ip', ['netns', 'pids', deadNs])).trim() || undefined, 40, 50);
      await Lab.cleanupLeftovers(); // a concurrent test run may clean it first: check effects only
      assert.equal(listNetns().includes(deadNs), false);
      assert.notEqual((await sleeper).exitCode, 0, 'the process in the dead lab was not stopped');
      assert.ok(listNetns().includes(live.ns('node-0')), 'a live lab was touched');
    } finally {
      sleeper.kill('SIGKILL');
      await delNetns(deadNs);
      await live.destroy();
    }
  });

  test('SIGTERM to the owning process removes its lab and FRR', async () => {
    const { info, child } = await startChildLab();
    assert.equal(info.pids.length, 4);
    assert.ok(remainsOf(info).namespaces.length > 0, 'child lab has no namespaces');
    child.kill('SIGTERM');
    assert.equal((await child).exitCode, 143);
    assert.deepEqual(remainsOf(info), NOTHING);
  });

  test('after SIGKILL of the owner, the next cleanup removes its lab and FRR', async () => {
    const { info, child } = await startChildLab();
    child.kill('SIGKILL');
    await child;
    assert.ok(remainsOf(info).daemons.length === 4, 'FRR daemons should outlive a SIGKILLed owner');
    await Lab.cleanupLeftovers();
    assert.deepEqual(remainsOf(info), NOTHING);
  });

  test('a missing binary fails with the install command', () => {
    assert.throws(
      () => assertInstalled([{ what: 'FRR', bin: '/nonexistent/mlbts/zebra', packages: ['frr', 'frr-pythontools'] }]),
      { code: 'missing-prerequisite', message: 'FRR is not installed: run sudo hack/setup.sh (Debian packages frr frr-pythontools)' },
    );
    assert.throws(() => assertInstalled([{ what: 'nft', bin: 'mlbts-no-such-nft', packages: ['nftables'] }]),
      /nft is not installed: run sudo hack\/setup\.sh \(Debian package nftables\)/);
    assert.doesNotThrow(() => assertInstalled(LAB_REQUIREMENTS));
  });
});
