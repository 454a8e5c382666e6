import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseBfdPeers, parseBgpNeighbors } from './frr-state.ts';

/** Captured from the lab's FRR 8.4.4 (node 64512 ↔ router 64513, eBGP, BFD multihop mismatch). */
const fixture = (name: string): unknown => JSON.parse(readFileSync(join(import.meta.dirname, '../testdata', name), 'utf8'));

test('parseBgpNeighbors reads an established eBGP session from FRR 8.4.4', () => {
  const got = parseBgpNeighbors(fixture('bgp-neighbors-8.4.4.json'));
  assert.ok(got.ok);
  assert.deepEqual(got.value, [{
    vrf: 'default', peer: '192.0.2.1', port: 179, state: 'Established', established: true, uptimeMs: 1000,
    connectionsEstablished: 1, prefixesSent: 2, prefixesReceived: 0,
    messages: { opensSent: 1, opensReceived: 1, notificationsSent: 0, notificationsReceived: 0, updatesSent: 2,
      updatesReceived: 2, keepalivesSent: 2, keepalivesReceived: 2, routeRefreshSent: 0, totalSent: 5, totalReceived: 5 },
    lastResetReason: 'Waiting for peer OPEN',
  }]);
});

test('parseBgpNeighbors handles empty, non-session keys and bad input', () => {
  const cases: Array<{ desc: string; input: unknown; want: string[] | 'error' }> = [
    { desc: 'no instances', input: {}, want: [] },
    { desc: 'vrf with only metadata', input: { red: { vrfId: 3, vrfName: 'red' } }, want: [] },
    { desc: 'a down session in a vrf', input: { red: { vrfName: 'red', '192.0.2.9': { bgpState: 'Active' } } }, want: ['red 192.0.2.9 Active false'] },
    { desc: 'an array is not neighbors', input: [], want: 'error' },
  ];
  for (const { desc, input, want } of cases) {
    const got = parseBgpNeighbors(input);
    if (want === 'error') assert.equal(got.ok, false, desc);
    else assert.deepEqual(got.ok && got.value.map((s) => `${s.vrf} ${s.peer} ${s.state} ${s.established}`), want, desc);
  }
});

test('parseBfdPeers joins the counters of FRR 8.4.4', () => {
  const got = parseBfdPeers(fixture('bfd-peers-8.4.4.json'), fixture('bfd-peers-counters-8.4.4.json'));
  assert.ok(got.ok);
  assert.deepEqual(got.value, [{
    vrf: 'default', peer: '192.0.2.1', local: '192.0.2.10', multihop: true, status: 'down',
    counters: { controlPacketInput: 0, controlPacketOutput: 1, echoPacketInput: 0, echoPacketOutput: 0,
      sessionUpEvents: 0, sessionDownEvents: 0, zebraNotifications: 1 },
  }]);
  assert.equal(parseBfdPeers({}).ok, false);
  assert.equal(parseBfdPeers([], {}).ok, false);
});
