import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AddressConflict } from '../responder-types.ts';
import { assignedEvents, conflictEvents, conflictKey, nodeAssignedNote, serviceL2Changes, wantedServiceL2 } from './l2-reports.ts';

describe('wantedServiceL2', () => {
  it('one entry per Service; interfaces only when restricted, unioned over its VIPs and sorted', () => {
    const got = wantedServiceL2([
      { ip: '192.0.2.1', services: ['ns/a', 'ns/shared'], interfaces: undefined },
      { ip: '192.0.2.2', services: ['ns/b'], interfaces: ['eth1', 'eth0'] },
      { ip: '2001:db8::2', services: ['ns/b'], interfaces: ['eth2'] },
    ]);
    assert.deepEqual(Object.fromEntries(got), { 'ns/a': [], 'ns/shared': [], 'ns/b': ['eth0', 'eth1', 'eth2'] });
  });
});

describe('serviceL2Changes', () => {
  const cases = [
    { desc: 'nothing changed: no write', wanted: { 'ns/a': [] }, existing: [{ name: 'l2-1', service: 'ns/a', interfaces: [] }], want: { create: [], update: [], delete: [] } },
    { desc: 'new Service: create', wanted: { 'ns/a': ['eth0'] }, existing: [], want: { create: [{ service: 'ns/a', peers: ['eth0'] }], update: [], delete: [] } },
    { desc: 'no longer announced: delete', wanted: {}, existing: [{ name: 'l2-1', service: 'ns/a', interfaces: [] }], want: { create: [], update: [], delete: ['l2-1'] } },
    { desc: 'interfaces changed (order ignored): update', wanted: { 'ns/a': ['eth0', 'eth1'] }, existing: [{ name: 'l2-1', service: 'ns/a', interfaces: ['eth1'] }, { name: 'l2-2', service: 'ns/a', interfaces: [] }],
      want: { create: [], update: [{ name: 'l2-1', service: 'ns/a', peers: ['eth0', 'eth1'] }], delete: ['l2-2'] } },
  ];
  for (const c of cases) it(c.desc, () => assert.deepEqual(serviceL2Changes(new Map(Object.entries(c.wanted)), c.existing), c.want));
});

describe('events', () => {
  it('nodeAssigned uses MetalLB\'s text, once per Service that starts being announced', () => {
    assert.equal(nodeAssignedNote('node-1'), 'announcing from node "node-1" with protocol "layer2"');
    const got = assignedEvents('node-1', new Set(['ns/a']), new Set(['ns/b', 'ns/a']));
    assert.deepEqual(got, [{ service: 'ns/b', type: 'Normal', reason: 'nodeAssigned', note: 'announcing from node "node-1" with protocol "layer2"' }]);
    assert.deepEqual(assignedEvents('node-1', new Set(['ns/a']), new Set(['ns/a'])), []);
  });

  it('a Warning per Service of the VIP for a new conflict, none for a known one', () => {
    const c: AddressConflict = { ip: '192.0.2.9', mac: '02:00:00:00:00:09', iface: 'eth0', since: 0, phase: 'probe' };
    const services = (ip: string) => (ip === '192.0.2.9' ? ['ns/a', 'ns/b'] : []);
    const got = conflictEvents('node-1', new Set(), [c], services);
    assert.deepEqual(got.map((e) => [e.service, e.type, e.reason]), [['ns/a', 'Warning', 'addressConflict'], ['ns/b', 'Warning', 'addressConflict']]);
    assert.match(got[0]!.note, /192\.0\.2\.9 is also claimed by 02:00:00:00:00:09 on eth0; not announced from node "node-1"/);
    assert.deepEqual(conflictEvents('node-1', new Set([conflictKey(c)]), [c], services), []);
  });
});
