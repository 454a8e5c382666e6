/**
 * Open-loop load for the IPAM bench's steady phase: Service creates sent at a fixed rate (one
 * every 1000/rate ms, on schedule whatever the previous ones are doing), so latency is measured
 * below saturation as a user's traffic would produce it, not as fast as the apiserver accepts.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiException, CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
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
  /** When each successful create was answered (create queueing at the apiserver excluded from here on). */
  readonly answeredAt: ReadonlyMap<string, number>;
  /** Why they failed: the last error's HTTP code or error code/message → how many creates. */
  readonly failureReasons: ReadonlyMap<string, number>;
}

/** A short reason for a create's final failure: `HTTP 504`, `ECONNRESET`, or the message. */
export function failureReason(e: unknown): string {
  const cause = e instanceof Error && e.cause !== undefined ? e.cause : e;
  if (cause instanceof ApiException) return `HTTP ${String(cause.code)}`;
  const code = (cause as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string') return code;
  return cause instanceof Error ? cause.message.slice(0, 80) : String(cause).slice(0, 80);
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
  const failureReasons = new Map<string, number>();
  const answeredAt = new Map<string, number>();
  const t0 = performance.now();
  for (const [i, name] of o.names.entries()) {
    const due = t0 + (i * 1000) / o.perSecond;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    requestedAt.set(name, performance.now());
    inFlight.push(createService(core, loadBalancerService({ namespace: o.namespace, name }), 5).then((retries) => {
      answeredAt.set(name, performance.now());
      return retries;
    }, (e: unknown) => {
      failed.push(name);
      const why = failureReason(e);
      failureReasons.set(why, (failureReasons.get(why) ?? 0) + 1);
      return 5;
    }));
  }
  const retries = (await Promise.all(inFlight)).reduce((a, b) => a + b, 0);
  return { requestedAt, durationMs: performance.now() - t0, retries, failed, failureReasons, answeredAt };
}
