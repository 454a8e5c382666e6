import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Registry } from 'prom-client';
import { parseBfdPeers, parseBgpNeighbors } from './core/frr-state.ts';
import { registerFrrMetrics, type FrrStateSnapshot } from './frr-metrics.ts';

const fixture = (name: string): unknown => JSON.parse(readFileSync(join(import.meta.dirname, 'testdata', name), 'utf8'));

function snapshotFromFixtures(): FrrStateSnapshot {
  const bgp = parseBgpNeighbors(fixture('bgp-neighbors-8.4.4.json'));
  const bfd = parseBfdPeers(fixture('bfd-peers-8.4.4.json'), fixture('bfd-peers-counters-8.4.4.json'));
  assert.ok(bgp.ok && bfd.ok);
  return { bgp: bgp.value, bfd: bfd.value };
}

test('MetalLB FRR-mode families, types and labels from FRR 8.4.4 state', async () => {
  const registry = new Registry();
  let snap = snapshotFromFixtures();
  registerFrrMetrics(registry, () => snap);
  const text = await registry.metrics();
  const want = [
    '# TYPE metallb_bgp_session_up gauge',
    'metallb_bgp_session_up{peer="192.0.2.1:179",vrf="default"} 1',
    'metallb_bgp_announced_prefixes_total{peer="192.0.2.1:179",vrf="default"} 2',
    '# TYPE metallb_bgp_opens_sent counter',
    'metallb_bgp_opens_sent{peer="192.0.2.1:179",vrf="default"} 1',
    'metallb_bgp_opens_received{peer="192.0.2.1:179",vrf="default"} 1',
    'metallb_bgp_notifications_sent{peer="192.0.2.1:179",vrf="default"} 0',
    'metallb_bgp_updates_total{peer="192.0.2.1:179",vrf="default"} 2',
    'metallb_bgp_updates_total_received{peer="192.0.2.1:179",vrf="default"} 2',
    'metallb_bgp_keepalives_sent{peer="192.0.2.1:179",vrf="default"} 2',
    'metallb_bgp_keepalives_received{peer="192.0.2.1:179",vrf="default"} 2',
    'metallb_bgp_route_refresh_sent{peer="192.0.2.1:179",vrf="default"} 0',
    'metallb_bgp_total_sent{peer="192.0.2.1:179",vrf="default"} 5',
    'metallb_bgp_total_received{peer="192.0.2.1:179",vrf="default"} 5',
    'metallb_bfd_session_up{peer="192.0.2.1",vrf="default"} 0',
    'metallb_bfd_control_packet_output{peer="192.0.2.1",vrf="default"} 1',
    'metallb_bfd_zebra_notifications{peer="192.0.2.1",vrf="default"} 1',
  ];
  for (const line of want) assert.ok(text.split('\n').includes(line), `missing: ${line}`);
  for (const f of ['echo_packet_input', 'echo_packet_output', 'session_up_events', 'session_down_events', 'control_packet_input']) {
    assert.match(text, new RegExp(`^metallb_bfd_${f}\\{peer="192.0.2.1",vrf="default"\\} 0$`, 'm'));
  }
  // A removed peer disappears from the next scrape instead of lingering.
  snap = { bgp: [], bfd: [] };
  assert.doesNotMatch(await registry.metrics(), /peer="192\.0\.2\.1/);
});
