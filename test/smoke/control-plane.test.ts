/**
 * Smoke tests of the control plane harness: a real etcd + kube-apiserver answer client-node,
 * enforce RBAC on ServiceAccount tokens, report the pinned version, and a missing binary fails
 * with instructions instead of skipping.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { CoreV1Api, RbacAuthorizationV1Api, VersionApi } from '@kubernetes/client-node';
import { statusOf } from '../harness/api-status.ts';
import { ControlPlane } from '../harness/control-plane.ts';
import { resolveBinary } from '../harness/binaries.ts';

const NS = 'smoke';

/** True when `ip` is an IPv4 address inside 198.51.100.128/25. */
function inServiceRange(ip: string): boolean {
  const m = /^198\.51\.100\.(\d+)$/.exec(ip);
  return m !== null && Number(m[1]) >= 128 && Number(m[1]) <= 255;
}

/** True when the process is gone (or a zombie waiting for init to reap it). */
function isGone(pid: number): boolean {
  try {
    return /^State:\s+Z/m.test(readFileSync(`/proc/${String(pid)}/status`, 'utf8'));
  } catch {
    return true;
  }
}

/** Polls (bounded: 50 x 100 ms) until every pid is gone; returns those still alive. */
async function survivors(pids: readonly number[]): Promise<number[]> {
  for (let i = 0; i < 50 && pids.some((p) => !isGone(p)); i++) await sleep(100);
  return pids.filter((p) => !isGone(p));
}

describe('control plane harness', () => {
  let cp: ControlPlane;
  before(async () => {
    cp = await ControlPlane.start();
    await cp.ensureNamespace(NS);
  });
  after(async () => {
    await cp?.stop();
  });

  it('creates a LoadBalancer Service through client-node and reads it back with a ClusterIP', async () => {
    const core = cp.kubeConfig.makeApiClient(CoreV1Api);
    await core.createNamespacedService({
      namespace: NS,
      body: { metadata: { name: 'web' }, spec: { type: 'LoadBalancer', ports: [{ port: 80, protocol: 'TCP' }] } },
    });
    const got = await core.readNamespacedService({ name: 'web', namespace: NS });
    assert.equal(got.spec?.type, 'LoadBalancer');
    const clusterIP = got.spec?.clusterIP ?? '';
    assert.ok(inServiceRange(clusterIP), `clusterIP ${clusterIP} not in 198.51.100.128/25`);
  });

  it('gives a RequireDualStack Service one ClusterIP per family from the documentation ranges', async () => {
    const core = cp.kubeConfig.makeApiClient(CoreV1Api);
    const svc = await core.createNamespacedService({ namespace: NS, body: {
      metadata: { name: 'dual' },
      spec: { type: 'LoadBalancer', ipFamilyPolicy: 'RequireDualStack', ports: [{ port: 80, protocol: 'TCP' }] },
    } });
    const [v4, v6] = svc.spec?.clusterIPs ?? [];
    assert.ok(inServiceRange(v4 ?? ''), `IPv4 clusterIP ${String(v4)} not in 198.51.100.128/25`);
    assert.match(v6 ?? '', /^2001:db8:ffff::[0-9a-f]{1,4}$/, 'IPv6 clusterIP in 2001:db8:ffff::/112');
  });

  it('denies a ServiceAccount token a verb its Role lacks (403) and allows the granted ones', async () => {
    const rbac = cp.kubeConfig.makeApiClient(RbacAuthorizationV1Api);
    await rbac.createNamespacedRole({ namespace: NS, body: {
      metadata: { name: 'svc-reader' },
      rules: [{ apiGroups: [''], resources: ['services'], verbs: ['get', 'list'] }],
    } });
    await rbac.createNamespacedRoleBinding({ namespace: NS, body: {
      metadata: { name: 'svc-reader' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'svc-reader' },
      subjects: [{ kind: 'ServiceAccount', name: 'reader', namespace: NS }],
    } });
    const core = (await cp.kubeConfigFor(NS, 'reader')).makeApiClient(CoreV1Api);
    const cases = [
      { desc: 'list services', call: () => core.listNamespacedService({ namespace: NS }), want: 200 },
      { desc: 'get a service', call: () => core.readNamespacedService({ name: 'web', namespace: NS }), want: 200 },
      { desc: 'delete a service', call: () => core.deleteNamespacedService({ name: 'web', namespace: NS }), want: 403 },
      { desc: 'list pods', call: () => core.listNamespacedPod({ namespace: NS }), want: 403 },
    ];
    for (const c of cases) assert.equal(await statusOf(c.call), c.want, c.desc);
  });

  it('reports the pinned version v1.36.3 on /version', async () => {
    const v = await cp.kubeConfig.makeApiClient(VersionApi).getCode();
    assert.equal(v.gitVersion, 'v1.36.3');
  });

  it('runs the pinned kubectl against the control plane', async () => {
    const r = await cp.kubectl(['get', 'service', 'web', '-n', NS, '-o', 'jsonpath={.spec.type}']);
    assert.deepEqual({ exitCode: r.exitCode, stdout: r.stdout }, { exitCode: 0, stdout: 'LoadBalancer' });
  });

  it('restarts the apiserver on the same port and keeps the data in etcd', async () => {
    const before = cp.pids;
    await cp.restartApiserver();
    assert.notEqual(cp.pids.apiserver, before.apiserver, 'a new apiserver process');
    assert.equal(cp.pids.etcd, before.etcd, 'etcd untouched');
    const got = await cp.kubeConfig.makeApiClient(CoreV1Api).readNamespacedService({ name: 'web', namespace: NS });
    assert.equal(got.metadata?.name, 'web');
  });

  it('kills its processes and removes its dir when the test process gets SIGTERM', async () => {
    const fixture = fileURLToPath(new URL('../harness/control-plane-child.ts', import.meta.url));
    const child = execa(process.execPath, [fixture], { reject: false, timeout: 90_000, stderr: 'inherit' });
    const line = await new Promise<string>((resolve) => {
      let buf = '';
      child.stdout.on('data', (d: Buffer) => {
        buf += d.toString();
        if (buf.includes('\n')) resolve(buf.slice(0, buf.indexOf('\n')));
      });
      void child.then(() => resolve(buf));
    });
    const info = JSON.parse(line) as { etcd: number; apiserver: number; dir: string };
    process.kill(child.pid ?? 0, 'SIGTERM');
    const r = await child;
    assert.equal(r.exitCode, 143, 'child exits with 128+SIGTERM');
    assert.deepEqual(await survivors([info.etcd, info.apiserver]), [], 'etcd and apiserver killed');
    assert.equal(existsSync(info.dir), false, `${info.dir} removed`);
  });

  it('names hack/setup.sh when a binary is missing', () => {
    const env = { METALLB_TS_KUBE_APISERVER: '/nonexistent/metallb-ts/kube-apiserver' };
    assert.throws(() => resolveBinary(env, 'kubeApiserver'), (e: unknown) =>
      e instanceof Error && e.message.includes('hack/setup.sh') && e.message.includes('/nonexistent/metallb-ts/kube-apiserver'));
  });
});
