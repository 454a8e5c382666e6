/**
 * The images, built and run here (hack/build-images.sh: podman, no registry, cached by input
 * hash, so a warm run only checks). Proves, in order:
 * - what went into each image: the entrypoint answers `--help`, the user it runs as (the operator
 *   nobody 65534:65534; the speaker and the FRR sidecar start as root, for the reasons their
 *   Containerfiles give), its size (stated, loosely bounded), no compiler, build tool, headers or
 *   npm dev dependency in it, and the sidecar's FRR is the FRR the tests and goldens run
 *   (Debian bookworm's, the host's version);
 * - containers of a crashed run are removed at the next start (their lab's owner PID is dead);
 * - the chart's pods from those images in the namespace lab (test/harness/lab-pods.ts): node-0
 *   runs the speaker DaemonSet's pod — the speaker and FRR sidecar images as containers in
 *   node-0's namespace, sharing /etc/frr and /var/run/frr — node-1 the speaker as a process, and
 *   the operator runs as the controller Deployment's pod; then the shared BGP suite
 *   (test/e2e/suite/bgp-service.ts) passes through them: the operator image allocates the IP,
 *   the router's ECMP next hops include node-0, whose session is the sidecar container's FRR, a
 *   client behind the router gets an answer, the route is withdrawn, and the chart's RBAC refused
 *   nothing; stopping the lab leaves no container behind.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { NetnsBgpTarget } from '../harness/netns-bgp-target.ts';
import { run } from '../harness/netns.ts';
import { buildImages, podman, podmanOk, removeLeftoverContainers, type ImageNames } from '../harness/podman.ts';
import { applyYaml } from '../harness/operator.ts';
import {
  bgpSuiteConfig, nothingRefused, reachableFromOutside, serviceAnnounced, STEP_TITLES, withdrawnWithTheAdvertisement,
} from './suite/bgp-service.ts';

/** An image with no files, for containers that never run. */
const EMPTY_IMAGE = 'localhost/mlbts-empty:test';
/** Loose upper bounds (MB): a regression that doubles an image fails, normal drift does not. */
const MAX_MB = { operator: 350, speaker: 450, frr: 250 } as const;
/** Binaries no runtime image may hold. */
const BUILD_TOOLS = ['gcc', 'cc', 'c++', 'g++', 'make', 'ld', 'as', 'cpp', 'python3-config', 'node-gyp', 'npm', 'npx', 'tsc'];
/** Debian packages of the build stage that must not reach a runtime image. */
const BUILD_PACKAGES = ['build-essential', 'gcc', 'g++', 'make', 'binutils', 'libc6-dev', 'python3-dev', 'libpcap-dev', 'libpcap0.8-dev', 'dpkg-dev'];

/** The dev-only packages of the lockfile (`node_modules/<name>` with `dev: true`). */
function devDependencies(): string[] {
  const lock = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
  return Object.entries(lock.packages).filter(([p, v]) => v.dev === true && /^node_modules\/(@[^/]+\/)?[^/]+$/.test(p)).map(([p]) => p.slice('node_modules/'.length));
}

/** What one look inside an image found: `key=value` lines of {@link FACTS_SCRIPT}, by key. */
type Facts = ReadonlyMap<string, readonly string[]>;

/**
 * Run inside an image (its entrypoint as "$@"): one container per image, because with podman's vfs
 * store every container starts with a full copy of its image.
 */
const FACTS_SCRIPT = `
"$@" --help 2>&1 | sed 's/^/help=/'; "$@" --help >/dev/null 2>&1; echo "helprc=$?"
echo "id=$(id -u):$(id -g)"
id frr 2>/dev/null | sed 's/^/frr=/'; getent group frrvty | sed 's/^/frrvty=/'
for b in ${BUILD_TOOLS.join(' ')}; do command -v "$b"; done | sed 's/^/tool=/'
dpkg-query -W -f '\${Package} \${db:Status-Status}\n' | awk '$2 == "installed" { print "pkg=" $1 }'
dpkg-query -W -f '\${Version}\n' frr 2>/dev/null | sed 's/^/frrdeb=/'
[ -x /usr/lib/frr/bgpd ] && /usr/lib/frr/bgpd --version | sed -n 1p | sed 's/^/bgpd=/'
[ -x /usr/bin/vtysh ] && echo vtysh=yes
find /usr/include /usr/local/include -type f ! -path '/usr/include/iproute2/*' 2>/dev/null | head -3 | sed 's/^/header=/'
if [ -d /app/node_modules ]; then cd /app/node_modules && for d in * @*/*; do [ -d "$d" ] && echo "module=$d"; done; fi
[ -d /app ] && find /app -path /app/node_modules -prune -o \\( -name '*.test.ts' -o -name testing -o -name '*.map' \\) -print | sed 's/^/test=/'
ls /app/node_modules/cap/build/Release 2>/dev/null | sed 's/^/cap=/'
ls -d /app/node_modules/cap/src /app/node_modules/nan 2>/dev/null | sed 's/^/capsrc=/'
true`;

/** Runs {@link FACTS_SCRIPT} in `image` (no network). */
async function factsOf(image: string): Promise<Facts> {
  const entrypoint = JSON.parse(await podmanOk(['image', 'inspect', '--format', '{{json .Config.Entrypoint}}', image])) as string[];
  const r = await podman(['run', '--rm', '--pull=never', '--network', 'none', '--entrypoint', '/bin/sh', image, '-c', FACTS_SCRIPT, 'sh', ...entrypoint], { timeoutMs: 120_000 });
  assert.equal(r.exitCode, 0, `${image}: ${r.stderr}`);
  const out = new Map<string, string[]>();
  for (const line of r.stdout.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) out.set(line.slice(0, i), [...(out.get(line.slice(0, i)) ?? []), line.slice(i + 1)]);
  }
  return out;
}

const one = (f: Facts, key: string): string => f.get(key)?.join('\n') ?? '';

let built: Promise<ImageNames> | undefined;
/** Builds once per file (cached by input hash anyway). */
const images = (): Promise<ImageNames> => (built ??= buildImages());

describe('images: built here without a registry; what is inside each', () => {
  let im: ImageNames;
  const facts = new Map<keyof ImageNames, Facts>();
  const of = (name: keyof ImageNames): Facts => facts.get(name) ?? new Map();
  before(async () => {
    im = await images();
    for (const name of ['operator', 'speaker', 'frr'] as const) facts.set(name, await factsOf(im[name]));
  });

  test('entrypoints answer --help: operator and speaker usage, the FRR sidecar names its watchfrr', () => {
    const want = { operator: /^usage: node operator\/src\/main\.ts/, speaker: /^usage: node speaker\/src\/main\.ts --node-name NODE/, frr: /^usage: frr-entrypoint[^]*watchfrr version \d/ };
    for (const name of ['operator', 'speaker', 'frr'] as const) {
      assert.equal(one(of(name), 'helprc'), '0', `${name} --help exit code`);
      assert.match(one(of(name), 'help'), want[name], `${name} --help`);
    }
  });

  test('users: operator nobody (65534:65534, non-root as the chart runs it); speaker and FRR start as root', async () => {
    const config = async (image: string): Promise<string> => (await podmanOk(['image', 'inspect', '--format', '{{.Config.User}}', image])).trim();
    assert.deepEqual([await config(im.operator), one(of('operator'), 'id')], ['65534:65534', '65534:65534']);
    assert.deepEqual([await config(im.speaker), one(of('speaker'), 'id')], ['0:0', '0:0']);
    assert.deepEqual([await config(im.frr), one(of('frr'), 'id')], ['0:0', '0:0']);
    // The ids the chart relies on: the daemons' frr user, and frrvty (the speaker pod's supplementalGroups).
    for (const name of ['speaker', 'frr'] as const) {
      assert.deepEqual([one(of(name), 'frr'), one(of(name), 'frrvty')], ['uid=200(frr) gid=200(frr) groups=200(frr),201(frrvty)', 'frrvty:x:201:frr'], name);
    }
  });

  test('sizes: stated and loosely bounded', async () => {
    const rows: string[] = [];
    for (const name of ['operator', 'speaker', 'frr'] as const) {
      const mb = Number(await podmanOk(['image', 'inspect', '--format', '{{.Size}}', im[name]])) / 1e6;
      rows.push(`${im[name]} ${mb.toFixed(1)} MB`);
      assert.ok(mb > 50 && mb < MAX_MB[name], `${im[name]}: ${mb.toFixed(1)} MB, want 50..${MAX_MB[name]}`);
    }
    console.log(`[images] ${rows.join(', ')}`);
  });

  test('no compiler, build tool, headers, tests or npm dev dependency in the runtime images', () => {
    const dev = devDependencies();
    assert.ok(dev.includes('typescript'), 'the lockfile lists dev dependencies (typescript among them)');
    for (const name of ['operator', 'speaker', 'frr'] as const) {
      const f = of(name);
      assert.ok((f.get('pkg') ?? []).includes('libc6'), `${name}: the package list was read`);
      assert.deepEqual(f.get('tool') ?? [], [], `${name}: build tools`);
      assert.deepEqual((f.get('pkg') ?? []).filter((p) => BUILD_PACKAGES.includes(p)), [], `${name}: build packages`);
      // iproute2 (a dependency of frr) ships one BPF header; no compiler comes with it.
      assert.deepEqual(f.get('header') ?? [], [], `${name}: C headers`);
    }
    for (const name of ['operator', 'speaker'] as const) {
      const modules = of(name).get('module') ?? [];
      assert.ok(modules.includes('@kubernetes/client-node'), `${name} has its production dependencies`);
      assert.deepEqual(dev.filter((d) => modules.includes(d)), [], `${name}: npm dev dependencies`);
      assert.deepEqual(of(name).get('test') ?? [], [], `${name}: no tests, test kits or source maps`);
    }
    assert.deepEqual(of('speaker').get('cap'), ['cap.node'], 'the speaker keeps the built libpcap addon');
    assert.deepEqual(of('speaker').get('capsrc') ?? [], [], '... but not its sources or the nan headers');
    assert.ok(!(of('operator').get('module') ?? []).includes('cap'), 'the operator has no libpcap addon');
  });

  test('the FRR sidecar runs the FRR the tests and goldens run (the host\'s Debian bookworm package); the speaker\'s vtysh is the same', async () => {
    const host = (await run('dpkg-query', ['-W', '-f', '${Version}', 'frr'])).stdout.trim();
    assert.match(host, /^8\.4\./, 'the host runs bookworm\'s FRR 8.4');
    assert.equal(one(of('frr'), 'frrdeb'), host, 'the sidecar\'s frr package');
    assert.match(one(of('frr'), 'bgpd'), new RegExp(`^bgpd version ${host.split('-')[0] ?? '?'}`), 'the sidecar\'s bgpd');
    assert.equal(one(of('speaker'), 'frrdeb'), host, 'the speaker\'s frr package (vtysh, frr-reload.py)');
    assert.equal(one(of('speaker'), 'vtysh'), 'yes');
    console.log(`[images] FRR ${one(of('frr'), 'bgpd')} (Debian ${host}) in the sidecar`);
  });
});

describe('containers of a crashed run are removed at the next start', () => {
  test('a container named after a lab whose owner PID is dead is removed; one of a live owner is kept', async () => {
    // An empty image: with the vfs store, a container of a real image would copy all of it.
    await run('bash', ['-c', `tar -cf - --files-from /dev/null | bash ${JSON.stringify(join(import.meta.dirname, '..', '..', 'hack', 'podman.sh'))} import --quiet - ${EMPTY_IMAGE}`]);
    const exited = await run('sh', ['-c', 'echo $$']);
    const deadPid = Number(exited.stdout.trim());
    const dead = `mlbts-${String(deadPid)}-dead-leftover`;
    const live = `mlbts-${String(process.pid)}-beef-kept`;
    await podmanOk(['create', '--pull=never', '--name', dead, EMPTY_IMAGE, 'none']);
    await podmanOk(['create', '--pull=never', '--name', live, EMPTY_IMAGE, 'none']);
    try {
      assert.deepEqual(await removeLeftoverContainers(), [dead]);
      const names = (await podmanOk(['ps', '--all', '--format', '{{.Names}}'])).split('\n');
      assert.ok(!names.includes(dead), 'the dead run\'s container is gone');
      assert.ok(names.includes(live), 'the live run\'s container is kept');
    } finally {
      await podman(['rm', '--force', '--ignore', dead, live], { timeoutMs: 60_000 });
      await podman(['rmi', '--force', EMPTY_IMAGE]);
    }
  });
});

describe('the chart\'s pods from the images in the lab (speaker + FRR sidecar on node-0, the controller pod): the BGP suite passes through them', () => {
  let t: NetnsBgpTarget | undefined;
  let stopped = false;
  const target = (): NetnsBgpTarget => {
    assert.ok(t !== undefined, 'the lab did not start');
    return t;
  };

  before(async () => {
    await images();
    await removeLeftoverContainers();
    t = await NetnsBgpTarget.start({ nodes: 2, pods: 1, progress: (what) => console.error(`[images] ${what}`) });
    await applyYaml(t, bgpSuiteConfig(t));
  });

  after(async () => {
    if (!stopped) await t?.stop();
  });

  test(`${STEP_TITLES.serviceAnnounced} (the IP allocated by the operator image)`, () => serviceAnnounced(target()));

  test('node-0\'s session is the FRR sidecar container\'s, configured by the speaker container', async () => {
    const pod = target().lab.speakerPods[0];
    assert.ok(pod !== undefined, 'node-0 runs the speaker pod');
    const frr = pod.pod.container('frr');
    const summary = await frr.exec(['vtysh', '-c', 'show bgp ipv4 unicast summary json'], { timeoutMs: 10_000 });
    assert.equal(summary.exitCode, 0, summary.stderr);
    const peers = (JSON.parse(summary.stdout) as { peers?: Record<string, { state?: string }> }).peers ?? {};
    assert.equal(peers['192.0.2.1']?.state, 'Established', `the sidecar's bgpd peers with the router: ${summary.stdout.slice(0, 300)}`);
    const running = await frr.exec(['vtysh', '-c', 'show running-config'], { timeoutMs: 10_000 });
    assert.match(running.stdout, /router bgp 64512/, 'the plan is the sidecar\'s running config');
    const ps = await frr.exec(['sh', '-c', 'for p in /proc/[0-9]*; do tr "\\0" " " < $p/cmdline; echo; done'], { timeoutMs: 10_000 });
    assert.match(ps.stdout, /\/app\/speaker\/src\/main\.ts/, 'one process namespace: the speaker runs beside the daemons');
    assert.match(ps.stdout, /\/usr\/lib\/frr\/bgpd/, 'bgpd runs in the sidecar');
    const speakerLog = readFileSync(pod.pod.container('speaker').logFile, 'utf8');
    assert.match(speakerLog, /"node":"node-0"|node-0/, 'the speaker container serves node-0');
  });

  test(STEP_TITLES.reachableFromOutside, () => reachableFromOutside(target()));
  test(STEP_TITLES.withdrawnWithTheAdvertisement, () => withdrawnWithTheAdvertisement(target()));
  test(STEP_TITLES.nothingRefused, () => nothingRefused(target()));

  test('stopping the lab removes its containers', async () => {
    const l = target();
    const prefix = l.lab.lab.prefix;
    stopped = true;
    await l.stop();
    const left = (await podmanOk(['ps', '--all', '--format', '{{.Names}}'])).split('\n').filter((n) => n.startsWith(prefix));
    assert.deepEqual(left, []);
  });
});
