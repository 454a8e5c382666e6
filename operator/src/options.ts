/**
 * The operator's command line and environment, MetalLB-controller style. Flags win over the
 * environment; everything has MetalLB's default. Pure: argv, env and the hostname come in.
 */
import { parseArgs } from 'node:util';
import type { LogLevel } from '@metallb-ts/lib/log.ts';
import { err, ok, type Result } from '@metallb-ts/lib/result.ts';

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
}

/** Environment variables read (a plain record, so tests pass their own). */
export type Env = Readonly<Record<string, string | undefined>>;

const LOG_LEVELS: readonly LogLevel[] = ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'];

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
  --lease-name NAME         leader-election Lease (default metallb-ts-controller)`;

const FLAGS = {
  namespace: { type: 'string' }, 'lb-class': { type: 'string' }, 'ml-secret-name': { type: 'string' },
  deployment: { type: 'string' }, 'log-level': { type: 'string' }, port: { type: 'string' },
  'health-probe-port': { type: 'string' }, kubeconfig: { type: 'string' }, identity: { type: 'string' },
  'lease-name': { type: 'string' }, help: { type: 'boolean' },
} as const;

/** A TCP port number, or an error naming the flag. */
function portOf(flag: string, text: string | undefined, fallback: number): Result<number, string> {
  if (text === undefined) return ok(fallback);
  const n = Number(text);
  return Number.isInteger(n) && n >= 0 && n <= 65535 ? ok(n) : err(`--${flag}: not a port: ${JSON.stringify(text)}`);
}

/** Drops undefined and empty optional values (exactOptionalPropertyTypes). */
function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return value === undefined || value === '' ? {} : ({ [key]: value } as { [P in K]?: string });
}

/**
 * Parses argv (without node and script) and env. `'help'` when --help was asked for; an
 * error message for a bad flag or value.
 */
export function parseOptions(argv: readonly string[], env: Env, hostname: string): Result<OperatorOptions | 'help', string> {
  let values: ReturnType<typeof parseArgs<{ options: typeof FLAGS }>>['values'];
  try {
    values = parseArgs({ args: [...argv], options: FLAGS, strict: true, allowPositionals: false }).values;
  } catch (e) {
    return err(e instanceof Error ? e.message : String(e));
  }
  if (values.help === true) return ok('help');
  const logLevel = values['log-level'] ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) return err(`--log-level: unknown level ${JSON.stringify(logLevel)}`);
  const port = portOf('port', values.port, 9120);
  const health = portOf('health-probe-port', values['health-probe-port'], 17472);
  if (!port.ok) return port;
  if (!health.ok) return health;
  return ok({
    namespace: values.namespace ?? env['METALLB_NAMESPACE'] ?? 'metallb-system',
    mlSecretName: values['ml-secret-name'] ?? env['METALLB_ML_SECRET_NAME'] ?? 'memberlist',
    logLevel: logLevel as LogLevel,
    port: port.value,
    healthProbePort: health.value,
    identity: values.identity ?? env['POD_NAME'] ?? hostname,
    leaseName: values['lease-name'] ?? 'metallb-ts-controller',
    ...optional('lbClass', values['lb-class']),
    ...optional('deployment', values.deployment ?? env['METALLB_DEPLOYMENT']),
    ...optional('kubeconfig', values.kubeconfig),
  });
}
