import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { inClusterTarget, kubeTargetFromKubeconfig, kubeTargetOf, loadKubeTarget } from './kube-target.ts';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

const kubeconfig = (user: string, cluster = `certificate-authority-data: ${b64('CA')}`): string => `
apiVersion: v1
kind: Config
current-context: b
contexts:
- name: a
  context: { cluster: other, user: nobody }
- name: b
  context: { cluster: c, user: u, namespace: lb }
clusters:
- name: c
  cluster:
    server: https://127.0.0.1:6443/
    ${cluster}
users:
- name: u
  user:
    ${user}
`;

describe('kube targets from kubeconfig files', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'kube-target-'));
    writeFileSync(join(dir, 'ca.crt'), 'CA-FILE');
    writeFileSync(join(dir, 'tls.crt'), 'CERT-FILE');
    writeFileSync(join(dir, 'tls.key'), 'KEY-FILE');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const cases = [
    {
      desc: 'inline certificate data of the current context',
      text: kubeconfig(`client-certificate-data: ${b64('CERT')}\n    client-key-data: ${b64('KEY')}`),
      want: { server: 'https://127.0.0.1:6443', ca: 'CA', cert: 'CERT', key: 'KEY', namespace: 'lb' },
    },
    {
      desc: 'files relative to the kubeconfig, a token file, TLS options',
      text: kubeconfig('tokenFile: token', 'certificate-authority: ca.crt\n    tls-server-name: api.example\n    insecure-skip-tls-verify: true'),
      want: { server: 'https://127.0.0.1:6443', ca: 'CA-FILE', insecureSkipTlsVerify: true, tlsServerName: 'api.example', tokenFile: 'TOKEN', namespace: 'lb' },
    },
    {
      desc: 'certificate files and a bearer token',
      text: kubeconfig('client-certificate: tls.crt\n    client-key: tls.key\n    token: t0k'),
      want: { server: 'https://127.0.0.1:6443', ca: 'CA', cert: 'CERT-FILE', key: 'KEY-FILE', token: 't0k', namespace: 'lb' },
    },
  ];
  for (const c of cases) {
    it(c.desc, () => {
      const want = { ...c.want, ...('tokenFile' in c.want ? { tokenFile: join(dir, 'token') } : {}) };
      assert.deepEqual(kubeTargetFromKubeconfig(c.text, join(dir, 'config')), want);
    });
  }

  it('refuses exec plugins and a missing context with a message naming the file', () => {
    assert.throws(() => kubeTargetFromKubeconfig(kubeconfig('exec: { command: aws }'), '/k/config'), /\/k\/config: user credentials by exec are not supported/);
    assert.throws(() => kubeTargetFromKubeconfig('current-context: nope\ncontexts: []', '/k/config'), /no context named "nope"/);
  });

  it('loadKubeTarget: --kubeconfig, else $KUBECONFIG', () => {
    const file = join(dir, 'kc');
    writeFileSync(file, kubeconfig('token: abc'));
    assert.equal(loadKubeTarget(file, {}).token, 'abc');
    assert.equal(loadKubeTarget(undefined, { KUBECONFIG: `${file}:/elsewhere` }).token, 'abc');
  });

  it('in cluster: the ServiceAccount CA and token file, IPv6 host bracketed', () => {
    writeFileSync(join(dir, 'ca.crt'), 'SA-CA');
    assert.deepEqual(inClusterTarget({ KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' }, dir),
      { server: 'https://[fd00::1]:443', ca: 'SA-CA', tokenFile: join(dir, 'token') });
    assert.throws(() => inClusterTarget({}, dir), /KUBERNETES_SERVICE_HOST is unset/);
  });

  it('kubeTargetOf reads a loaded client-node KubeConfig', () => {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: 'https://[::1]:6443', caData: b64('CA'), skipTLSVerify: false }],
      users: [{ name: 'u', certData: b64('CERT'), keyData: b64('KEY') }], contexts: [{ name: 'x', cluster: 'c', user: 'u' }], currentContext: 'x',
    });
    assert.deepEqual(kubeTargetOf(kc), { server: 'https://[::1]:6443', ca: 'CA', cert: 'CERT', key: 'KEY' });
    assert.deepEqual(kubeTargetFromKubeconfig(kc.exportConfig(), '/k/config'), kubeTargetOf(kc), 'its JSON export reads the same');
  });
});
