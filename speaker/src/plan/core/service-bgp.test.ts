import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serviceStatusChanges, type ExistingServiceStatus } from './service-bgp.ts';

test('serviceStatusChanges: table', () => {
  const wanted = new Map<string, readonly string[]>([['ns/a', ['p1']], ['ns/b', ['p1', 'p2']]]);
  const cases: Array<{ desc: string; existing: ExistingServiceStatus[]; want: ReturnType<typeof serviceStatusChanges> }> = [
    { desc: 'nothing yet: create both', existing: [], want: { create: [{ service: 'ns/a', peers: ['p1'] }, { service: 'ns/b', peers: ['p1', 'p2'] }], update: [], delete: [] } },
    { desc: 'all in line: nothing', existing: [{ name: 'bgp-1', service: 'ns/a', peers: ['p1'] }, { name: 'bgp-2', service: 'ns/b', peers: ['p1', 'p2'] }], want: { create: [], update: [], delete: [] } },
    {
      desc: 'peers changed, stale and duplicate objects deleted',
      existing: [{ name: 'bgp-1', service: 'ns/a', peers: [] }, { name: 'bgp-2', service: 'ns/a', peers: ['p1'] }, { name: 'bgp-3', service: 'ns/gone', peers: ['p1'] }],
      want: { create: [{ service: 'ns/b', peers: ['p1', 'p2'] }], update: [{ name: 'bgp-1', service: 'ns/a', peers: ['p1'] }], delete: ['bgp-2', 'bgp-3'] },
    },
  ];
  for (const c of cases) assert.deepEqual(serviceStatusChanges(wanted, c.existing), c.want, c.desc);
});
