/**
 * The controller's `metallb_allocator_*` gauges (names, labels and help text as MetalLB exposes
 * them). Controller only, so they live in operator/ rather than lib/.
 */
import { Gauge, type Registry } from 'prom-client';

/** The `metallb_allocator_*` gauges, all labelled by `pool` (controller only). */
export interface AllocatorMetrics {
  /** Distinct IPs in use per pool. */
  readonly inUse: Gauge<'pool'>;
  /** IPv4 addresses in use per pool. */
  readonly ipv4InUse: Gauge<'pool'>;
  /** IPv6 addresses in use per pool. */
  readonly ipv6InUse: Gauge<'pool'>;
  /** Usable IPs per pool. */
  readonly total: Gauge<'pool'>;
  /** Usable IPv4 addresses per pool. */
  readonly ipv4Total: Gauge<'pool'>;
  /** Usable IPv6 addresses per pool. */
  readonly ipv6Total: Gauge<'pool'>;
}

/** Registers the `metallb_allocator_*` gauges on `registry`. */
export function allocatorMetrics(registry: Registry): AllocatorMetrics {
  const gauge = (name: string, help: string): Gauge<'pool'> =>
    new Gauge({ name: `metallb_allocator_${name}`, help, labelNames: ['pool'] as const, registers: [registry] });
  return {
    inUse: gauge('addresses_in_use_total', 'Number of IP addresses in use, per pool'),
    ipv4InUse: gauge('ipv4_addresses_in_use_total', 'Number of IPV4 addresses in use, per pool'),
    ipv6InUse: gauge('ipv6_addresses_in_use_total', 'Number of IPV6 addresses in use, per pool'),
    total: gauge('addresses_total', 'Number of usable IP addresses, per pool'),
    ipv4Total: gauge('ipv4_addresses_total', 'Number of usable IPV4 addresses, per pool'),
    ipv6Total: gauge('ipv6_addresses_total', 'Number of usable IPV6 addresses, per pool'),
  };
}
