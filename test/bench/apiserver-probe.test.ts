import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { cpuSecondsFromStat } from './proc-cpu.ts';
import { clusterIpAllocations, countOf, phaseSummary, requestDeltas, requestTotals, type ApiserverSnapshot } from './apiserver-probe.ts';

const METRICS = [
  '# HELP apiserver_request_total [STABLE] Counter of apiserver requests',
  '# TYPE apiserver_request_total counter',
  'apiserver_request_total{code="201",component="apiserver",dry_run="",group="",resource="services",scope="resource",subresource="",verb="POST",version="v1"} 120',
  'apiserver_request_total{code="201",component="apiserver",dry_run="",group="events.k8s.io",resource="events",scope="resource",subresource="",verb="POST",version="v1"} 80',
  'apiserver_request_total{code="201",component="apiserver",dry_run="",group="",resource="events",scope="resource",subresource="",verb="POST",version="v1"} 5',
  'apiserver_request_total{code="200",component="apiserver",dry_run="",group="",resource="services",scope="resource",subresource="status",verb="PATCH",version="v1"} 118',
  'apiserver_request_total{code="504",component="apiserver",dry_run="",group="",resource="services",scope="resource",subresource="",verb="POST",version="v1"} 2',
  'apiserver_request_duration_seconds_bucket{verb="POST",le="0.1"} 3',
  'kube_apiserver_clusterip_allocator_allocation_duration_seconds_bucket{cidr="2001:db8:ffff::/112",le="0.005"} 384',
  'kube_apiserver_clusterip_allocator_allocation_duration_seconds_sum{cidr="2001:db8:ffff::/112"} 3.5',
  'kube_apiserver_clusterip_allocator_allocation_duration_seconds_count{cidr="2001:db8:ffff::/112"} 100',
  'kube_apiserver_clusterip_allocator_allocation_duration_seconds_sum{cidr="198.51.100.128/25"} 0.5',
  'kube_apiserver_clusterip_allocator_allocation_duration_seconds_count{cidr="198.51.100.128/25"} 25',
].join('\n');

const snap = (at: number, requests: Map<string, number>, cpu: number, clusterIp = { count: 0, seconds: 0 }): ApiserverSnapshot => ({ at, requests, clusterIp, cpuS: { apiserver: cpu, etcd: cpu / 2, controller: undefined } });

describe('apiserver probe', () => {
  it('sums apiserver_request_total by verb, resource/subresource and code, folding the group', () => {
    assert.deepEqual([...requestTotals(METRICS)].sort(), [
      ['PATCH services/status 200', 118], ['POST events 201', 85], ['POST services 201', 120], ['POST services 504', 2],
    ]);
  });

  it('sums ClusterIP allocation counts and seconds over every Service CIDR, and derives the ceiling per phase', () => {
    assert.deepEqual(clusterIpAllocations(METRICS), { count: 125, seconds: 4 });
    const a = snap(0, new Map(), 0, { count: 100, seconds: 2 });
    const b = snap(1000, new Map(), 0, { count: 140, seconds: 3 });
    const p = phaseSummary(a, b);
    assert.equal(p.clusterip_alloc_ms, 25);
    assert.equal(p.clusterip_ceiling_per_s, 40);
    assert.ok(Number.isNaN(phaseSummary(a, a).clusterip_alloc_ms), 'no allocation in the phase: no mean');
  });

  it('reports deltas largest first and counts a prefix', () => {
    const a = snap(0, new Map([['POST services 201', 100], ['POST events 201', 10]]), 1);
    const b = snap(2000, new Map([['POST services 201', 150], ['POST events 201', 90], ['GET leases 200', 4]]), 3);
    assert.deepEqual(requestDeltas(a, b), [['POST events 201', 80], ['POST services 201', 50], ['GET leases 200', 4]]);
    assert.equal(countOf(a, b, 'POST events'), 80);
    assert.equal(countOf(a, b, 'POST service'), 0, 'a prefix is a whole verb + resource, not part of a word');
    const p = phaseSummary(a, b, 2);
    assert.equal(p.seconds, 2);
    assert.equal(p.apiserver_cores, 1);
    assert.equal(p.etcd_cores, 0.5);
    assert.ok(Number.isNaN(p.controller_cores), 'no controller pid: not a number, not 0');
    assert.equal(p.requests_per_s, 67);
    assert.deepEqual(p.top, [['POST events 201', 80], ['POST services 201', 50]]);
  });

  it('reads utime + stime from a /proc stat line whose name holds spaces and parentheses', () => {
    const stat = '4242 (kube (api) server) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 12 0 100 0 0';
    assert.equal(cpuSecondsFromStat(stat), 3);
    assert.equal(cpuSecondsFromStat('1 (x) S'), undefined);
  });
});
