/**
 * The kind target's shell against a hand-written fake of its {@link Exec} port: which commands it
 * runs (kubectl with the run's kubeconfig, docker exec in the router container) and what it makes
 * of their output. The real cluster is run.sh's (kind-e2e/README.md).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CommandResult } from '../test/harness/control-plane.ts';
import type { KindTargetConfig } from './kind-target-core.ts';
import { KindBgpTarget, type Exec } from './kind-target.ts';

/** Answers by the first rule whose `match` is a prefix of `file args…`; records every call. */
function fakeExec(rules: ReadonlyArray<{ match: string; result: Partial<CommandResult> }>): { exec: Exec; calls: string[] } {
  const calls: string[] = [];
  const exec: Exec = (file, args) => {
    const line = [file, ...args].join(' ');
    calls.push(line);
    const rule = rules.find((r) => line.startsWith(r.match));
    return Promise.resolve({ stdout: '', stderr: rule === undefined ? `no rule for ${line}` : '', exitCode: rule === undefined ? 127 : 0, ...rule?.result });
  };
  return { exec, calls };
}

const NODES = JSON.stringify({ items: [
  { metadata: { name: 'e2e-worker' }, status: { addresses: [{ type: 'InternalIP', address: '192.0.2.131' }] } },
  { metadata: { name: 'e2e-control-plane' }, status: { addresses: [{ type: 'InternalIP', address: '192.0.2.130' }] } },
] });

describe('KindBgpTarget (fake Exec)', () => {
  let dir = '';
  let c: KindTargetConfig;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'kind-target-'));
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, [
      'apiVersion: v1', 'kind: Config', 'current-context: kind',
      'clusters: [{name: kind, cluster: {server: "https://127.0.0.1:6443"}}]',
      'users: [{name: kind, user: {token: t}}]', 'contexts: [{name: kind, context: {cluster: kind, user: kind}}]', '',
    ].join('\n'));
    c = { kubeconfig, namespace: 'metallb-system', router: 'e2e-router', routerV4: '192.0.2.2', vip: '203.0.113.10',
      backendImage: 'localhost/metallb-ts-operator:0.1.0', release: 'metallb-ts' };
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('start: the nodes from kubectl, with the run\'s kubeconfig; the admin KubeConfig from the same file', async () => {
    const f = fakeExec([{ match: 'kubectl', result: { stdout: NODES } }]);
    const t = await KindBgpTarget.start(c, f.exec);
    assert.deepEqual(t.nodes, [{ name: 'e2e-control-plane', v4: '192.0.2.130' }, { name: 'e2e-worker', v4: '192.0.2.131' }]);
    assert.deepEqual(f.calls, [`kubectl --kubeconfig ${c.kubeconfig} get nodes -o json`]);
    assert.equal(t.kubeConfig.getCurrentCluster()?.server, 'https://127.0.0.1:6443');
    assert.deepEqual([t.namespace, t.routerV4, t.vip], ['metallb-system', '192.0.2.2', '203.0.113.10']);
  });

  it('start fails naming kubectl\'s error', async () => {
    const f = fakeExec([{ match: 'kubectl', result: { exitCode: 1, stderr: 'connection refused' } }]);
    await assert.rejects(KindBgpTarget.start(c, f.exec), /kubectl get nodes: connection refused/);
  });

  it('routerNextHops: zebra\'s selected, active next hops in the router container, sorted', async () => {
    const route = { '203.0.113.10/32': [
      { prefix: '203.0.113.10/32', protocol: 'bgp', selected: true, nexthops: [{ ip: '192.0.2.131', active: true }, { ip: '192.0.2.130', active: true }, { ip: '192.0.2.132' }] },
      { prefix: '203.0.113.10/32', protocol: 'static', nexthops: [{ ip: '192.0.2.99', active: true }] },
    ] };
    const f = fakeExec([{ match: 'kubectl', result: { stdout: NODES } }, { match: 'docker exec e2e-router vtysh', result: { stdout: JSON.stringify(route) } }]);
    const t = await KindBgpTarget.start(c, f.exec);
    assert.deepEqual(await t.routerNextHops('203.0.113.10/32'), ['192.0.2.130', '192.0.2.131']);
    assert.equal(f.calls.at(-1), 'docker exec e2e-router vtysh -c show ip route 203.0.113.10/32 json');
  });

  it('getFromOutside: the GET runs in the router container; a failed GET is undefined', async () => {
    const ok = fakeExec([{ match: 'kubectl', result: { stdout: NODES } }, { match: 'docker exec e2e-router timeout', result: { stdout: 'HTTP/1.1 200 OK\r\n\r\nweb-1' } }]);
    const t = await KindBgpTarget.start(c, ok.exec);
    assert.deepEqual(await t.getFromOutside('http://203.0.113.10:8080/'), { status: 200, body: 'web-1' });
    assert.ok(ok.calls.at(-1)?.endsWith(' http-get 203.0.113.10 8080 /'), ok.calls.at(-1));
    const down = fakeExec([{ match: 'kubectl', result: { stdout: NODES } }, { match: 'docker exec', result: { exitCode: 124 } }]);
    assert.equal(await (await KindBgpTarget.start(c, down.exec)).getFromOutside('http://203.0.113.10:8080/'), undefined);
  });

  it('refusedCalls: the refused lines of the controller\'s and the speakers\' logs, selected by release and component', async () => {
    const f = fakeExec([{ match: 'kubectl', result: { stdout: NODES } }]);
    const logs: Exec = async (file, args, o) => {
      const line = args.join(' ');
      if (line.includes('component=controller')) return { stdout: '[pod/c-1/controller] {"msg":"ok"}\n[pod/c-1/controller] GET /api/v1/x: 403 Forbidden', stderr: '', exitCode: 0 };
      if (line.includes('component=speaker')) return { stdout: '[pod/s-1/speaker] {"msg":"applied"}', stderr: '', exitCode: 0 };
      return f.exec(file, args, o);
    };
    const t = await KindBgpTarget.start(c, logs);
    assert.deepEqual(await t.refusedCalls(), ['[pod/c-1/controller] GET /api/v1/x: 403 Forbidden']);
  });

  it('refusedCalls fails when the logs cannot be read (an empty answer would pass the step)', async () => {
    const f = fakeExec([
      { match: `kubectl --kubeconfig ${c.kubeconfig} get nodes`, result: { stdout: NODES } },
      { match: `kubectl --kubeconfig ${c.kubeconfig} logs`, result: { exitCode: 1, stderr: 'pods is forbidden' } },
    ]);
    const t = await KindBgpTarget.start(c, f.exec);
    await assert.rejects(t.refusedCalls(), /kubectl logs .*: pods is forbidden/);
  });

  it('startBackends: applies the Deployment, waits for its rollout; stop deletes it', async () => {
    const f = fakeExec([{ match: 'kubectl', result: { stdout: NODES } }]);
    const t = await KindBgpTarget.start(c, f.exec);
    await t.startBackends('web', 8080);
    await t.stop();
    assert.deepEqual(f.calls.slice(1).map((l) => l.split(' ').slice(3, 6).join(' ')), ['apply -f -', 'rollout status deployment/web', 'delete deployment web']);
  });
});
