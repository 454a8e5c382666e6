import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NodePlan, NodePlanStatus } from '@metallb-ts/lib/api/types.generated.ts';
import { captureLogger } from '@metallb-ts/lib/testing/capture-logger.ts';
import { FakeClock } from '@metallb-ts/lib/testing/fake-clock.ts';
import { startConditionsStatus } from './conditions-status.ts';
import type { ConditionInput } from './core/plan-status.ts';

const plan = (generation: number, status?: NodePlanStatus, uid = 'u1'): NodePlan => ({
  apiVersion: 'speaker.metallb-ts.io/v1alpha1', kind: 'NodePlan', metadata: { name: 'node-a', uid, generation },
  spec: { nodeName: 'node-a', frr: { encoding: 'plain', config: '', sha256: '', size: 0 } }, ...(status === undefined ? {} : { status }),
} as NodePlan);
/** Lets the passes a kick started finish (the fake port answers at once). */
const settle = (): Promise<void> => new Promise((r) => setImmediate(r));
const conflict = (status: 'True' | 'False'): ConditionInput => ({ type: 'Layer2AddressConflict', status, reason: status === 'True' ? 'AddressInUse' : 'NoConflict', message: status });

describe('startConditionsStatus (speaker without FRR)', () => {
  it('one write per real change: generation or conditions; none for a repeat or before both are known', async () => {
    const writes: Array<{ name: string; status: NodePlanStatus }> = [];
    const side = startConditionsStatus({
      node: 'node-a', clock: new FakeClock(), logger: captureLogger().logger,
      statusPort: { patchStatus: async (name, status) => (writes.push({ name, status }), 'patched' as const) },
    });
    side.onPlan(plan(1));
    await settle();
    assert.equal(writes.length, 0, 'no conditions yet: nothing to say');
    side.setConditions([conflict('False')]);
    await settle();
    assert.equal(writes.length, 1);
    assert.equal(writes[0]?.name, 'node-a');
    assert.equal(writes[0]?.status.observedGeneration, 1);
    assert.deepEqual(writes[0]?.status.conditions?.map((c) => [c.type, c.status, c.reason]), [['Layer2AddressConflict', 'False', 'NoConflict']]);
    side.setConditions([conflict('False')]);
    side.onPlan(plan(1, writes[0]?.status)); // the watch echoing our own write
    await settle();
    assert.equal(writes.length, 1, 'nothing changed: nothing written');
    side.setConditions([conflict('True')]);
    await settle();
    side.onPlan(plan(2));
    await side.stop();
    assert.deepEqual(writes.map((w) => [w.status.observedGeneration, w.status.conditions?.[0]?.status]), [[1, 'False'], [1, 'True'], [2, 'True']]);
  });

  it('a new plan object that already carries the wanted status is not written again; another node\'s plan is ignored', async () => {
    const writes: NodePlanStatus[] = [];
    const side = startConditionsStatus({
      node: 'node-a', clock: new FakeClock(), logger: captureLogger().logger,
      statusPort: { patchStatus: async (_n, status) => (writes.push(status), 'patched' as const) },
    });
    side.setConditions([conflict('False')]);
    side.onPlan(plan(3));
    await settle();
    await side.stop();
    const restartedWith = writes[0];
    const again = startConditionsStatus({
      node: 'node-a', clock: new FakeClock(), logger: captureLogger().logger,
      statusPort: { patchStatus: async (_n, status) => (writes.push(status), 'patched' as const) },
    });
    again.onPlan({ ...plan(3, restartedWith), metadata: { name: 'node-b', uid: 'u9', generation: 3 } });
    again.setConditions([conflict('False')]);
    again.onPlan(plan(3, restartedWith));
    await again.stop();
    assert.equal(writes.length, 1, 'the restarted speaker finds its status already there');
  });
});
