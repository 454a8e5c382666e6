/**
 * MetalLB's FRR-mode metric families (frr-metrics sidecar: `metallb_bgp_*` labelled `peer`
 * (`ip:port`) and `vrf`, `metallb_bfd_*` labelled `peer` and `vrf`), served from the latest
 * state the reader produced. Counters mirror FRR's own counters, so they are set at collect
 * time rather than incremented.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { BfdCounters, BfdSessionState, BgpMessageCounters, BgpSessionState } from './core/frr-state.ts';

/** What the metrics show; the reader replaces it after each poll. */
export interface FrrStateSnapshot {
  readonly bgp: readonly BgpSessionState[];
  readonly bfd: readonly BfdSessionState[];
}

type Labels = 'peer' | 'vrf';
const LABELS = ['peer', 'vrf'] as const;

const BGP_COUNTERS: ReadonlyArray<[string, string, keyof BgpMessageCounters]> = [
  ['opens_sent', 'Number of BGP open messages sent', 'opensSent'],
  ['opens_received', 'Number of BGP open messages received', 'opensReceived'],
  ['notifications_sent', 'Number of BGP notification messages sent', 'notificationsSent'],
  ['updates_total', 'Number of BGP UPDATE messages sent', 'updatesSent'],
  ['updates_total_received', 'Number of BGP UPDATE messages received', 'updatesReceived'],
  ['keepalives_sent', 'Number of BGP keepalive messages sent', 'keepalivesSent'],
  ['keepalives_received', 'Number of BGP keepalive messages received', 'keepalivesReceived'],
  ['route_refresh_sent', 'Number of BGP route refresh messages sent', 'routeRefreshSent'],
  ['total_sent', 'Number of total BGP messages sent', 'totalSent'],
  ['total_received', 'Number of total BGP messages received', 'totalReceived'],
];

const BFD_COUNTERS: ReadonlyArray<[string, string, keyof BfdCounters]> = [
  ['control_packet_input', 'Number of received BFD control packets', 'controlPacketInput'],
  ['control_packet_output', 'Number of sent BFD control packets', 'controlPacketOutput'],
  ['echo_packet_input', 'Number of received BFD echo packets', 'echoPacketInput'],
  ['echo_packet_output', 'Number of sent BFD echo packets', 'echoPacketOutput'],
  ['session_up_events', 'Number of BFD session up events', 'sessionUpEvents'],
  ['session_down_events', 'Number of BFD session down events', 'sessionDownEvents'],
  ['zebra_notifications', 'Number of BFD zebra notifications', 'zebraNotifications'],
];

const bgpLabels = (s: BgpSessionState) => ({ peer: `${s.peer}:${s.port}`, vrf: s.vrf });
const bfdLabels = (s: BfdSessionState) => ({ peer: s.peer, vrf: s.vrf });

/** Registers every family on `registry`; each scrape reads `snapshot()`. */
export function registerFrrMetrics(registry: Registry, snapshot: () => FrrStateSnapshot): void {
  const registers = [registry];
  const gauge = (name: string, help: string, fill: (g: Gauge<Labels>) => void): void => {
    new Gauge({ name, help, labelNames: LABELS, registers, collect() { this.reset(); fill(this); } });
  };
  const counter = (name: string, help: string, fill: (c: Counter<Labels>) => void): void => {
    new Counter({ name, help, labelNames: LABELS, registers, collect() { this.reset(); fill(this); } });
  };
  gauge('metallb_bgp_session_up', 'BGP session state (1 is up, 0 is down)', (g) => {
    for (const s of snapshot().bgp) g.set(bgpLabels(s), s.established ? 1 : 0);
  });
  gauge('metallb_bgp_announced_prefixes_total', 'Number of prefixes currently being advertised on the BGP session', (g) => {
    for (const s of snapshot().bgp) g.set(bgpLabels(s), s.prefixesSent);
  });
  for (const [suffix, help, key] of BGP_COUNTERS) {
    counter(`metallb_bgp_${suffix}`, help, (c) => {
      for (const s of snapshot().bgp) c.inc(bgpLabels(s), s.messages[key]);
    });
  }
  gauge('metallb_bfd_session_up', 'BFD session state (1 is up, 0 is down)', (g) => {
    for (const s of snapshot().bfd) g.set(bfdLabels(s), s.status === 'up' ? 1 : 0);
  });
  for (const [suffix, help, key] of BFD_COUNTERS) {
    counter(`metallb_bfd_${suffix}`, help, (c) => {
      for (const s of snapshot().bfd) if (s.counters !== undefined) c.inc(bfdLabels(s), s.counters[key]);
    });
  }
}
