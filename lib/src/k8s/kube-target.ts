/**
 * Where the API server is and how to authenticate to it: the part of a kubeconfig (or of a
 * Pod's ServiceAccount mount) the raw client (kube-client.ts) needs, read WITHOUT loading
 * @kubernetes/client-node (whose KubeConfig module imports the whole generated API: ~85 MiB of
 * RSS in the operator, see docs/operator-memory.md).
 *
 * Supported credentials: client certificate + key (inline `-data` or files), a bearer `token`,
 * a `tokenFile` (re-read once a minute, as client-go does, so rotated ServiceAccount tokens are
 * picked up), and the in-cluster ServiceAccount. Exec plugins and auth providers are refused
 * with an error naming them: a controller runs in-cluster or with a certificate/token kubeconfig.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, resolve } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';

/** One API server endpoint and its credentials. */
export interface KubeTarget {
  /** e.g. `https://127.0.0.1:6443` (no trailing slash). */
  readonly server: string;
  /** PEM of the CA bundle to trust (undefined: the system's). */
  readonly ca?: string;
  /** Skip verifying the server's certificate (kubeconfig `insecure-skip-tls-verify`). */
  readonly insecureSkipTlsVerify?: boolean;
  /** SNI / name checked in the server certificate, when not the host of `server`. */
  readonly tlsServerName?: string;
  /** Client certificate and key (PEM). */
  readonly cert?: string;
  readonly key?: string;
  /** A fixed bearer token. */
  readonly token?: string;
  /** A file holding the bearer token (re-read periodically). */
  readonly tokenFile?: string;
  /** Namespace of the current context, when set. */
  readonly namespace?: string;
}

/** Thrown when a kubeconfig cannot be used. */
export class KubeTargetError extends Error {
  /** Stable code. */
  readonly code = 'kube-target';
  /** `message` says which file and what is wrong. */
  constructor(message: string) {
    super(message);
    this.name = 'KubeTargetError';
  }
}

const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

type Yaml = Record<string, unknown>;
const rec = (v: unknown): Yaml => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Yaml) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const b64 = (v: string): string => Buffer.from(v, 'base64').toString('utf8');

/** The named entry of a kubeconfig list (`clusters`, `users`, `contexts`), its inner object. */
function named(doc: Yaml, list: string, inner: string, name: string | undefined, file: string): Yaml {
  const items = Array.isArray(doc[list]) ? (doc[list] as unknown[]) : [];
  const found = items.map(rec).find((i) => i['name'] === name);
  if (found === undefined) throw new KubeTargetError(`${file}: no ${inner} named ${JSON.stringify(name ?? '')}`);
  return rec(found[inner]);
}

/** Inline `<field>-data` (base64) or the file named by `<field>` (relative to the kubeconfig). */
function pem(o: Yaml, field: string, dir: string): string | undefined {
  const data = str(o[`${field}-data`]);
  if (data !== undefined) return b64(data);
  const path = str(o[field]);
  return path === undefined ? undefined : readFileSync(resolve(dir, path), 'utf8');
}

/**
 * A kubeconfig document: JSON as it is (client-node's `exportConfig` writes JSON), else YAML.
 * The YAML parser is loaded only then: it costs ~12 MiB of RSS that an in-cluster operator,
 * or one given a JSON kubeconfig, never needs.
 */
function parseKubeconfig(text: string): unknown {
  if (text.trimStart().startsWith('{')) {
    try {
      return JSON.parse(text);
    } catch {
      // Not JSON after all: YAML (a flow mapping) below.
    }
  }
  const yaml = createRequire(import.meta.url)('yaml') as { parse: (t: string) => unknown };
  return yaml.parse(text);
}

/** The current context of the kubeconfig text `text` read from `file`. */
export function kubeTargetFromKubeconfig(text: string, file: string): KubeTarget {
  const doc = rec(parseKubeconfig(text));
  const dir = dirname(file);
  const contextName = str(doc['current-context']);
  const context = named(doc, 'contexts', 'context', contextName, file);
  const cluster = named(doc, 'clusters', 'cluster', str(context['cluster']), file);
  const user = str(context['user']) === undefined ? {} : named(doc, 'users', 'user', str(context['user']), file);
  for (const unsupported of ['exec', 'auth-provider']) {
    if (user[unsupported] !== undefined) throw new KubeTargetError(`${file}: user credentials by ${unsupported} are not supported; use a client certificate, a token or a tokenFile`);
  }
  const server = str(cluster['server']);
  if (server === undefined) throw new KubeTargetError(`${file}: cluster of context ${JSON.stringify(contextName ?? '')} has no server`);
  const tokenFile = str(user['tokenFile']);
  return compact({
    server: server.replace(/\/+$/, ''),
    ca: pem(cluster, 'certificate-authority', dir),
    insecureSkipTlsVerify: cluster['insecure-skip-tls-verify'] === true ? true : undefined,
    tlsServerName: str(cluster['tls-server-name']),
    cert: pem(user, 'client-certificate', dir),
    key: pem(user, 'client-key', dir),
    token: str(user['token']),
    tokenFile: tokenFile === undefined ? undefined : resolve(dir, tokenFile),
    namespace: str(context['namespace']),
  });
}

/** The Pod's ServiceAccount: KUBERNETES_SERVICE_HOST/PORT, its CA and its (rotating) token file. */
export function inClusterTarget(env: NodeJS.ProcessEnv, saDir = SA_DIR): KubeTarget {
  const host = env['KUBERNETES_SERVICE_HOST'];
  const port = env['KUBERNETES_SERVICE_PORT'] ?? '443';
  if (host === undefined || host === '') throw new KubeTargetError('not in a cluster: KUBERNETES_SERVICE_HOST is unset');
  return { server: `https://${host.includes(':') ? `[${host}]` : host}:${port}`, ca: readFileSync(`${saDir}/ca.crt`, 'utf8'), tokenFile: `${saDir}/token` };
}

/**
 * A binary's `--kubeconfig`: that file; else the first file of $KUBECONFIG; else
 * ~/.kube/config when it exists; else the in-cluster ServiceAccount (client-node's
 * loadFromDefault order, without its merging of several $KUBECONFIG files).
 */
export function loadKubeTarget(path: string | undefined, env: NodeJS.ProcessEnv = process.env): KubeTarget {
  const fromFile = (file: string): KubeTarget => kubeTargetFromKubeconfig(readFileSync(file, 'utf8'), file);
  if (path !== undefined) return fromFile(path);
  const listed = env['KUBECONFIG']?.split(':').find((p) => p !== '');
  if (listed !== undefined) return fromFile(listed);
  const home = resolve(homedir(), '.kube', 'config');
  return existsSync(home) ? fromFile(home) : inClusterTarget(env);
}

/**
 * The current context of a client-node KubeConfig already loaded in memory (tests, the
 * speaker): read through its accessors, so nothing of client-node is loaded here.
 */
export function kubeTargetOf(kc: KubeConfig): KubeTarget {
  const cluster = kc.getCurrentCluster();
  if (cluster === null) throw new KubeTargetError('kubeconfig has no current cluster');
  const user = kc.getCurrentUser();
  const file = (data: string | undefined, path: string | undefined): string | undefined =>
    data !== undefined && data !== '' ? b64(data) : path !== undefined && path !== '' ? readFileSync(path, 'utf8') : undefined;
  if (user?.exec !== undefined) throw new KubeTargetError('user credentials by exec are not supported');
  const tokenFile = user?.authProvider?.name === 'tokenFile' ? str(rec(user.authProvider.config)['tokenFile']) : undefined;
  return compact({
    server: cluster.server.replace(/\/+$/, ''),
    ca: file(cluster.caData, cluster.caFile),
    insecureSkipTlsVerify: cluster.skipTLSVerify ? true : undefined,
    tlsServerName: str(cluster.tlsServerName),
    cert: file(user?.certData, user?.certFile),
    key: file(user?.keyData, user?.keyFile),
    token: str(user?.token),
    tokenFile,
    namespace: undefined,
  });
}

/** Drops undefined fields (exactOptionalPropertyTypes). */
function compact(t: { [K in keyof KubeTarget]-?: KubeTarget[K] | undefined }): KubeTarget {
  return Object.fromEntries(Object.entries(t).filter(([, v]) => v !== undefined)) as unknown as KubeTarget;
}
