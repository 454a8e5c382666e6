/**
 * bgpPlanFieldsFor: the plan's peers are the sessions the renderer writes, and each Service is
 * listed once under the union of the peers its announcements go to.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCidr } from '@metallb-ts/lib/ip/ip.ts';
import { announcementsFor, peersOnNode, type Announcement } from '../frr/announcements.ts';
import { configOf, GOLDEN_CASES } from '../frr/testing/golden-cases.ts';
import { bgpPlanFieldsFor, type BgpPlanFields } from './bgp-fields.ts';

const fieldsOfCase = (name: string): BgpPlanFields => {
  const c = GOLDEN_CASES.find((g) => g.name === name) ?? assert.fail(`${name} case missing`);
  const config = configOf(c);
  return bgpPlanFieldsFor(peersOnNode(config, c.node), announcementsFor(config, c.node, c.services).announcements);
};

const ann = (service: string, prefix: string, peers: string[]): Announcement => {
  const r = parseCidr(prefix);
  if (!r.ok) assert.fail(r.error);
  return { service, prefix: r.value, localPref: 0, communities: [], asPathPrepend: 0, peers };
};

describe('bgpPlanFieldsFor', () => {
  const cases: { name: string; want: BgpPlanFields }[] = [
    { name: 'ebgp', want: { bgpPeers: [{ name: 'router', neighbor: '192.0.2.1' }], bgpServices: [{ peers: ['router'], services: ['default/api', 'default/web'] }] } },
    {
      name: 'vrf',
      want: { bgpPeers: [{ name: 'default', neighbor: '192.0.2.1' }, { name: 'red', neighbor: '192.0.2.1', vrf: 'red' }], bgpServices: [{ peers: ['default', 'red'], services: ['default/api', 'default/web'] }] },
    },
    { name: 'unnumbered', want: { bgpPeers: [{ name: 'tor', neighbor: 'eth1' }], bgpServices: [{ peers: ['tor'], services: ['default/web'] }] } },
    // Only peer a gets anything; b is a session without Services; local-elsewhere is not served here.
    {
      name: 'selective',
      want: { bgpPeers: [{ name: 'a', neighbor: '192.0.2.1' }, { name: 'b', neighbor: '192.0.2.2' }], bgpServices: [{ peers: ['a'], services: ['default/local-here', 'default/web'] }] },
    },
    { name: 'no-peers-for-node', want: { bgpPeers: [], bgpServices: [] } },
  ];
  for (const c of cases) it(`golden case ${c.name}`, () => assert.deepEqual(fieldsOfCase(c.name), c.want));

  it('groups Services by the union of their announcements\' peers, sorted', () => {
    const got = bgpPlanFieldsFor([], [
      ann('ns/z', '198.51.100.1/32', ['p2']),
      ann('ns/dual', '198.51.100.2/32', ['p1']), ann('ns/dual', '2001:db8::2/128', ['p2']),
      ann('ns/a', '198.51.100.3/32', ['p2']),
      ann('ns/b', '198.51.100.4/32', ['p1', 'p2']),
      ann('ns/only1', '198.51.100.5/32', ['p1']),
    ]);
    assert.deepEqual(got.bgpServices, [
      { peers: ['p1'], services: ['ns/only1'] },
      { peers: ['p1', 'p2'], services: ['ns/b', 'ns/dual'] },
      { peers: ['p2'], services: ['ns/a', 'ns/z'] },
    ]);
  });
});
