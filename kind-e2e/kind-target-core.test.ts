import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { execa } from 'execa';
import { backendDeployment, httpGetArgv, httpResponseFrom, kindConfigFrom, nodesFrom, readyPodNames } from './kind-target-core.ts';

const ENV = {
  KIND_E2E_KUBECONFIG: '/tmp/k', KIND_E2E_NAMESPACE: 'metallb-system', KIND_E2E_ROUTER: 'r', KIND_E2E_ROUTER_V4: '192.0.2.2',
  KIND_E2E_VIP: '203.0.113.10', KIND_E2E_BACKEND_IMAGE: 'localhost/metallb-ts-operator:0.1.0', KIND_E2E_RELEASE: 'metallb-ts',
};

describe('kindConfigFrom', () => {
  it('reads every variable', () => {
    const r = kindConfigFrom(ENV);
    assert.ok(r.ok);
    assert.deepEqual(r.value, { kubeconfig: '/tmp/k', namespace: 'metallb-system', router: 'r', routerV4: '192.0.2.2',
      vip: '203.0.113.10', backendImage: 'localhost/metallb-ts-operator:0.1.0', release: 'metallb-ts' });
  });
  it('lists every missing or malformed variable and names run.sh', () => {
    const r = kindConfigFrom({ ...ENV, KIND_E2E_ROUTER: undefined, KIND_E2E_NAMESPACE: '', KIND_E2E_VIP: '203.0.113.300' });
    assert.ok(!r.ok);
    assert.deepEqual(r.error.split('\n'), ['KIND_E2E_NAMESPACE is not set', 'KIND_E2E_ROUTER is not set',
      'KIND_E2E_VIP="203.0.113.300" is not an IPv4 address', '(kind-e2e/run.sh sets these; run it instead of bgp.kind.ts)']);
  });
});

describe('nodesFrom', () => {
  const node = (name: string, addresses: Array<{ type: string; address: string }>) => ({ metadata: { name }, status: { addresses } });
  it('name and IPv4 InternalIP of each node, sorted by name', () => {
    const r = nodesFrom({ items: [
      node('e2e-worker', [{ type: 'InternalIP', address: '2001:db8::3' }, { type: 'InternalIP', address: '192.0.2.131' }, { type: 'Hostname', address: 'e2e-worker' }]),
      node('e2e-control-plane', [{ type: 'InternalIP', address: '192.0.2.130' }]),
    ] });
    assert.deepEqual(r, { ok: true, value: [{ name: 'e2e-control-plane', v4: '192.0.2.130' }, { name: 'e2e-worker', v4: '192.0.2.131' }] });
  });
  it('a node without an IPv4 InternalIP is an error', () => {
    const r = nodesFrom({ items: [node('e2e-worker', [{ type: 'ExternalIP', address: '192.0.2.131' }])] });
    assert.deepEqual(r, { ok: false, error: 'node "e2e-worker" has no IPv4 InternalIP' });
  });
  it('no node is an error', () => assert.deepEqual(nodesFrom({ items: [] }), { ok: false, error: 'the cluster has no node' }));
});

describe('readyPodNames', () => {
  const pod = (name: string, ready: string, deleting = false) => ({
    metadata: { name, ...(deleting ? { deletionTimestamp: '2026-12-07T00:00:00Z' } : {}) },
    status: { conditions: [{ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status: ready }] },
  });
  it('only Ready pods that are not being deleted, sorted', () => {
    assert.deepEqual(readyPodNames({ items: [pod('web-b', 'True'), pod('web-c', 'False'), pod('web-a', 'True'), pod('web-d', 'True', true)] }), ['web-a', 'web-b']);
  });
});

describe('backendDeployment', () => {
  it('selects and labels by app, never pulls, probes the port, runs as nobody', () => {
    const d = backendDeployment({ name: 'web', namespace: 'default', port: 8080, image: 'img:1', replicas: 2 }) as {
      metadata: { name: string; namespace: string }; spec: { replicas: number; selector: { matchLabels: object }; template: { metadata: { labels: object };
        spec: { securityContext: { runAsNonRoot: boolean }; containers: Array<{ image: string; imagePullPolicy: string; command: string[]; readinessProbe: object }> } } };
    };
    assert.deepEqual([d.metadata.name, d.metadata.namespace, d.spec.replicas], ['web', 'default', 2]);
    assert.deepEqual(d.spec.selector.matchLabels, { app: 'web' });
    assert.deepEqual(d.spec.template.metadata.labels, { app: 'web' });
    assert.equal(d.spec.template.spec.securityContext.runAsNonRoot, true);
    const c = d.spec.template.spec.containers[0];
    assert.deepEqual([c?.image, c?.imagePullPolicy], ['img:1', 'Never']);
    assert.deepEqual(c?.readinessProbe, { tcpSocket: { port: 8080 }, periodSeconds: 1 });
  });

  it('its command serves the pod hostname over HTTP on the port (run here with this node)', async () => {
    const d = backendDeployment({ name: 'web', namespace: 'default', port: 0, image: 'img:1', replicas: 1 }) as {
      spec: { template: { spec: { containers: Array<{ command: string[] }> } } };
    };
    const [, flag, script] = d.spec.template.spec.containers[0]?.command ?? [];
    assert.equal(flag, '-e');
    // Port 0 in the script would pick a free port; ask the server which one, then GET it.
    const probe = `${script ?? ''}`.replace('.listen(0);', '.listen(0,"127.0.0.1",function(){console.log(this.address().port)});');
    assert.notEqual(probe, script, 'the script listens on the given port');
    const child = execa(process.execPath, ['-e', probe], { reject: false });
    try {
      const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
      const res = await fetch(`http://127.0.0.1:${chunk.toString().trim()}/`, { signal: AbortSignal.timeout(5000) });
      assert.equal(res.status, 200);
      assert.equal((await res.text()).trim(), (await import('node:os')).hostname());
    } finally {
      child.kill();
      await child;
    }
  });
});

describe('httpGetArgv + httpResponseFrom (a real bash against a real HTTP server)', () => {
  let server: Server;
  let port = 0;
  const seen: string[] = [];
  before(async () => {
    server = createServer((q, r) => {
      seen.push(`${q.method} ${q.url} HTTP/${q.httpVersion}`);
      r.setHeader('content-type', 'text/plain');
      r.end('backend-1\n');
    }).listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });
  after(() => server.close());

  it('GETs the path over HTTP/1.0 and returns status and body', async () => {
    const argv = httpGetArgv(`http://127.0.0.1:${port}/who?x=1`, 5);
    assert.ok(argv.ok, argv.ok ? '' : argv.error);
    const [file, ...args] = argv.value;
    const r = await execa(file ?? '', args, { reject: false, stripFinalNewline: false });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.deepEqual(httpResponseFrom(r.stdout), { status: 200, body: 'backend-1\n' });
    assert.equal(seen.at(-1), 'GET /who?x=1 HTTP/1.0');
  });

  it('nothing listening: a non-zero exit', async () => {
    const closed = createServer().listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const free = (closed.address() as AddressInfo).port;
    closed.close();
    const argv = httpGetArgv(`http://127.0.0.1:${free}/`, 5);
    assert.ok(argv.ok);
    const [file, ...args] = argv.value;
    assert.notEqual((await execa(file ?? '', args, { reject: false })).exitCode, 0);
  });

  it('the URL\'s parts are positional parameters, not script text', () => {
    const argv = httpGetArgv('http://203.0.113.10:8080/a$(id)b', 5);
    assert.ok(argv.ok);
    assert.deepEqual(argv.value.slice(-3), ['203.0.113.10', '8080', '/a$(id)b']);
    assert.ok(!(argv.value[4] ?? '').includes('203.0.113.10'));
  });

  const refused = ['https://203.0.113.10/', 'http://example.test/', 'http://[2001:db8::1]/', 'http://u@203.0.113.10/', 'nonsense'];
  for (const url of refused) it(`refuses ${url}`, () => assert.equal(httpGetArgv(url, 5).ok, false));

  const answers: Array<{ desc: string; raw: string; want: { status: number; body: string } | undefined }> = [
    { desc: 'HTTP/1.1 with a body', raw: 'HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\nweb-1\n', want: { status: 200, body: 'web-1\n' } },
    { desc: 'HTTP/1.0 without a reason phrase', raw: 'HTTP/1.0 503\r\n\r\n', want: { status: 503, body: '' } },
    { desc: 'cut before the headers ended', raw: 'HTTP/1.1 200 OK\r\ncontent-type: te', want: undefined },
    { desc: 'not HTTP', raw: 'SSH-2.0-OpenSSH\r\n\r\n', want: undefined },
    { desc: 'nothing', raw: '', want: undefined },
  ];
  for (const c of answers) it(`parses ${c.desc}`, () => assert.deepEqual(httpResponseFrom(c.raw), c.want));
});
