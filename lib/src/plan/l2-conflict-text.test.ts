import assert from 'node:assert/strict';
import { test } from 'node:test';
import { claimsOfMessage, conflictMessage, CONFLICTS_LISTED, type ConflictClaim } from './l2-conflict-text.ts';

test('the conflict message round-trips through the operator\'s reader, bounded', () => {
  const claims: ConflictClaim[] = [
    { ip: '192.0.2.220', mac: '02:00:00:00:00:01', iface: 'eth0', phase: 'probe' },
    { ip: '2001:db8::5', mac: '02:00:00:00:00:02', iface: 'eth1', phase: 'announced' },
  ];
  assert.equal(conflictMessage(claims), '192.0.2.220 is also claimed by 02:00:00:00:00:01 on eth0 (not announced); 2001:db8::5 is also claimed by 02:00:00:00:00:02 on eth1 (while announcing)');
  assert.deepEqual(claimsOfMessage(conflictMessage(claims)), claims);
  const many = Array.from({ length: CONFLICTS_LISTED + 3 }, (_, i): ConflictClaim => ({ ip: `198.51.100.${i}`, mac: '02:00:00:00:00:03', iface: 'eth0', phase: 'probe' }));
  const m = conflictMessage(many);
  assert.ok(m.endsWith('; and 3 more'), m.slice(-40));
  assert.equal(claimsOfMessage(m).length, CONFLICTS_LISTED);
  assert.deepEqual(claimsOfMessage('no address conflict'), []);
});
