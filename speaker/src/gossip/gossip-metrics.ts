/**
 * Gossip metrics, registered in the injected prom-client registry. MetalLB exposes none for
 * memberlist (its go-metrics are not scraped), so these names are ours, in MetalLB's namespace.
 */
import { Counter, Gauge, type Registry } from 'prom-client';

/** Counters and gauges of one gossip member. */
export interface GossipMetrics {
  /** Messages sent, by message type (a packet with piggybacked rumours counts each). */
  readonly sent: Counter<'type'>;
  /** Messages received and decoded, by message type. */
  readonly received: Counter<'type'>;
  /** Packets dropped before the state machine saw them, by reason (auth-failed, decode, …). */
  readonly dropped: Counter<'reason'>;
  /** Members in this member's view, by status. */
  readonly members: Gauge<'status'>;
}

/** Registers the `metallb_gossip_*` families on `registry`. */
export function gossipMetrics(registry: Registry): GossipMetrics {
  const registers = [registry];
  return {
    sent: new Counter({ name: 'metallb_gossip_messages_sent_total', help: 'Gossip messages sent, by type.', labelNames: ['type'] as const, registers }),
    received: new Counter({ name: 'metallb_gossip_messages_received_total', help: 'Gossip messages received, by type.', labelNames: ['type'] as const, registers }),
    dropped: new Counter({ name: 'metallb_gossip_packets_dropped_total', help: 'Gossip packets dropped before processing, by reason.', labelNames: ['reason'] as const, registers }),
    members: new Gauge({ name: 'metallb_gossip_members', help: 'Members in this speaker\'s gossip view, by status.', labelNames: ['status'] as const, registers }),
  };
}
