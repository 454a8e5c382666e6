/** The plan pipeline's counters (`metallb_ts_*`: MetalLB renders on each node and has none). */
import { Counter, type Registry } from 'prom-client';

/** A write the plan pipeline made. */
export type PlanWriteKind = 'plan' | 'secret';
/** How it wrote. */
export type PlanWriteOp = 'create' | 'update' | 'delete';

/** What the plan reconciler counts. */
export interface NodePlanMetrics {
  /** One real write of a NodePlan or password Secret (a conflict is not counted). */
  write(kind: PlanWriteKind, op: PlanWriteOp): void;
  /** A node whose frr.conf could not be rendered (its plan is left as it was). */
  renderFailure(): void;
}

/** Registers `metallb_ts_node_plan_writes_total{kind,op}` and `metallb_ts_node_plan_render_failures_total`. */
export function nodePlanMetrics(registry: Registry): NodePlanMetrics {
  const writes = new Counter({
    name: 'metallb_ts_node_plan_writes_total', help: 'Writes of NodePlans and their password Secrets, by kind and operation.',
    labelNames: ['kind', 'op'] as const, registers: [registry],
  });
  const failures = new Counter({
    name: 'metallb_ts_node_plan_render_failures_total', help: 'Node renderings that failed (the node keeps its previous plan).', registers: [registry],
  });
  return { write: (kind, op) => writes.inc({ kind, op }), renderFailure: () => failures.inc() };
}
