/** The `metallb_layer2_*` counters, labelled by `ip` as MetalLB's internal/layer2/stats.go. */
import { Counter, type Registry } from 'prom-client';

/** Layer-2 responder counters. */
export interface Layer2Metrics {
  /** ARP requests / NDP solicitations received for an announced IP. */
  readonly requestsReceived: Counter<'ip'>;
  /** ARP replies / NDP advertisements sent in answer. */
  readonly responsesSent: Counter<'ip'>;
  /** Gratuitous ARP / unsolicited NA frames sent. */
  readonly gratuitousSent: Counter<'ip'>;
}

/** Registers the three counters on `registry`. */
export function layer2Metrics(registry: Registry): Layer2Metrics {
  const counter = (name: string, help: string): Counter<'ip'> =>
    new Counter({ name: `metallb_layer2_${name}`, help, labelNames: ['ip'] as const, registers: [registry] });
  return {
    requestsReceived: counter('requests_received', 'Number of layer2 requests received for owned IPs'),
    responsesSent: counter('responses_sent', 'Number of layer2 responses sent for owned IPs'),
    gratuitousSent: counter('gratuitous_sent', 'Number of gratuitous layer2 packets sent for owned IPs'),
  };
}
