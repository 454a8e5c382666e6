import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { layer2EnvOptions, refreshIntervalMs, seedsFromPods } from './l2-options.ts';

describe('layer2EnvOptions', () => {
  const cases: Array<{ desc: string; env: Record<string, string>; want: unknown }> = [
    { desc: 'off without a bind address', env: {}, want: { ok: true, value: undefined } },
    {
      desc: 'defaults', env: { METALLB_ML_BIND_ADDR: '192.0.2.10' },
      want: { ok: true, value: { bindAddr: '192.0.2.10', port: 7946, seeds: [], podLabels: undefined, secretName: 'memberlist', insecure: false, interfaces: undefined, gratuitousRefreshMs: undefined } },
    },
    {
      desc: 'seeds get the port; v6 in brackets; interfaces; insecure',
      env: { METALLB_ML_BIND_ADDR: '2001:db8::1', METALLB_ML_BIND_PORT: '7000', METALLB_ML_SEEDS: '192.0.2.11, 2001:db8::2,192.0.2.12:7001', METALLB_L2_INTERFACES: 'eth0,eth1', METALLB_ML_INSECURE: 'true', METALLB_ML_SECRET_NAME: 'ml' },
      want: { ok: true, value: { bindAddr: '2001:db8::1', port: 7000, seeds: ['192.0.2.11:7000', '[2001:db8::2]:7000', '192.0.2.12:7001'], podLabels: undefined, secretName: 'ml', insecure: true, interfaces: ['eth0', 'eth1'], gratuitousRefreshMs: undefined } },
    },
    {
      desc: 'a gratuitous refresh interval',
      env: { METALLB_ML_BIND_ADDR: '192.0.2.10', METALLB_L2_GRATUITOUS_REFRESH: '30s' },
      want: { ok: true, value: { bindAddr: '192.0.2.10', port: 7946, seeds: [], podLabels: undefined, secretName: 'memberlist', insecure: false, interfaces: undefined, gratuitousRefreshMs: 30_000 } },
    },
    {
      desc: 'a bad refresh interval is refused, naming the variable',
      env: { METALLB_ML_BIND_ADDR: '192.0.2.10', METALLB_L2_GRATUITOUS_REFRESH: '100ms' },
      want: { ok: false, error: 'METALLB_L2_GRATUITOUS_REFRESH: want a duration from 1s to 24h such as 30s or 5m (0: off), got "100ms"' },
    },
    { desc: 'bad bind address', env: { METALLB_ML_BIND_ADDR: 'node-a' }, want: { ok: false, error: 'METALLB_ML_BIND_ADDR: not an IP address: "node-a"' } },
    { desc: 'bad port', env: { METALLB_ML_BIND_ADDR: '192.0.2.1', METALLB_ML_BIND_PORT: '70000' }, want: { ok: false, error: 'METALLB_ML_BIND_PORT: not a port: "70000"' } },
    { desc: 'bad seed', env: { METALLB_ML_BIND_ADDR: '192.0.2.1', METALLB_ML_SEEDS: 'speaker-0' }, want: { ok: false, error: 'METALLB_ML_SEEDS: not an IP or host:port: "speaker-0"' } },
  ];
  for (const c of cases) it(c.desc, () => assert.deepEqual(layer2EnvOptions(c.env), c.want));
});

describe('refreshIntervalMs', () => {
  const cases: Array<{ input: string | undefined; want: unknown }> = [
    { input: undefined, want: { ok: true, value: undefined } },
    { input: '', want: { ok: true, value: undefined } },
    { input: '0', want: { ok: true, value: undefined } },
    { input: '1500ms', want: { ok: true, value: 1500 } },
    { input: ' 5m ', want: { ok: true, value: 300_000 } },
    { input: '1h', want: { ok: true, value: 3_600_000 } },
    { input: '999ms', want: { ok: false } },
    { input: '25h', want: { ok: false } },
    { input: '30', want: { ok: false } },
    { input: '1.5s', want: { ok: false } },
  ];
  for (const c of cases) {
    it(JSON.stringify(c.input), () => {
      const r = refreshIntervalMs(c.input);
      if (c.want && (c.want as { ok: boolean }).ok) assert.deepEqual(r, c.want);
      else assert.equal(r.ok, false);
    });
  }
});

describe('seedsFromPods', () => {
  const cases = [
    { desc: 'no pods', pods: [], want: [] },
    {
      desc: 'pod IPs with the port, v6 bracketed, sorted, duplicates once; pods without an IP left out',
      pods: [{ status: { podIP: '192.0.2.12' } }, { status: {} }, {}, { status: { podIP: '2001:db8::a' } }, { status: { podIP: '192.0.2.11' } }, { status: { podIP: '192.0.2.12' } }],
      want: ['192.0.2.11:7946', '192.0.2.12:7946', '[2001:db8::a]:7946'],
    },
    { desc: 'a garbage address is not a seed', pods: [{ status: { podIP: 'pending' } }], want: [] },
  ];
  for (const c of cases) it(c.desc, () => assert.deepEqual(seedsFromPods(c.pods, 7946), c.want));
});
