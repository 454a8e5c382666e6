/**
 * The speaker's command line and environment, MetalLB-speaker style. Flags win over the
 * environment. Pure: argv and env come in.
 */
import { logLevelOf, optional, parseFlags, portOf, type Env } from '@metallb-ts/lib/flags.ts';
import { nodeName, type NodeName } from '@metallb-ts/lib/ids/ids.ts';
import type { LogLevel } from '@metallb-ts/lib/log.ts';
import { err, ok, type Result } from '@metallb-ts/lib/result.ts';

/** Everything main.ts needs to wire the speaker. */
export interface SpeakerOptions {
  /** The Node this speaker announces for (required). */
  readonly nodeName: NodeName;
  /** Namespace of the metallb.io CRs. */
  readonly namespace: string;
  /** Path of a kubeconfig; unset = in-cluster or the default loading rules. */
  readonly kubeconfig?: string;
  /** Minimum log level. */
  readonly logLevel: LogLevel;
  /** Port of /healthz and /readyz (bound on 127.0.0.1, as MetalLB's speaker does). */
  readonly healthPort: number;
  /** Metrics port (plain HTTP); 0 disables the metrics server. */
  readonly metricsPort: number;
  /** The FRR side; undefined with --disable-frr (layer 2 only). */
  readonly frr?: FrrOptions;
}

/** Where the node's FRR is (the sidecar's shared directories by default). */
export interface FrrOptions {
  /** Directory of the daemons' vty sockets and pidfiles. */
  readonly vtyDir: string;
  /** FRR config directory. */
  readonly configDir: string;
  /** The full config file the speaker writes (FRR's startup file). */
  readonly configPath: string;
  /** Private directory for batch files. */
  readonly workDir: string;
  /** Session state poll interval in ms. */
  readonly stateIntervalMs: number;
  /** Directory holding vtysh (also frr-reload.py's `--bindir`); unset = /usr/bin. */
  readonly bindir?: string;
  /** frr-reload.py; unset = /usr/lib/frr/frr-reload.py. */
  readonly reloadScript?: string;
}

/** Help text printed for `--help` and after a usage error. */
export const USAGE = `usage: node speaker/src/main.ts --node-name NODE [flags]
  --node-name NODE     this speaker's Node (env METALLB_NODE_NAME, then NODE_NAME; required)
  --namespace NS       MetalLB namespace (env METALLB_NAMESPACE, default metallb-system)
  --kubeconfig PATH    kubeconfig (default: in-cluster, then $KUBECONFIG / ~/.kube/config)
  --log-level LEVEL    error|warn|info|debug (default info)
  --health-port PORT   /healthz and /readyz on 127.0.0.1 (default 17472, 0 picks a free port)
  --metrics-port PORT  metrics port, plain HTTP (default 9120, 0 disables)
  --frr-vty-dir DIR    FRR vty sockets and pidfiles (default /var/run/frr)
  --frr-config-dir DIR FRR config directory (default /etc/frr)
  --frr-config PATH    full frr.conf the speaker writes (default <frr-config-dir>/frr.conf)
  --frr-work-dir DIR   private directory for batch files (default /var/run/metallb-ts/frr)
  --frr-state-interval MS  BGP/BFD state poll interval (default 2000)
  --frr-bin-dir DIR    directory of vtysh, also frr-reload.py's --bindir (default /usr/bin)
  --frr-reload-script PATH  frr-reload.py (default /usr/lib/frr/frr-reload.py)
  --disable-frr        no BGP side (layer 2 only)`;

const FLAGS = {
  'node-name': { type: 'string' }, namespace: { type: 'string' }, kubeconfig: { type: 'string' },
  'log-level': { type: 'string' }, 'health-port': { type: 'string' }, 'metrics-port': { type: 'string' },
  'frr-vty-dir': { type: 'string' }, 'frr-config-dir': { type: 'string' }, 'frr-config': { type: 'string' },
  'frr-work-dir': { type: 'string' }, 'frr-state-interval': { type: 'string' }, 'disable-frr': { type: 'boolean' },
  'frr-bin-dir': { type: 'string' }, 'frr-reload-script': { type: 'string' },
  help: { type: 'boolean' },
} as const;

/** Parses argv (without node and script) and env; `'help'` for --help, a message for a usage error. */
export function parseSpeakerOptions(argv: readonly string[], env: Env): Result<SpeakerOptions | 'help', string> {
  const flags = parseFlags(argv, FLAGS);
  if (!flags.ok) return flags;
  const values = flags.value;
  if (values.help === true) return ok('help');
  const node = values['node-name'] ?? env['METALLB_NODE_NAME'] ?? env['NODE_NAME'] ?? '';
  if (node === '') return err('--node-name (or METALLB_NODE_NAME / NODE_NAME) is required');
  const logLevel = logLevelOf(values['log-level']);
  const health = portOf('health-port', values['health-port'], 17472);
  const metrics = portOf('metrics-port', values['metrics-port'], 9120);
  if (!logLevel.ok) return logLevel;
  if (!health.ok) return health;
  if (!metrics.ok) return metrics;
  const interval = Number(values['frr-state-interval'] ?? '2000');
  if (!Number.isInteger(interval) || interval < 100 || interval > 600_000) return err('--frr-state-interval must be 100..600000 ms');
  const configDir = values['frr-config-dir'] ?? '/etc/frr';
  const frr: FrrOptions = {
    vtyDir: values['frr-vty-dir'] ?? '/var/run/frr', configDir,
    configPath: values['frr-config'] ?? `${configDir}/frr.conf`,
    workDir: values['frr-work-dir'] ?? '/var/run/metallb-ts/frr', stateIntervalMs: interval,
    ...optional('bindir', values['frr-bin-dir']), ...optional('reloadScript', values['frr-reload-script']),
  };
  return ok({
    nodeName: nodeName(node),
    namespace: values.namespace ?? env['METALLB_NAMESPACE'] ?? 'metallb-system',
    logLevel: logLevel.value,
    healthPort: health.value,
    metricsPort: metrics.value,
    ...optional('kubeconfig', values.kubeconfig),
    ...(values['disable-frr'] === true ? {} : { frr }),
  });
}
