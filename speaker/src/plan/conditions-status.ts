/**
 * The NodePlan status of a speaker without FRR (layer 2 only, effectful shell): the plan's
 * generation and the conditions layer 2 reports, written with one merge patch when they differ
 * from what is stored, and never otherwise.
 */
import type { NodePlan, NodePlanStatus } from '@metallb-ts/lib/api/types.generated.ts';
import type { Logger } from '@metallb-ts/lib/log.ts';
import type { Clock } from '@metallb-ts/lib/time/clock.ts';
import { conditionsOnlyStatus, statusChanged, type ConditionInput } from './core/plan-status.ts';
import type { PlanSide, PlanStatusPort } from './plan-ports.ts';
import { serialPasses } from './serial-passes.ts';

/** Options of {@link startConditionsStatus}. */
export interface ConditionsStatusOptions {
  readonly node: string;
  readonly statusPort: PlanStatusPort;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** See the module comment. */
export function startConditionsStatus(o: ConditionsStatusOptions): PlanSide {
  let plan: { readonly name: string; readonly uid: string; readonly generation: number } | undefined;
  let stored: NodePlanStatus | undefined;
  let extra: readonly ConditionInput[] = [];
  let stopped = false;
  const passes = serialPasses({
    stopped: () => stopped,
    onError: (e) => o.logger.warn('plan status write failed; retried at the next change', { reason: String(e) }),
    pass: async () => {
      const p = plan;
      if (p === undefined || extra.length === 0) return;
      const next = conditionsOnlyStatus({ generation: p.generation, now: new Date(o.clock.now()).toISOString(), previous: stored, extra });
      if (statusChanged(stored, next) && (await o.statusPort.patchStatus(p.name, next)) === 'patched') stored = next;
    },
  });
  return {
    onPlan: (obj: NodePlan) => {
      const name = obj.metadata?.name ?? '';
      if (name !== o.node) return;
      const uid = obj.metadata?.uid ?? '';
      // After the first sight of a plan object, this speaker's own last write is what is stored.
      if (plan?.uid !== uid) stored = obj.status;
      plan = { name, uid, generation: obj.metadata?.generation ?? 0 };
      passes.kick();
    },
    onPlanDeleted: () => {
      plan = undefined;
    },
    setConditions: (cs) => {
      extra = cs;
      passes.kick();
    },
    stop: async () => {
      stopped = true;
      await passes.idle();
    },
  };
}
