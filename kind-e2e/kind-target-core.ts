/**
 * The pure part of the kind target (kind-target.ts): what it reads from the environment run.sh
 * sets, what it makes of kubectl's JSON, the backend Deployment it applies, and the HTTP GET it
 * runs inside the router container (bash's /dev/tcp: the FRR image has bash and coreutils, not
 * curl) with the parse of its answer.
 */
import { parseIp } from '@metallb-ts/lib/ip/ip.ts';
import { err, ok, type Result } from '@metallb-ts/lib/result.ts';

/** What run.sh hands the target (environment variables KIND_E2E_*). */
export interface KindTargetConfig {
  /** KIND_E2E_KUBECONFIG: the kind cluster's admin kubeconfig. */
  readonly kubeconfig: string;
  /** KIND_E2E_NAMESPACE: the chart's release namespace. */
  readonly namespace: string;
  /** KIND_E2E_ROUTER: the FRR router container's name. */
  readonly router: string;
  /** KIND_E2E_ROUTER_V4: the router's address on the kind network. */
  readonly routerV4: string;
  /** KIND_E2E_VIP: the address the suite's pool hands out (not on the kind network). */
  readonly vip: string;
  /** KIND_E2E_BACKEND_IMAGE: an image loaded into the nodes that has node at /usr/local/bin/node. */
  readonly backendImage: string;
  /** KIND_E2E_RELEASE: the chart's release name (its pods' app.kubernetes.io/instance). */
  readonly release: string;
}

const VARS = {
  kubeconfig: 'KIND_E2E_KUBECONFIG',
  namespace: 'KIND_E2E_NAMESPACE',
  router: 'KIND_E2E_ROUTER',
  routerV4: 'KIND_E2E_ROUTER_V4',
  vip: 'KIND_E2E_VIP',
  backendImage: 'KIND_E2E_BACKEND_IMAGE',
  release: 'KIND_E2E_RELEASE',
} as const satisfies Record<keyof KindTargetConfig, string>;

const isIpv4 = (s: string): boolean => parseIp(s)?.family === 'ipv4' && parseIp(s)?.text === s;

/** The target's configuration, or what is missing or malformed (every problem, one per line). */
export function kindConfigFrom(env: Readonly<Record<string, string | undefined>>): Result<KindTargetConfig, string> {
  const problems: string[] = [];
  const get = (k: keyof KindTargetConfig): string => {
    const v = env[VARS[k]] ?? '';
    if (v === '') problems.push(`${VARS[k]} is not set`);
    return v;
  };
  const c: KindTargetConfig = {
    kubeconfig: get('kubeconfig'), namespace: get('namespace'), router: get('router'), routerV4: get('routerV4'),
    vip: get('vip'), backendImage: get('backendImage'), release: get('release'),
  };
  for (const k of ['routerV4', 'vip'] as const) {
    if (c[k] !== '' && !isIpv4(c[k])) problems.push(`${VARS[k]}=${JSON.stringify(c[k])} is not an IPv4 address`);
  }
  return problems.length === 0 ? ok(c) : err(`${problems.join('\n')}\n(kind-e2e/run.sh sets these; run it instead of bgp.kind.ts)`);
}

/** The fields of `kubectl get nodes -o json` read here. */
interface NodeListJson {
  readonly items?: ReadonlyArray<{
    readonly metadata?: { readonly name?: string };
    readonly status?: { readonly addresses?: ReadonlyArray<{ readonly type?: string; readonly address?: string }> };
  }>;
}

/** Every node's name and IPv4 InternalIP (the router's next hop for it), sorted by name; a node without one is an error. */
export function nodesFrom(json: NodeListJson): Result<Array<{ name: string; v4: string }>, string> {
  const out: Array<{ name: string; v4: string }> = [];
  for (const item of json.items ?? []) {
    const name = item.metadata?.name ?? '';
    const v4 = (item.status?.addresses ?? []).find((a) => a.type === 'InternalIP' && isIpv4(a.address ?? ''))?.address;
    if (name === '' || v4 === undefined) return err(`node ${JSON.stringify(name)} has no IPv4 InternalIP`);
    out.push({ name, v4 });
  }
  if (out.length === 0) return err('the cluster has no node');
  return ok(out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)));
}

/** The fields of `kubectl get pods -o json` read here. */
interface PodListJson {
  readonly items?: ReadonlyArray<{
    readonly metadata?: { readonly name?: string; readonly deletionTimestamp?: string };
    readonly status?: { readonly conditions?: ReadonlyArray<{ readonly type?: string; readonly status?: string }> };
  }>;
}

/** Names of the pods that are Ready and not being deleted, sorted. */
export function readyPodNames(json: PodListJson): string[] {
  return (json.items ?? [])
    .filter((p) => p.metadata?.deletionTimestamp === undefined && (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'))
    .map((p) => p.metadata?.name ?? '')
    .filter((n) => n !== '')
    .sort();
}

/** Options of {@link backendDeployment}. */
export interface BackendOptions {
  /** Deployment name and the `app` label the suite's Service selects. */
  readonly name: string;
  readonly namespace: string;
  readonly port: number;
  readonly image: string;
  readonly replicas: number;
}

/** A Deployment whose pods answer every HTTP request on `port` with their name (pod hostname). */
export function backendDeployment(o: BackendOptions): object {
  const script = `require('node:http').createServer((q,r)=>{r.setHeader('content-type','text/plain');` +
    `r.end(require('node:os').hostname()+'\\n');}).listen(${o.port});`;
  return {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name: o.name, namespace: o.namespace, labels: { app: o.name } },
    spec: {
      replicas: o.replicas,
      selector: { matchLabels: { app: o.name } },
      template: {
        metadata: { labels: { app: o.name } },
        spec: {
          // One per node where possible, so the VIP's traffic can land on more than one backend.
          topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { app: o.name } } }],
          securityContext: { runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534 },
          containers: [{
            name: 'http', image: o.image, imagePullPolicy: 'Never',
            command: ['/usr/local/bin/node', '-e', script],
            ports: [{ containerPort: o.port, protocol: 'TCP' }],
            readinessProbe: { tcpSocket: { port: o.port }, periodSeconds: 1 },
            securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
          }],
        },
      },
    },
  };
}

/**
 * The GET, as bash runs it: connect (bash's /dev/tcp), send an HTTP/1.0 request (so the answer is
 * not chunked and the server closes), print everything. $1 host, $2 port, $3 path.
 */
const GET_SCRIPT = 'exec 3<>"/dev/tcp/$1/$2" || exit 1\n' +
  'printf \'GET %s HTTP/1.0\\r\\nHost: %s\\r\\nConnection: close\\r\\n\\r\\n\' "$3" "$1" >&3\n' +
  'cat <&3\n';

/**
 * The command (argv) that GETs `url` and prints the raw answer, bounded by `timeoutS` (coreutils
 * `timeout`); the URL's parts are bash's positional parameters, never script text. Only
 * `http://<IPv4>:<port>/<path>` is accepted.
 */
export function httpGetArgv(url: string, timeoutS: number): Result<string[], string> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return err(`not a URL: ${JSON.stringify(url)}`);
  }
  if (u.protocol !== 'http:' || !isIpv4(u.hostname) || u.username !== '' || u.hash !== '') return err(`not http://<IPv4>[:port]/path: ${url}`);
  const port = u.port === '' ? '80' : u.port;
  return ok(['timeout', String(timeoutS), 'bash', '-c', GET_SCRIPT, 'http-get', u.hostname, port, `${u.pathname}${u.search}`]);
}

/** Status and body of a raw HTTP/1.x answer, or undefined when it is not one (nothing, or cut before the headers ended). */
export function httpResponseFrom(raw: string): { status: number; body: string } | undefined {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const m = /^HTTP\/1\.[01] (\d{3})[ \r]/.exec(raw.slice(0, end + 2));
  return m === null ? undefined : { status: Number(m[1]), body: raw.slice(end + 4) };
}
