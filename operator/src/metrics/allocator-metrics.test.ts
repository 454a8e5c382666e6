import { describe } from 'node:test';
import { itRegistersFamilies } from '@metallb-ts/lib/testing/metric-families.ts';
import { createRegistry } from '@metallb-ts/lib/metrics.ts';
import { allocatorMetrics } from './allocator-metrics.ts';

describe('allocator metric families', () => {
  const cases = [
    { desc: 'in use', name: 'metallb_allocator_addresses_in_use_total', type: 'gauge', labels: ['pool'] },
    { desc: 'ipv4 in use', name: 'metallb_allocator_ipv4_addresses_in_use_total', type: 'gauge', labels: ['pool'] },
    { desc: 'ipv6 in use', name: 'metallb_allocator_ipv6_addresses_in_use_total', type: 'gauge', labels: ['pool'] },
    { desc: 'total', name: 'metallb_allocator_addresses_total', type: 'gauge', labels: ['pool'] },
    { desc: 'ipv4 total', name: 'metallb_allocator_ipv4_addresses_total', type: 'gauge', labels: ['pool'] },
    { desc: 'ipv6 total', name: 'metallb_allocator_ipv6_addresses_total', type: 'gauge', labels: ['pool'] },
  ];
  const registry = createRegistry();
  allocatorMetrics(registry);
  itRegistersFamilies(registry, cases);
});
