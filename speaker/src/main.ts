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
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from '@metallb-ts/lib/log.ts';
import { layer2EnvOptions, type Layer2EnvOptions } from './l2-options.ts';
import { startSpeakerLayer2 } from './l2-speaker.ts';
import { parseSpeakerOptions, USAGE, type SpeakerOptions } from './options.ts';
import { startSpeaker, type Layer2Context } from './speaker.ts';

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
  const l2env = layer2EnvOptions(process.env);
  if (!l2env.ok) {
    process.stderr.write(`error: ${l2env.error}\n`);
    process.exit(2);
  }
  const running = await startSpeaker({
    kubeConfig, nodeName: o.nodeName, logger, clock: systemClock, rng: systemRng, healthPort: o.healthPort, metricsPort: o.metricsPort,
    namespace: o.namespace, ...(o.frr === undefined ? {} : { frr: o.frr }),
    ...(l2env.value === undefined ? {} : { layer2: layer2Starter(l2env.value, o, kubeConfig, logger) }),
    onFatal: (reason) => {
      logger.error('cannot run; exiting', { reason });
      process.exit(1);
    },
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

/** Layer 2 for startSpeaker; a refusal (bad settings, gossip cannot bind) stops the speaker. */
function layer2Starter(env: Layer2EnvOptions, o: SpeakerOptions, kubeConfig: KubeConfig, logger: Logger) {
  return async (ctx: Layer2Context) => {
    const r = await startSpeakerLayer2({
      env, nodeName: o.nodeName, namespace: o.namespace, kubeConfig, kube: ctx.kube, registry: ctx.registry, logger, clock: systemClock, rng: systemRng,
      onCondition: (c) => ctx.onConditions([c]), stopped: ctx.stopped,
    });
    if (!r.ok) throw new Error(r.error);
    return r.value;
  };
}

await main();
