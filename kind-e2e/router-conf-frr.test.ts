/**
 * The kind router's rendered config in a real FRR (the rule for every config this project
 * renders): loaded as the router of a namespace lab, it accepts a session from each node
 * (eBGP, the nodes' AS) and installs the nodes' /32 with one ECMP next hop per node, read the way
 * the kind target reads it (zebra's `show ip route <prefix> json`).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { activeNextHops, eventually, type RouteJson } from '../test/harness/bgp-speaker-lab.ts';
import { simpleBgpConf } from '../test/harness/frr-conf.ts';
import type { FrrInstance } from '../test/harness/frr.ts';
import { Lab } from '../test/harness/lab.ts';
import { neighborAt } from '../test/harness/speaker-frr.ts';
import { routerFilesFor } from './router-conf.ts';

const VIP = '198.51.100.20';

describe('kind router config in a real FRR: sessions from every node, ECMP over them', () => {
  let lab: Lab;
  let router: FrrInstance;

  before(async () => {
    lab = await Lab.create({ nodes: 2 });
  });
  after(async () => {
    await lab?.destroy();
  });

  test('the rendered frr.conf loads; each node peers; the VIP has both nodes as next hops', async () => {
    const rt = lab.addr('router').v4;
    const nodes = lab.nodes.map((n) => lab.addr(n).v4);
    const files = routerFilesFor({ routerAsn: 64513, nodeAsn: 64512, routerId: rt, neighbors: [...nodes].reverse() });
    assert.ok(files.ok, files.ok ? '' : files.error.reason);
    router = await lab.startFrr('router', files.value['frr.conf']);
    const running = await router.vtysh('show running-config');
    for (const n of nodes) assert.match(running, new RegExp(`neighbor ${n.replaceAll('.', '\\.')} remote-as 64512`));
    assert.match(running, /maximum-paths 8/);

    for (const n of lab.nodes) {
      await lab.startFrr(n, simpleBgpConf({ asn: 64512, routerId: lab.addr(n).v4, peer: rt, peerAsn: 64513, networks: [`${VIP}/32`] }));
    }
    for (const n of nodes) await eventually(`router ↔ ${n} Established`, () => neighborAt(router, n), (s) => s.state === 'Established');
    await eventually('ECMP next hops for the VIP', async () => activeNextHops(await router.vtyshJson<RouteJson>(`show ip route ${VIP}/32 json`), `${VIP}/32`),
      (h) => h.join() === [...nodes].sort().join());
  });
});
