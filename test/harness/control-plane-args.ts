/**
 * Command lines of the harness's etcd and kube-apiserver. Pure: paths and ports in, argv out.
 */
import type { PkiFiles } from './pki.ts';

/**
 * Service ClusterIP ranges: documentation prefixes, dual-stack so a Service can get two
 * ClusterIPs. They are virtual here (no kube-proxy); other tests use 198.51.100.0/25,
 * 192.0.2.0/24 and 203.0.113.0/24 for pools and links, so this range never overlaps them.
 */
export const SERVICE_CLUSTER_IP_RANGES = ['198.51.100.128/25', '2001:db8:ffff::/112'] as const;

/** Issuer written into ServiceAccount tokens (any URL works; this mirrors a real cluster). */
export const SERVICE_ACCOUNT_ISSUER = 'https://kubernetes.default.svc.cluster.local';

/** Ports and directories of one etcd. */
export interface EtcdLayout {
  readonly dataDir: string;
  readonly clientPort: number;
  readonly peerPort: number;
}

/** etcd on loopback, single member, no fsync (test data is disposable, speed matters). */
export function etcdArgs(l: EtcdLayout): string[] {
  const client = `http://127.0.0.1:${String(l.clientPort)}`;
  const peer = `http://127.0.0.1:${String(l.peerPort)}`;
  return [
    '--name=default', `--data-dir=${l.dataDir}`,
    `--listen-client-urls=${client}`, `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`, `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=default=${peer}`, '--unsafe-no-fsync',
    '--logger=zap', '--log-level=warn',
  ];
}

/** What the apiserver command line depends on. */
export interface ApiserverLayout {
  readonly pki: PkiFiles;
  readonly etcdClientPort: number;
  readonly securePort: number;
  /** Appended last, so a test can override any default flag. */
  readonly extraArgs: readonly string[];
}

/**
 * kube-apiserver on loopback with RBAC, client-certificate auth and ServiceAccount token
 * issuing. The ServiceAccount admission plugin is off because no controller creates the
 * default ServiceAccounts on a bare apiserver; priority-and-fairness and profiling are off
 * to keep startup light.
 */
export function apiserverArgs(l: ApiserverLayout): string[] {
  return [
    `--etcd-servers=http://127.0.0.1:${String(l.etcdClientPort)}`,
    '--bind-address=127.0.0.1', '--advertise-address=127.0.0.1', `--secure-port=${String(l.securePort)}`,
    `--tls-cert-file=${l.pki.servingCert}`, `--tls-private-key-file=${l.pki.servingKey}`,
    `--client-ca-file=${l.pki.caCert}`,
    '--authorization-mode=RBAC',
    `--service-account-issuer=${SERVICE_ACCOUNT_ISSUER}`,
    `--service-account-key-file=${l.pki.saPub}`, `--service-account-signing-key-file=${l.pki.saKey}`,
    `--service-cluster-ip-range=${SERVICE_CLUSTER_IP_RANGES.join(',')}`,
    '--disable-admission-plugins=ServiceAccount',
    '--enable-priority-and-fairness=false', '--profiling=false',
    ...l.extraArgs,
  ];
}
