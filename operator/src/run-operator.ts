/**
 * The operator (composition root, loaded by main.ts): flags/env → logger, kube client → one replica.
 *
 *   node operator/src/main.ts --kubeconfig ~/.kube/config --namespace metallb-system
 *
 * Metrics are served on --port (default 9120) as PLAIN HTTP for now (MetalLB ≥ 0.16 serves
 * HTTPS there); /healthz and /readyz on --health-probe-port (17472). Only the Lease holder
 * reconciles; a replica that loses the Lease, or whose controller fails to start (it releases
 * the Lease first), exits with status 1 so its Deployment restarts it. SIGTERM/SIGINT release
 * the Lease and exit 0.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { kubeClientFor } from '@metallb-ts/lib/k8s/kube-client.ts';
import { loadKubeTarget } from '@metallb-ts/lib/k8s/kube-target.ts';
import { systemClock } from '@metallb-ts/lib/time/clock.ts';
import { createLogger } from '@metallb-ts/lib/log.ts';
import { startOperator } from './controller/operator.ts';
import { parseOptions, USAGE } from './options.ts';

/**
 * Parses, wires and runs until a signal. Exits the process itself: 2 on a usage error, 0 after
 * `--help` or a clean SIGTERM/SIGINT stop, 1 when the replica must restart (see `onFatal`).
 */
async function main(): Promise<void> {
  const parsed = parseOptions(process.argv.slice(2), process.env, hostname());
  if (!parsed.ok || parsed.value === 'help') {
    process.stderr.write(`${parsed.ok ? '' : `error: ${parsed.error}\n`}${USAGE}\n`);
    process.exit(parsed.ok ? 0 : 2);
  }
  const o = parsed.value;
  const logger = createLogger({ level: o.logLevel, component: 'controller' });
  logger.info('starting metallb-ts operator', { namespace: o.namespace, identity: o.identity, lbClass: o.lbClass ?? '', metricsPort: o.port });
  const running = await startOperator({
    kube: kubeClientFor(loadKubeTarget(o.kubeconfig)), namespace: o.namespace, mlSecretName: o.mlSecretName, identity: o.identity, leaseName: o.leaseName,
    clock: systemClock, logger, randomBytes: (n) => randomBytes(n), metricsPort: o.port, healthProbePort: o.healthProbePort,
    ...(o.lbClass === undefined ? {} : { lbClass: o.lbClass }),
    ...(o.deployment === undefined ? {} : { deployment: o.deployment }),
    ...(o.ignoreExcludeLb === undefined ? {} : { ignoreExcludeLb: o.ignoreExcludeLb }),
    onFatal: (reason) => {
      logger.error('exiting so the Deployment restarts this replica', { reason });
      process.exit(1);
    },
  });
  // The clock's timers are unref'd and --port 0 means no server: keep the process alive.
  const keepAlive = setInterval(() => undefined, 3_600_000);
  const shutdown = (signal: string): void => {
    logger.info('shutting down', { signal });
    clearInterval(keepAlive);
    running.stop().then(() => process.exit(0), (e: unknown) => {
      logger.error('shutdown failed', { reason: String(e) });
      process.exit(1);
    });
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

await main();
