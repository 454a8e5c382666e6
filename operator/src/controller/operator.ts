/**
 * One operator replica: metrics and health servers, and leader election on a Lease in the
 * MetalLB namespace. Only the leader runs the {@link Controller}; a follower keeps its servers
 * up and waits. Losing leadership, or failing to start the controller (after giving the Lease
 * back), is reported through `onFatal` (main.ts exits non-zero and the Deployment restarts the
 * pod, as controller-runtime does), because reconcilers may still hold in-memory allocations
 * that a new leader recomputes from Service status. See leadership.ts.
 */
import { LeaderElector } from '@metallb-ts/lib/k8s/leader-election.ts';
import { leaseStoreFor } from '@metallb-ts/lib/k8s/lease.ts';
import { createRegistry, k8sClientMetrics, serveMetrics, shellFailureMetrics, type MetricsServer, type ShellFailureMetrics } from '@metallb-ts/lib/metrics.ts';
import { allocatorMetrics } from '../metrics/allocator-metrics.ts';
import { controllerMetrics } from '../metrics/controller-metrics.ts';
import { nodePlanMetrics } from '../metrics/node-plan-metrics.ts';
import type { Registry } from 'prom-client';
import { Controller, type ControllerOptions } from './controller.ts';
import { Leadership, type FatalReason } from './leadership.ts';

/** Lease timings (client-go defaults: 15 s / 10 s / 2 s). */
export interface LeaseTimings {
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
}

/** Options of {@link startOperator}. */
export interface OperatorRunOptions extends Omit<ControllerOptions, 'clientMetrics' | 'allocatorMetrics' | 'planMetrics' | 'eventErrors'> {
  /** Lease name in `namespace`. */
  readonly leaseName: string;
  readonly lease?: LeaseTimings;
  /** Metrics port (plain HTTP; undefined or 0 = no server). */
  readonly metricsPort?: number;
  /** /healthz + /readyz port (undefined = no server). */
  readonly healthProbePort?: number;
  /** Bind address of both servers (default 0.0.0.0). */
  readonly host?: string;
  /**
   * Called once when this replica must exit: it lost leadership it held (not on `stop()`), or
   * its controller failed to start (the Lease is released first).
   */
  readonly onFatal: (reason: FatalReason) => void;
}

/** A running replica. */
export interface RunningOperator {
  readonly registry: Registry;
  /** The metrics server's port, when one runs. */
  readonly metricsPort: number | undefined;
  /** Whether this replica leads. */
  isLeader(): boolean;
  /** The controller (exists from the start; runs only while leading). */
  readonly controller: Controller;
  /** Releases the lease, stops the controller and the servers, and closes the API client's connections. */
  stop(): Promise<void>;
}

/** Starts the servers and the election; the controller starts when leadership is won. */
export async function startOperator(opts: OperatorRunOptions): Promise<RunningOperator> {
  const o = opts;
  const registry = createRegistry();
  const failures = shellFailureMetrics(registry);
  const controller = new Controller({ ...o, clientMetrics: k8sClientMetrics(registry), allocatorMetrics: allocatorMetrics(registry), planMetrics: nodePlanMetrics(registry), eventErrors: failures.eventWriteErrors });
  const servers = await startServers(o, registry, failures, () => controller.ready());
  const elector: LeaderElector = new LeaderElector({
    store: leaseStoreFor(o.kube, { namespace: o.namespace, name: o.leaseName }),
    ref: { namespace: o.namespace, name: o.leaseName }, identity: o.identity, clock: o.clock, logger: o.logger.child({ component: 'leader-election' }),
    errors: failures.leaderElectionErrors, ...(o.lease ?? {}),
    onStartedLeading: () => leadership.started(),
    onStoppedLeading: () => leadership.stopped(),
  });
  const leadership = new Leadership({
    work: controller, release: () => elector.stop(), onFatal: o.onFatal,
    startFailures: controllerMetrics(registry).startFailures, logger: o.logger.child({ component: 'leadership' }),
  });
  elector.start();
  return {
    registry, controller, metricsPort: servers.metrics?.port, isLeader: () => elector.isLeader(),
    stop: async () => {
      await leadership.shutdown();
      await controller.stop();
      await elector.stop();
      await Promise.all([servers.metrics?.close(), servers.health?.close()]);
      await o.kube.close();
    },
  };
}

/** The metrics and health servers that were asked for. */
async function startServers(
  o: OperatorRunOptions, registry: Registry, failures: ShellFailureMetrics, ready: () => boolean,
): Promise<{ metrics?: MetricsServer; health?: MetricsServer }> {
  const http = { registry, host: o.host ?? '0.0.0.0', ready, logger: o.logger.child({ component: 'http' }), errors: failures.httpErrors };
  const metrics = o.metricsPort === undefined || o.metricsPort === 0 ? undefined : await serveMetrics({ ...http, port: o.metricsPort });
  const health = o.healthProbePort === undefined ? undefined : await serveMetrics({ ...http, port: o.healthProbePort });
  return { ...(metrics === undefined ? {} : { metrics }), ...(health === undefined ? {} : { health }) };
}
