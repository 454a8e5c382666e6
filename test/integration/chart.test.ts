/**
 * The Helm chart (charts/metallb-ts) against a real kube-apiserver: lint, render with the default
 * values and with a values file that sets every key (each applied with a server-side dry run),
 * schema rejections, install and upgrade. No kubelet: the objects are created, pods never run.
 * What the chart's ServiceAccounts may do is proven in chart-rbac.test.ts.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AppsV1Api, CoreV1Api, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { ControlPlane } from '../harness/control-plane.ts';
import { installCrds } from '../harness/crds.ts';
import { main as cli } from '@metallb-ts/operator/cli/main.ts';
import { CHART, FIXTURES, helmOk, kindsOf, leafPaths, renderChart } from '../harness/chart.ts';

describe('helm chart on a real apiserver', () => {
  let cp: ControlPlane;
  before(async () => {
    cp = await ControlPlane.start();
    // PodMonitor, ServiceMonitor and PrometheusRule must be known kinds for the dry runs.
    await installCrds(cp.kubeConfig, join(FIXTURES, 'monitoring-crds'));
    await Promise.all(['metallb-dry', 'metallb-all', 'metallb-pods'].map((ns) => cp.ensureNamespace(ns)));
  });
  after(async () => {
    await cp?.stop();
  });

  it('passes helm lint --strict with the default values and with every value set', async () => {
    for (const extra of [[], ['-f', join(FIXTURES, 'values-all.yaml')]]) {
      const r = await cp.helm(['lint', '--strict', CHART, ...extra]);
      assert.equal(r.exitCode, 0, `helm lint ${extra.join(' ')}:\n${r.stdout}\n${r.stderr}`);
    }
  });

  it('ships samples (the demo\'s configuration) that the operator\'s validation accepts offline', async () => {
    const lines: string[] = [];
    const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(`stderr: ${l}`) };
    assert.equal(await cli(['validate', join(CHART, 'samples')], io), 0, lines.join('\n'));
    assert.deepEqual(lines, ['valid: 2 pools, 1 peer, 1 BFD profile, 0 community aliases, 1 L2 advertisement, 1 BGP advertisement']);
  });

  it('has a values-all fixture that sets every key of values.yaml', () => {
    const defaults = leafPaths(parse(readFileSync(join(CHART, 'values.yaml'), 'utf8')));
    const all = new Set(leafPaths(parse(readFileSync(join(FIXTURES, 'values-all.yaml'), 'utf8')), true));
    assert.deepEqual(defaults.filter((p) => !all.has(p)), [], 'keys of values.yaml missing from values-all.yaml');
  });

  const dryRuns = [
    { desc: 'default values, CRDs included', ns: 'metallb-dry', args: ['--include-crds'], want: ['CustomResourceDefinition', 'DaemonSet', 'Deployment', 'ConfigMap', 'ClusterRole', 'Role'], notWant: ['Secret', 'ServiceMonitor'] },
    { desc: 'every value set', ns: 'metallb-all', args: ['--include-crds', '-f', join(FIXTURES, 'values-all.yaml')], want: ['Secret', 'Service', 'ServiceMonitor', 'PrometheusRule', 'DaemonSet'], notWant: ['CustomResourceDefinition', 'PodMonitor'] },
    { desc: 'PodMonitor instead of ServiceMonitors', ns: 'metallb-pods', args: ['--set', 'prometheus.podMonitor.enabled=true'], want: ['PodMonitor'], notWant: ['ServiceMonitor'] },
  ];
  for (const c of dryRuns) {
    it(`renders and is accepted by a server-side dry run: ${c.desc}`, async () => {
      const manifest = await renderChart(cp, c.ns, c.args);
      const kinds = kindsOf(manifest);
      for (const k of c.want) assert.ok(kinds.has(k), `${k} rendered (got ${[...kinds].join(', ')})`);
      for (const k of c.notWant) assert.ok(!kinds.has(k), `${k} not rendered`);
      const r = await cp.kubectl(['apply', '--dry-run=server', '-n', c.ns, '-f', '-'], manifest);
      assert.equal(r.exitCode, 0, `dry run refused:\n${r.stderr}`);
      assert.equal((r.stdout.match(/\(server dry run\)/g) ?? []).length, manifest.split(/^---$/m).filter((d) => /^kind:/m.test(d)).length,
        `every object passed the dry run:\n${r.stdout}`);
    });
  }

  it('passes the values through: --lb-class, ports, memberlist, tolerations, the FRR image', async () => {
    const docs = (await renderChart(cp, 'metallb-all', ['-f', join(FIXTURES, 'values-all.yaml')])).split(/^---$/m).map((d) => parse(d) as Record<string, any> | null);
    const byKind = (k: string): Record<string, any> => docs.find((d) => d?.['kind'] === k) ?? assert.fail(`${k} missing`);
    const op = byKind('Deployment')['spec']['template']['spec'];
    assert.deepEqual(op['containers'][0]['args'], ['--log-level=debug', '--port=9200', '--health-probe-port=18000', '--lease-name=lb-controller', '--lb-class=example.com/metallb-ts']);
    assert.equal(byKind('Deployment')['spec']['replicas'], 3);
    const sp = byKind('DaemonSet')['spec']['template']['spec'];
    assert.equal(sp['hostNetwork'], true);
    assert.deepEqual(sp['tolerations'], [{ operator: 'Exists', effect: 'NoExecute' }], 'tolerateMaster=false leaves only the user toleration');
    const env = Object.fromEntries(sp['containers'][0]['env'].map((e: any) => [e.name, e.value ?? e.valueFrom.fieldRef.fieldPath]));
    assert.equal(env['METALLB_ML_SECRET_NAME'], 'gossip-key');
    assert.equal(env['METALLB_ML_BIND_PORT'], '7947');
    assert.equal(env['METALLB_L2_GRATUITOUS_REFRESH'], '45s', 'speaker.layer2.gratuitousRefresh reaches the speaker');
    assert.equal(env['METALLB_NODE_NAME'], 'spec.nodeName');
    assert.equal(env['POD_IP'], 'status.podIP');
    assert.deepEqual(sp['containers'].map((c: any) => [c.name, c.image]), [['speaker', 'registry.example/metallb-ts-speaker:v9.9.9'], ['frr', 'registry.example/metallb-ts-frr:10.2']]);
    const secret = byKind('Secret');
    assert.equal(Buffer.from(secret['data']['secretkey'], 'base64').length, 16, 'a pre-created memberlist key is 16 bytes');
  });

  it('gives the speaker container only NET_RAW, NET_ADMIN, NET_BIND_SERVICE and the operator none; probes that fit each', async () => {
    const docs = (await renderChart(cp, 'metallb-dry', [])).split(/^---$/m).map((d) => parse(d) as Record<string, any> | null);
    const podOf = (k: string): Record<string, any> => docs.find((d) => d?.['kind'] === k)?.['spec']['template']['spec'] ?? assert.fail(`${k} missing`);
    const caps = (pod: Record<string, any>, name: string): unknown => pod['containers'].find((c: any) => c.name === name)?.securityContext.capabilities;
    assert.deepEqual(caps(podOf('DaemonSet'), 'speaker'), { drop: ['ALL'], add: ['NET_RAW', 'NET_ADMIN', 'NET_BIND_SERVICE'] });
    assert.deepEqual(caps(podOf('Deployment'), 'controller'), { drop: ['ALL'] });
    assert.equal(podOf('Deployment')['containers'][0]['securityContext']['readOnlyRootFilesystem'], true);
    assert.deepEqual(podOf('DaemonSet')['tolerations'].map((t: any) => t.key), ['node-role.kubernetes.io/control-plane', 'node-role.kubernetes.io/master']);
    // The standby operator replica must count as ready (its /readyz is true only on the leader).
    assert.equal(podOf('Deployment')['containers'][0]['readinessProbe']['httpGet']['path'], '/healthz');
    // The speaker serves health on the node's 127.0.0.1 only.
    assert.deepEqual(podOf('DaemonSet')['containers'][0]['readinessProbe']['httpGet'], { path: '/readyz', port: 17472, host: '127.0.0.1' });
    assert.ok(!podOf('DaemonSet')['containers'][0]['env'].some((e: any) => e.name === 'METALLB_L2_GRATUITOUS_REFRESH'), 'no periodic gratuitous refresh by default (as MetalLB)');
  });

  const rejected = [
    { desc: 'a misspelt key (values-typo.yaml)', args: ['-f', join(FIXTURES, 'values-typo.yaml')], want: /additional properties 'tolerateMastr' not allowed/ },
    { desc: 'a MetalLB key metallb-ts does not implement', args: ['--set', 'speaker.frr.metricsPort=9121'], want: /additional properties 'metricsPort' not allowed/ },
    { desc: 'a string where a number belongs', args: ['--set-string', 'controller.replicas=two'], want: /\/controller\/replicas.*want integer/ },
    { desc: 'a log level the binaries do not know', args: ['--set', 'speaker.logLevel=all'], want: /\/speaker\/logLevel/ },
    { desc: 'a gratuitous refresh that is not a duration', args: ['--set', 'speaker.layer2.gratuitousRefresh=30'], want: /\/speaker\/layer2\/gratuitousRefresh/ },
    { desc: 'both monitor kinds', args: ['--set', 'prometheus.podMonitor.enabled=true', '--set', 'prometheus.serviceMonitor.enabled=true'], want: /exclusive/ },
  ];
  for (const c of rejected) {
    it(`refuses ${c.desc}`, async () => {
      const r = await cp.helm(['template', 'x', CHART, ...c.args]);
      assert.notEqual(r.exitCode, 0, 'helm template must fail');
      assert.match(r.stderr, c.want);
    });
  }

  it('leaves the CRDs out when crds.enabled=false', async () => {
    const kinds = kindsOf(await renderChart(cp, 'metallb-dry', ['--include-crds', '--set', 'crds.enabled=false']));
    assert.ok(!kinds.has('CustomResourceDefinition') && kinds.has('DaemonSet'), [...kinds].join(', '));
  });

  describe('helm install and upgrade', () => {
    const NS = 'metallb-system';
    before(async () => {
      await cp.ensureNamespace(NS);
    });

    it('installs: CRDs served, two operator replicas, the speaker DaemonSet, RBAC objects', async () => {
      await helmOk(cp, ['install', 'metallb-ts', CHART, '-n', NS]);
      const crds = await cp.kubectl(['get', 'crd', '-o', 'name']);
      assert.match(crds.stdout, /nodeplans\.speaker\.metallb-ts\.io/);
      assert.match(crds.stdout, /ipaddresspools\.metallb\.io/);
      const apps = cp.kubeConfig.makeApiClient(AppsV1Api);
      assert.equal((await apps.readNamespacedDeployment({ namespace: NS, name: 'metallb-ts-controller' })).spec?.replicas, 2);
      await apps.readNamespacedDaemonSet({ namespace: NS, name: 'metallb-ts-speaker' });
      const rbac = cp.kubeConfig.makeApiClient(RbacAuthorizationV1Api);
      const roles = (await rbac.listNamespacedRole({ namespace: NS })).items.map((r) => r.metadata?.name).sort();
      assert.deepEqual(roles, ['metallb-ts-controller', 'metallb-ts-speaker']);
      const notes = await cp.helm(['get', 'notes', 'metallb-ts', '-n', NS]);
      assert.match(notes.stdout, /kind: IPAddressPool[\s\S]*kind: L2Advertisement[\s\S]*kind: BGPAdvertisement/);
      assert.match(notes.stdout, /samples\/ directory[\s\S]*bgp\.yaml[\s\S]*layer2\.yaml[\s\S]*services\.yaml/, 'NOTES point at the samples');
      assert.doesNotMatch(notes.stdout, /change their metadata\.namespace/, 'the samples\' namespace is the release\'s');
      const elsewhere = await helmOk(cp, ['install', 'notes-check', CHART, '-n', 'metallb-dry', '--dry-run=client']);
      assert.match(elsewhere.stdout, /They use namespace metallb-system: change their metadata\.namespace to metallb-dry\./, 'installed elsewhere, the NOTES say where the samples must go');
    });

    it('upgrades: values change the objects, and a pre-created memberlist key survives a further upgrade', async () => {
      await helmOk(cp, ['upgrade', 'metallb-ts', CHART, '-n', NS, '--set', 'controller.replicas=1', '--set', 'speaker.memberlist.secretName=gossip']);
      const apps = cp.kubeConfig.makeApiClient(AppsV1Api);
      assert.equal((await apps.readNamespacedDeployment({ namespace: NS, name: 'metallb-ts-controller' })).spec?.replicas, 1);
      const core = cp.kubeConfig.makeApiClient(CoreV1Api);
      const key = (await core.readNamespacedSecret({ namespace: NS, name: 'gossip' })).data?.['secretkey'];
      assert.equal(Buffer.from(key ?? '', 'base64').length, 16);
      await helmOk(cp, ['upgrade', 'metallb-ts', CHART, '-n', NS, '--reuse-values', '--set', 'controller.logLevel=debug']);
      assert.equal((await core.readNamespacedSecret({ namespace: NS, name: 'gossip' })).data?.['secretkey'], key, 'key kept');
      const hist = await cp.helm(['history', 'metallb-ts', '-n', NS, '-o', 'json']);
      assert.deepEqual((JSON.parse(hist.stdout) as Array<{ status: string }>).map((h) => h.status), ['superseded', 'superseded', 'deployed']);
    });

    it('uninstalls the workloads and keeps the CRDs (and so the users\' configuration)', async () => {
      await helmOk(cp, ['uninstall', 'metallb-ts', '-n', NS]);
      const left = await cp.kubectl(['get', 'deployments,daemonsets,roles', '-n', NS, '-o', 'name']);
      assert.equal(left.stdout.trim(), '', 'workloads and roles removed');
      const crds = await cp.kubectl(['get', 'crd', 'nodeplans.speaker.metallb-ts.io', 'ipaddresspools.metallb.io', '-o', 'name']);
      assert.equal(crds.exitCode, 0, crds.stderr);
      assert.equal(crds.stdout.trim().split('\n').length, 2);
    });
  });
});
