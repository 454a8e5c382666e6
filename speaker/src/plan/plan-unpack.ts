/**
 * Where the speaker's plan enters (shell: gunzip): a large plan's bgpServices and l2 travel
 * packed in `spec.packed` (lib/plan/plan-sections-codec.ts); expanded back once, so that
 * everything after it (the BGP side's ServiceBGPStatus, layer 2's duties) reads the plain fields.
 */
import type { NodePlan } from '@metallb-ts/lib/api/types.generated.ts';
import { unpackPlanSpec } from '@metallb-ts/lib/plan/plan-sections-codec.ts';
import { err, ok, type Result } from '@metallb-ts/lib/result.ts';

/** `obj` with `spec.packed` expanded (verified), or why it cannot be. */
export function unpackPlan(obj: NodePlan): Result<NodePlan, string> {
  if (obj.spec?.packed === undefined) return ok(obj);
  const spec = unpackPlanSpec(obj.spec);
  return spec.ok ? ok({ ...obj, spec: spec.value }) : err(spec.error.message);
}
