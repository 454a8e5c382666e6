/**
 * The operator's command line and environment, MetalLB-controller style. Flags win over the
 * environment; everything has MetalLB's default. Pure: argv, env and the hostname come in.
 */
import { logLevelOf, optional, parseFlags, portOf, type Env } from '@metallb-ts/lib/flags.ts';
import type { LogLevel } from '@metallb-ts/lib/log.ts';
import { ok, type Result } from '@metallb-ts/lib/result.ts';

export type { Env };

/** Everything main.ts needs to wire the operator. */
export interface OperatorOptions {
  /** Namespace of the metallb.io CRs, the Lease, the memberlist Secret and ConfigurationState. */
  readonly namespace: string;
  /** `--lb-class`: only Services of this class; unset = only Services without a class. */
  readonly lbClass?: string;
  /** Name of the memberlist Secret the controller creates when missing. */
  readonly mlSecretName: string;
  /** The controller Deployment that owns the memberlist Secret, when known. */
  readonly deployment?: string;
  /** Minimum log level. */
  readonly logLevel: LogLevel;
  /** Metrics port (plain HTTP); 0 disables the metrics server. */
  readonly port: number;
  /** Port of /healthz and /readyz. */
  readonly healthProbePort: number;
  /** Path of a kubeconfig; unset = in-cluster or the default loading rules. */
  readonly kubeconfig?: string;
  /** Leader-election identity (pod name or hostname). */
  readonly identity: string;
  /** Name of the leader-election Lease. */
  readonly leaseName: string;
  /** `--ignore-exclude-lb`: nodes labelled exclude-from-external-load-balancers still announce. */
  readonly ignoreExcludeLb?: true;
}

/** Help text printed for `--help` and after a usage error. */
export const USAGE = `usage: node operator/src/main.ts [flags]
  --namespace NS            MetalLB namespace (env METALLB_NAMESPACE, default metallb-system)
  --lb-class CLASS          handle only Services of this loadBalancerClass
  --ml-secret-name NAME     memberlist Secret (env METALLB_ML_SECRET_NAME, default memberlist)
  --deployment NAME         controller Deployment owning the Secret (env METALLB_DEPLOYMENT)
  --log-level LEVEL         error|warn|info|debug (default info)
  --port PORT               metrics port, plain HTTP (default 9120, 0 disables)
  --health-probe-port PORT  /healthz and /readyz port (default 17472)
  --kubeconfig PATH         kubeconfig (default: in-cluster, then $KUBECONFIG / ~/.kube/config)
  --identity ID             leader-election identity (env POD_NAME, default hostname)
  --lease-name NAME         leader-election Lease (default metallb-ts-controller)
  --ignore-exclude-lb       ignore node.kubernetes.io/exclude-from-external-load-balancers`;

const FLAGS = {
  namespace: { type: 'string' }, 'lb-class': { type: 'string' }, 'ml-secret-name': { type: 'string' },
  deployment: { type: 'string' }, 'log-level': { type: 'string' }, port: { type: 'string' },
  'health-probe-port': { type: 'string' }, kubeconfig: { type: 'string' }, identity: { type: 'string' },
  'lease-name': { type: 'string' }, 'ignore-exclude-lb': { type: 'boolean' }, help: { type: 'boolean' },
} as const;

/**
 * Parses argv (without node and script) and env. `'help'` when --help was asked for; an
 * error message for a bad flag or value.
 */
export function parseOptions(argv: readonly string[], env: Env, hostname: string): Result<OperatorOptions | 'help', string> {
  const flags = parseFlags(argv, FLAGS);
  if (!flags.ok) return flags;
  const values = flags.value;
  if (values.help === true) return ok('help');
  const logLevel = logLevelOf(values['log-level']);
  if (!logLevel.ok) return logLevel;
  const port = portOf('port', values.port, 9120);
  const health = portOf('health-probe-port', values['health-probe-port'], 17472);
  if (!port.ok) return port;
  if (!health.ok) return health;
  return ok({
    namespace: values.namespace ?? env['METALLB_NAMESPACE'] ?? 'metallb-system',
    mlSecretName: values['ml-secret-name'] ?? env['METALLB_ML_SECRET_NAME'] ?? 'memberlist',
    logLevel: logLevel.value,
    port: port.value,
    healthProbePort: health.value,
    identity: values.identity ?? env['POD_NAME'] ?? hostname,
    leaseName: values['lease-name'] ?? 'metallb-ts-controller',
    ...optional('lbClass', values['lb-class']),
    ...optional('deployment', values.deployment ?? env['METALLB_DEPLOYMENT']),
    ...optional('kubeconfig', values.kubeconfig),
    ...(values['ignore-exclude-lb'] === true ? { ignoreExcludeLb: true as const } : {}),
  });
}
