/** The controller's own failure counters (`metallb_ts_*`: MetalLB has no such metric). */
import { Counter, type Registry } from 'prom-client';

/** Controller-only counters. */
export interface ControllerMetrics {
  /** Times the leader's controller failed to start (the replica then gives up the Lease and exits). */
  readonly startFailures: Counter;
}

/** Registers the {@link ControllerMetrics} on `registry`. */
export function controllerMetrics(registry: Registry): ControllerMetrics {
  return {
    startFailures: new Counter({
      name: 'metallb_ts_controller_start_failures_total', help: 'Number of times the leader failed to start its controller.', registers: [registry],
    }),
  };
}
