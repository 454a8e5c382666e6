/**
 * The operator IN-PROCESS for integration tests: the same wiring as main.ts (leader election
 * included) with short lease and retry timings, logs captured in memory, no HTTP servers.
 *
 * ```ts
 * const op = await startOperator({ kubeConfig: cp.kubeConfig, namespace: 'metallb-system' });
 * await op.waitReady();
 * ...
 * await op.stop();
 * ```
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { KubeConfig } from '@kubernetes/client-node';
import { kubeClientFor } from '@metallb-ts/lib/k8s/kube-client.ts';
import { kubeTargetOf } from '@metallb-ts/lib/k8s/kube-target.ts';
import { systemClock, type Clock } from '@metallb-ts/lib/time/clock.ts';
import { pollUntil } from '@metallb-ts/lib/time/poll.ts';
import { createLogger, type LogLevel } from '@metallb-ts/lib/log.ts';
import { startOperator as startReplica, type RunningOperator } from '@metallb-ts/operator/controller/operator.ts';
import type { FatalReason } from '@metallb-ts/operator/controller/leadership.ts';

/** Options of {@link startOperator}. */
export interface TestOperatorOptions {
  readonly kubeConfig: KubeConfig;
  readonly namespace: string;
  readonly lbClass?: string;
  /** Leader-election identity (default `operator-test`). */
  readonly identity?: string;
  readonly clock?: Clock;
  /** Lease name (default `metallb-ts-controller`). */
  readonly leaseName?: string;
  /** Memberlist Secret name (default `memberlist`). */
  readonly mlSecretName?: string;
  /** Deployment owning the memberlist Secret. */
  readonly deployment?: string;
  /** Captured log level (default `debug`). */
  readonly logLevel?: LogLevel;
}

/** A running in-process operator. */
export interface TestOperator {
  readonly replica: RunningOperator;
  /** Captured JSON log lines. */
  readonly logs: readonly string[];
  /** Whether leadership was lost (main.ts would have exited). */
  lostLeadership(): boolean;
  /** Why the replica would have exited (main.ts exits 1), when it would have. */
  fatal(): FatalReason | undefined;
  /** The Prometheus text exposition. */
  metrics(): Promise<string>;
  /** Value of one sample (`name{labels}` as exposed), undefined when absent. */
  metric(name: string, labels?: Readonly<Record<string, string>>): Promise<number | undefined>;
  /** Waits (bounded) until leading, synced and a configuration is loaded. */
  waitReady(timeoutMs?: number): Promise<void>;
  /** Releases the lease and stops everything. */
  stop(): Promise<void>;
}

/** Short timings so failover and retries fit in a test. */
const LEASE = { leaseDurationMs: 3000, renewDeadlineMs: 2000, retryPeriodMs: 250 } as const;

/** Starts one replica; see the module comment. */
export async function startOperator(o: TestOperatorOptions): Promise<TestOperator> {
  const logs: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(...chunk.toString('utf8').split('\n').filter((l) => l !== ''));
      done();
    },
  });
  let fatal: FatalReason | undefined;
  const replica = await startReplica({
    kube: kubeClientFor(kubeTargetOf(o.kubeConfig)), namespace: o.namespace, identity: o.identity ?? 'operator-test', clock: o.clock ?? systemClock,
    logger: createLogger({ level: o.logLevel ?? 'debug', component: 'controller', stream }),
    mlSecretName: o.mlSecretName ?? 'memberlist', leaseName: o.leaseName ?? 'metallb-ts-controller', lease: LEASE,
    randomBytes: (n) => randomBytes(n), retryBaseMs: 50, retryMaxMs: 1000,
    onFatal: (reason) => {
      fatal ??= reason;
    },
    ...(o.lbClass === undefined ? {} : { lbClass: o.lbClass }),
    ...(o.deployment === undefined ? {} : { deployment: o.deployment }),
  });
  const metric = async (name: string, labels: Readonly<Record<string, string>> = {}): Promise<number | undefined> => {
    const m = await replica.registry.getSingleMetric(name)?.get();
    const want = Object.entries(labels);
    return m?.values.find((v) => want.every(([k, x]) => (v.labels as Record<string, unknown>)[k] === x))?.value;
  };
  return {
    replica, logs, metric,
    lostLeadership: () => fatal === 'lost-leadership',
    fatal: () => fatal,
    metrics: () => replica.registry.metrics(),
    waitReady: async (timeoutMs = 20_000) => {
      const r = await pollUntil(() => (replica.controller.ready() ? true : undefined), { timeoutMs });
      if (!r.ok) throw new Error(`operator not ready after ${timeoutMs} ms; last logs:\n${logs.slice(-20).join('\n')}`);
    },
    stop: () => replica.stop(),
  };
}

/** Something that runs kubectl (a ControlPlane). */
export interface Kubectl {
  kubectl(args: readonly string[], input?: string): Promise<{ stdout: string; stderr: string; exitCode: number }>;
}

/** Polls `check` (bounded) until it returns a value; throws naming `what` on timeout. */
export async function waitFor<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const r = await pollUntil(check, { timeoutMs, intervalMs: 100 });
  if (!r.ok) throw new Error(`timed out after ${timeoutMs} ms (${r.error.checks} checks) waiting for ${what}`);
  return r.value;
}

/** `kubectl apply -f -` of a YAML text; throws with kubectl's stderr on failure. */
export async function applyYaml(cp: Kubectl, yaml: string): Promise<void> {
  const r = await cp.kubectl(['apply', '-f', '-'], yaml);
  if (r.exitCode !== 0) throw new Error(`kubectl apply failed: ${r.stderr}\n${yaml}`);
}
