import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BgpSessionState } from '../../frr/core/frr-state.ts';
import { desiredStatus, statusChanged, type StatusInput } from './plan-status.ts';

const H1 = 'a'.repeat(64);
const H2 = 'b'.repeat(64);
const zero = { opensSent: 0, opensReceived: 0, notificationsSent: 0, notificationsReceived: 0, updatesSent: 0, updatesReceived: 0, keepalivesSent: 0, keepalivesReceived: 0, routeRefreshSent: 0, totalSent: 0, totalReceived: 0 };
const session = (peer: string, state: string, prefixesSent = 0): BgpSessionState => ({
  vrf: 'default', peer, port: 179, state, established: state === 'Established', uptimeMs: 5, connectionsEstablished: 1, prefixesSent, prefixesReceived: 0, messages: zero,
});
const base: StatusInput = {
  generation: 3, wantedHash: H1, outcome: { hash: H1, result: 'Applied', message: 'applied (batch)' }, runningHash: H1,
  bgp: [session('192.0.2.1', 'Established', 2), session('2001:db8::1', 'Active')],
  bfd: [{ vrf: 'default', peer: '192.0.2.1', multihop: false, status: 'up' }],
  peers: [{ name: 'router', neighbor: '192.0.2.1', vrf: '' }], now: '2026-01-01T00:00:00.000Z', previous: undefined,
};

test('desiredStatus: table', () => {
  const cases: Array<{ desc: string; input: Partial<StatusInput>; want: Record<string, unknown> }> = [
    { desc: 'applied, one of two up', input: {}, want: { result: 'Applied', appliedSha256: H1, sessions: '1/2', applied: 'True', sessionsCond: 'NotAllEstablished' } },
    { desc: 'newer plan not applied yet: Pending, FRR still runs the old hash', input: { wantedHash: H2 }, want: { result: 'Pending', appliedSha256: H1, sessions: '1/2', applied: 'Unknown', sessionsCond: 'NotAllEstablished' } },
    { desc: 'failed apply of the wanted config', input: { outcome: { hash: H1, result: 'Failed', message: 'failed, retrying: x' }, runningHash: '' }, want: { result: 'Failed', appliedSha256: '', sessions: '1/2', applied: 'False', sessionsCond: 'NotAllEstablished' } },
    { desc: 'state unreadable', input: { bgp: undefined }, want: { result: 'Applied', appliedSha256: H1, sessions: '0/0', applied: 'True', sessionsCond: 'StateUnreadable' } },
    { desc: 'no sessions', input: { bgp: [] }, want: { result: 'Applied', appliedSha256: H1, sessions: '0/0', applied: 'True', sessionsCond: 'NoSessions' } },
    { desc: 'before the first apply', input: { outcome: undefined, runningHash: '' }, want: { result: 'Pending', appliedSha256: '', sessions: '1/2', applied: 'Unknown', sessionsCond: 'NotAllEstablished' } },
  ];
  for (const c of cases) {
    const s = desiredStatus({ ...base, ...c.input });
    const got = {
      result: s.result, appliedSha256: s.appliedSha256, sessions: s.sessions,
      applied: s.conditions?.[0]?.status, sessionsCond: s.conditions?.[1]?.reason,
    };
    assert.deepEqual(got, c.want, c.desc);
  }
});

test('desiredStatus: peers by BGPPeer name (address when the plan does not name it), BFD joined, sorted', () => {
  assert.deepEqual(desiredStatus(base).peers, [
    { name: '2001:db8::1', neighbor: '2001:db8::1', vrf: '', bgpState: 'Active', prefixesSent: 0 },
    { name: 'router', neighbor: '192.0.2.1', vrf: '', bgpState: 'Established', bfdState: 'up', prefixesSent: 2 },
  ]);
});

test('statusChanged: the same status computed later is not a change; lastTransitionTime kept', () => {
  const first = desiredStatus(base);
  const again = desiredStatus({ ...base, now: '2026-01-01T00:05:00.000Z', previous: JSON.parse(JSON.stringify(first)) });
  assert.equal(statusChanged(first, again), false);
  const flipped = desiredStatus({ ...base, bgp: [session('192.0.2.1', 'Established')], now: '2026-01-01T00:06:00.000Z', previous: first });
  assert.equal(statusChanged(first, flipped), true);
  assert.equal(String(flipped.conditions?.[0]?.lastTransitionTime), '2026-01-01T00:00:00.000Z', 'Applied did not flip');
  assert.equal(String(flipped.conditions?.[1]?.lastTransitionTime), '2026-01-01T00:06:00.000Z', 'SessionsEstablished flipped');
  assert.equal(statusChanged(undefined, first), true);
});

test('desiredStatus: a session\'s adj-rib-out report joins its peer entry; a change of it is a status change', () => {
  const report = { planSha256: H1, expected: 3, missingCount: 1, missing: ['198.51.100.9/32'] };
  const s = desiredStatus({ ...base, advertised: (vrf, n) => (vrf === '' && n === '192.0.2.1' ? report : undefined) });
  assert.deepEqual(s.peers?.find((p) => p.name === 'router')?.advertised, report);
  assert.equal(s.peers?.find((p) => p.name === '2001:db8::1')?.advertised, undefined, 'not read: absent');
  const healed = desiredStatus({ ...base, advertised: (_v, n) => (n === '192.0.2.1' ? { ...report, missingCount: 0, missing: [] } : undefined) });
  assert.ok(statusChanged(s, healed));
  assert.ok(!statusChanged(s, desiredStatus({ ...base, advertised: (vrf, n) => (vrf === '' && n === '192.0.2.1' ? { ...report } : undefined) })));
});
