/**
 * The speaker binary (composition root): flags/env → logger, pooled kube client → the speaker.
 *
 *   node speaker/src/main.ts --node-name node-a --kubeconfig ~/.kube/config
 *
 * /healthz and /readyz on 127.0.0.1:--health-port (ready once the Node exists in the API);
 * metrics on --metrics-port as plain HTTP. SIGTERM/SIGINT stop it and exit 0.
 */
import { loadKubeConfig, pooledKubeConfig } from '@metallb-ts/lib/k8s/kube-config.ts';
import { createLogger } from '@metallb-ts/lib/log.ts';
import { systemRng } from '@metallb-ts/lib/random/rng.ts';
import { systemClock } from '@metallb-ts/lib/time/clock.ts';
import { parseSpeakerOptions, USAGE } from './options.ts';
import { startSpeaker } from './speaker.ts';

/** Parses, wires, runs until a signal. */
async function main(): Promise<void> {
  const parsed = parseSpeakerOptions(process.argv.slice(2), process.env);
  if (!parsed.ok || parsed.value === 'help') {
    process.stderr.write(`${parsed.ok ? '' : `error: ${parsed.error}\n`}${USAGE}\n`);
    process.exit(parsed.ok ? 0 : 2);
  }
  const o = parsed.value;
  const logger = createLogger({ level: o.logLevel, component: 'speaker' });
  const kubeConfig = pooledKubeConfig(loadKubeConfig(o.kubeconfig));
  const running = await startSpeaker({
    kubeConfig, nodeName: o.nodeName, logger, clock: systemClock, rng: systemRng, healthPort: o.healthPort, metricsPort: o.metricsPort,
    namespace: o.namespace, ...(o.frr === undefined ? {} : { frr: o.frr }),
  });
  logger.info('speaker started', { node: o.nodeName, namespace: o.namespace, healthPort: running.healthPort, metricsPort: o.metricsPort });
  const shutdown = (signal: string): void => {
    logger.info('shutting down', { signal });
    running.stop().then(() => kubeConfig.closeConnections()).then(() => process.exit(0), (e: unknown) => {
      logger.error('shutdown failed', { reason: String(e) });
      process.exit(1);
    });
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

await main();
