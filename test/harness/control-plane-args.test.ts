import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { apiserverArgs, etcdArgs } from './control-plane-args.ts';
import { pkiFiles } from './pki.ts';

/** The value of `--name=value` in argv, or undefined; the last occurrence wins, as in pflag. */
function flag(argv: readonly string[], name: string): string | undefined {
  const hits = argv.filter((a) => a.startsWith(`--${name}=`));
  return hits.at(-1)?.slice(name.length + 3);
}

describe('apiserverArgs', () => {
  const base = { pki: pkiFiles('/d'), etcdClientPort: 2379, securePort: 6443, extraArgs: [] };
  const cases = [
    { desc: 'etcd on loopback', extra: [], name: 'etcd-servers', want: 'http://127.0.0.1:2379' },
    { desc: 'secure port', extra: [], name: 'secure-port', want: '6443' },
    { desc: 'dual-stack documentation service ranges', extra: [], name: 'service-cluster-ip-range', want: '198.51.100.128/25,2001:db8:ffff::/112' },
    { desc: 'RBAC', extra: [], name: 'authorization-mode', want: 'RBAC' },
    { desc: 'no ServiceAccount admission', extra: [], name: 'disable-admission-plugins', want: 'ServiceAccount' },
    { desc: 'SA signing key from the PKI dir', extra: [], name: 'service-account-signing-key-file', want: '/d/sa.key' },
    { desc: 'extra args override defaults', extra: ['--authorization-mode=Node,RBAC'], name: 'authorization-mode', want: 'Node,RBAC' },
  ];
  for (const c of cases) {
    it(c.desc, () => {
      assert.equal(flag(apiserverArgs({ ...base, extraArgs: c.extra }), c.name), c.want);
    });
  }
});

describe('etcdArgs', () => {
  const argv = etcdArgs({ dataDir: '/d/etcd', clientPort: 1, peerPort: 2 });
  const cases = [
    { name: 'listen-client-urls', want: 'http://127.0.0.1:1' },
    { name: 'initial-cluster', want: 'default=http://127.0.0.1:2' },
    { name: 'data-dir', want: '/d/etcd' },
  ];
  for (const c of cases) {
    it(c.name, () => assert.equal(flag(argv, c.name), c.want));
  }
  it('skips fsync', () => assert.ok(argv.includes('--unsafe-no-fsync')));
});
