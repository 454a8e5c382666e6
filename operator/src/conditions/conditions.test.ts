/** The condition merge: rewritten only when a verdict changed; transition time moves with status. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALLOCATED, ANNOUNCED, conditionTime, mergeConditions, type StageCondition, type StoredCondition } from './conditions.ts';

const T0 = '2026-12-07T10:00:00Z';
const T1 = '2026-12-07T11:00:00Z';
const ok: StageCondition = { type: ALLOCATED, status: 'True', reason: 'Allocated', message: 'assigned 192.0.2.1 from IPAddressPool a' };
const stored = (c: StageCondition, at = T0): StoredCondition => ({ ...c, lastTransitionTime: at });
const foreign: StoredCondition = { type: 'example.com/Ready', status: 'True', reason: 'Ok', message: '', lastTransitionTime: T0 };

describe('mergeConditions', () => {
  const cases: { desc: string; existing: StoredCondition[]; wanted: StageCondition[]; want: StoredCondition[] | undefined }[] = [
    { desc: 'new condition stamped now', existing: [], wanted: [ok], want: [stored(ok, T1)] },
    { desc: 'same verdict: no write', existing: [stored(ok)], wanted: [ok], want: undefined },
    { desc: 'message changed, same status: time kept', existing: [stored(ok)], wanted: [{ ...ok, message: 'assigned 192.0.2.2 from IPAddressPool a' }], want: [stored({ ...ok, message: 'assigned 192.0.2.2 from IPAddressPool a' }, T0)] },
    { desc: 'status changed: time moves', existing: [stored(ok)], wanted: [{ ...ok, status: 'False', reason: 'PoolExhausted' }], want: [stored({ ...ok, status: 'False', reason: 'PoolExhausted' }, T1)] },
    { desc: "another controller's condition is kept", existing: [foreign], wanted: [ok], want: [foreign, stored(ok, T1)] },
    {
      desc: 'only the changed one is restamped',
      existing: [stored(ok), stored({ type: ANNOUNCED, status: 'False', reason: 'NoAdvertisement', message: 'm' })],
      wanted: [ok, { type: ANNOUNCED, status: 'True', reason: 'Announced', message: 'n' }],
      want: [stored(ok), stored({ type: ANNOUNCED, status: 'True', reason: 'Announced', message: 'n' }, T1)],
    },
  ];
  for (const c of cases) it(c.desc, () => assert.deepEqual(mergeConditions(c.existing, c.wanted, T1), c.want));
});

describe('conditionTime', () => {
  it('is RFC 3339 at second precision, as metav1.Time stores it', () => assert.equal(conditionTime(Date.parse('2026-12-07T10:00:00.750Z')), '2026-12-07T10:00:00Z'));
});
