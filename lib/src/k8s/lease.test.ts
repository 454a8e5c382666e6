import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideLease, type Lease, type LeaseDecision } from './lease.ts';

const NOW = 1_700_000_100_000;
const ref = { namespace: 'metallb-system', name: 'metallb-controller' };
const lease = (holder: string, transitions: number, acquireTime = '2023-11-14T22:13:20.000000Z'): Lease => ({
  metadata: { ...ref, resourceVersion: '7' },
  spec: { holderIdentity: holder, leaseDurationSeconds: 15, leaseTransitions: transitions, acquireTime, renewTime: acquireTime },
});

/** The parts of a decision a case checks. */
function summary(d: LeaseDecision): { kind: string; holder?: string | undefined; transitions?: number | undefined; acquiredNow?: boolean } {
  if (d.kind === 'follow') return { kind: d.kind, holder: d.holder };
  const spec = d.lease.spec ?? {};
  return { kind: d.kind, holder: spec.holderIdentity, transitions: spec.leaseTransitions, acquiredNow: new Date(spec.acquireTime as unknown as string).getTime() === NOW };
}

describe('decideLease', () => {
  const cases = [
    { desc: 'no lease: create it, 0 transitions', current: undefined, observedAt: NOW, want: { kind: 'create', holder: 'me', transitions: 0, acquiredNow: true } },
    { desc: 'other holder, observed 14 s ago: follow', current: lease('other', 3), observedAt: NOW - 14_000, want: { kind: 'follow', holder: 'other' } },
    { desc: 'other holder, observed 15 s ago: take over', current: lease('other', 3), observedAt: NOW - 15_000, want: { kind: 'update', holder: 'me', transitions: 4, acquiredNow: true } },
    { desc: 'released lease: take it at once', current: lease('', 4), observedAt: NOW, want: { kind: 'update', holder: 'me', transitions: 5, acquiredNow: true } },
    { desc: 'own lease: renew, same transitions and acquireTime', current: lease('me', 2), observedAt: NOW, want: { kind: 'update', holder: 'me', transitions: 2, acquiredNow: false } },
  ];
  for (const c of cases) {
    it(c.desc, () => {
      const d = decideLease({ current: c.current, identity: 'me', now: NOW, observedAt: c.observedAt, leaseDurationMs: 15_000, ref });
      assert.deepEqual(summary(d), c.want);
    });
  }

  it('writes microsecond timestamps and keeps the resourceVersion for optimistic concurrency', () => {
    const d = decideLease({ current: lease('me', 0), identity: 'me', now: NOW, observedAt: NOW, leaseDurationMs: 15_000, ref });
    assert.equal(d.kind, 'update');
    if (d.kind !== 'update') return;
    assert.match(JSON.stringify(d.lease.spec?.renewTime), /\.\d{6}Z"$/);
    assert.equal(d.lease.metadata?.resourceVersion, '7');
  });
});
