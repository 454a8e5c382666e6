/**
 * Open-loop load for the IPAM bench's steady phase: Service creates sent at a fixed rate (one
 * every 1000/rate ms, on schedule whatever the previous ones are doing), so latency is measured
 * below saturation as a user's traffic would produce it, not as fast as the apiserver accepts.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { pooledKubeConfig } from '@metallb-ts/lib/k8s/kube-config.ts';
import { createService, loadBalancerService, type CreateReport } from './service-load.ts';

/** Options of {@link createAtRate}. */
export interface RateOptions {
  readonly namespace: string;
  readonly names: readonly string[];
  readonly perSecond: number;
}

/** {@link CreateReport} plus the Services whose create still failed after its retries. */
export interface RateReport extends CreateReport {
  /** Names whose create failed for good (e.g. the apiserver answering 504 for seconds). */
  readonly failed: readonly string[];
}

/**
 * Sends one create per `1000 / perSecond` ms, in order; resolves when every create has answered.
 * A create that fails after its retries is reported in `failed`, not thrown: a stalled
 * apiserver must not lose the measurements of every other Service.
 */
export async function createAtRate(kc: KubeConfig, o: RateOptions): Promise<RateReport> {
  const core = pooledKubeConfig(kc).makeApiClient(CoreV1Api);
  const requestedAt = new Map<string, number>();
  const inFlight: Array<Promise<number>> = [];
  const failed: string[] = [];
  const t0 = performance.now();
  for (const [i, name] of o.names.entries()) {
    const due = t0 + (i * 1000) / o.perSecond;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    requestedAt.set(name, performance.now());
    inFlight.push(createService(core, loadBalancerService({ namespace: o.namespace, name }), 5).catch(() => {
      failed.push(name);
      return 5;
    }));
  }
  const retries = (await Promise.all(inFlight)).reduce((a, b) => a + b, 0);
  return { requestedAt, durationMs: performance.now() - t0, retries, failed };
}
