import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { itRegistersFamilies } from './testing/metric-families.ts';
import { captureLogger, FakeCounter } from './testing/capture-logger.ts';
import { Gauge } from 'prom-client';
import { createRegistry, k8sClientMetrics, serveMetrics, shellFailureMetrics, type MetricsServer } from './metrics.ts';

describe('metric families', () => {
  const cases = [
    { desc: 'updates counter', name: 'metallb_k8s_client_updates_total', type: 'counter', labels: [] },
    { desc: 'update errors counter', name: 'metallb_k8s_client_update_errors_total', type: 'counter', labels: [] },
    { desc: 'config loaded gauge', name: 'metallb_k8s_client_config_loaded_bool', type: 'gauge', labels: [] },
    { desc: 'config stale gauge', name: 'metallb_k8s_client_config_stale_bool', type: 'gauge', labels: [] },
  ];
  const registry = createRegistry();
  k8sClientMetrics(registry);
  itRegistersFamilies(registry, cases);

  it('registers only on the injected registry', () => {
    const a = createRegistry();
    const b = createRegistry();
    k8sClientMetrics(a);
    assert.equal(b.getMetricsAsArray().length, 0);
    assert.equal(a.getMetricsAsArray().length, 4);
  });
});

describe('serveMetrics', () => {
  let server: MetricsServer;
  let ready = false;
  const registry = createRegistry();
  // Any family will do; the controller's allocator gauge is a realistic one.
  const inUse = new Gauge({ name: 'metallb_allocator_addresses_in_use_total', help: 'Number of IP addresses in use, per pool', labelNames: ['pool'], registers: [registry] });
  inUse.set({ pool: 'lab' }, 3);
  const url = (p: string): string => `http://127.0.0.1:${server.port}${p}`;
  before(async () => {
    server = await serveMetrics({ registry, port: 0, host: '127.0.0.1', ready: () => ready, logger: captureLogger().logger, errors: new FakeCounter() });
  });
  after(() => server.close());

  it('serves /metrics in the exposition format', async () => {
    const res = await fetch(url('/metrics'));
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.match(text, /# HELP metallb_allocator_addresses_in_use_total Number of IP addresses in use, per pool/);
    assert.match(text, /metallb_allocator_addresses_in_use_total\{pool="lab"\} 3/);
  });

  const probes = [
    { desc: 'healthz always ok', path: '/healthz', ready: false, want: 200 },
    { desc: 'readyz 503 while not ready', path: '/readyz', ready: false, want: 503 },
    { desc: 'readyz 200 once ready', path: '/readyz', ready: true, want: 200 },
    { desc: 'unknown path 404', path: '/nope', ready: true, want: 404 },
  ];
  for (const c of probes) {
    it(c.desc, async () => {
      ready = c.ready;
      const res = await fetch(url(c.path));
      await res.text();
      assert.equal(res.status, c.want);
    });
  }
});

describe('shellFailureMetrics', () => {
  const registry = createRegistry();
  shellFailureMetrics(registry);
  itRegistersFamilies(registry, [
    { desc: 'leader election errors', name: 'metallb_ts_leader_election_errors_total', type: 'counter', labels: [] },
    { desc: 'event write errors', name: 'metallb_ts_event_write_errors_total', type: 'counter', labels: [] },
    { desc: 'http handler errors', name: 'metallb_ts_http_handler_errors_total', type: 'counter', labels: [] },
  ]);
});

describe('serveMetrics when rendering fails', () => {
  it('answers 500, logs the reason with the path, and counts it', async () => {
    const registry = createRegistry();
    new Gauge({ name: 'broken_gauge', help: 'h', registers: [registry], collect: () => { throw new Error('collector exploded'); } });
    const log = captureLogger();
    const errors = new FakeCounter();
    const server = await serveMetrics({ registry, port: 0, host: '127.0.0.1', ready: () => true, logger: log.logger, errors });
    try {
      const res = await fetch(`http://127.0.0.1:${server.port}/metrics`);
      assert.equal(res.status, 500);
      assert.equal(await res.text(), 'internal error');
    } finally {
      await server.close();
    }
    assert.equal(errors.value, 1);
    const entry = (await log.entries()).find((e) => e.message === 'metrics request failed');
    assert.equal(entry?.path, '/metrics');
    assert.match(String(entry?.reason), /collector exploded/);
  });
});
