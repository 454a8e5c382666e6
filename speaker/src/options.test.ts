import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Env } from '@metallb-ts/lib/flags.ts';
import { parseSpeakerOptions } from './options.ts';

const FRR = { vtyDir: '/var/run/frr', configDir: '/etc/frr', configPath: '/etc/frr/frr.conf', workDir: '/var/run/metallb-ts/frr', stateIntervalMs: 2000 };
const DEFAULTS = { nodeName: 'node-a', namespace: 'metallb-system', logLevel: 'info', healthPort: 17472, metricsPort: 9120, frr: FRR };

describe('parseSpeakerOptions', () => {
  const cases: Array<{ desc: string; argv: string[]; env?: Env; want: unknown }> = [
    { desc: 'node name from the flag, defaults otherwise', argv: ['--node-name', 'node-a'], want: { ok: true, value: DEFAULTS } },
    { desc: 'node name from NODE_NAME', argv: [], env: { NODE_NAME: 'node-a' }, want: { ok: true, value: DEFAULTS } },
    { desc: 'METALLB_NODE_NAME wins over NODE_NAME', argv: [], env: { METALLB_NODE_NAME: 'node-a', NODE_NAME: 'other' }, want: { ok: true, value: DEFAULTS } },
    { desc: 'namespace from the environment', argv: [], env: { NODE_NAME: 'node-a', METALLB_NAMESPACE: 'lb' }, want: { ok: true, value: { ...DEFAULTS, namespace: 'lb' } } },
    {
      desc: 'flags win over the environment',
      argv: ['--node-name', 'n2', '--namespace', 'ns', '--kubeconfig', '/k', '--log-level', 'debug', '--health-port', '0', '--metrics-port', '0'],
      env: { NODE_NAME: 'node-a', METALLB_NAMESPACE: 'lb' },
      want: { ok: true, value: { nodeName: 'n2', namespace: 'ns', kubeconfig: '/k', logLevel: 'debug', healthPort: 0, metricsPort: 0, frr: FRR } },
    },
    {
      desc: 'FRR paths: the config file follows the config dir unless given',
      argv: ['--node-name', 'node-a', '--frr-vty-dir', '/v', '--frr-config-dir', '/c', '--frr-work-dir', '/w', '--frr-state-interval', '500'],
      want: { ok: true, value: { ...DEFAULTS, frr: { vtyDir: '/v', configDir: '/c', configPath: '/c/frr.conf', workDir: '/w', stateIntervalMs: 500 } } },
    },
    {
      desc: 'FRR tools: vtysh directory and frr-reload.py',
      argv: ['--node-name', 'node-a', '--frr-bin-dir', '/opt/frr/bin', '--frr-reload-script', '/opt/frr/frr-reload.py'],
      want: { ok: true, value: { ...DEFAULTS, frr: { ...FRR, bindir: '/opt/frr/bin', reloadScript: '/opt/frr/frr-reload.py' } } },
    },
    { desc: '--disable-frr: no BGP side', argv: ['--node-name', 'node-a', '--disable-frr'], want: { ok: true, value: { nodeName: 'node-a', namespace: 'metallb-system', logLevel: 'info', healthPort: 17472, metricsPort: 9120 } } },
    { desc: 'bad state interval', argv: ['--node-name', 'n', '--frr-state-interval', '5'], want: { ok: false, error: '--frr-state-interval must be 100..600000 ms' } },
    { desc: 'empty kubeconfig means none', argv: ['--node-name', 'node-a', '--kubeconfig', ''], want: { ok: true, value: DEFAULTS } },
    { desc: 'help', argv: ['--help'], want: { ok: true, value: 'help' } },
    { desc: 'node name missing', argv: [], want: { ok: false, error: '--node-name (or METALLB_NODE_NAME / NODE_NAME) is required' } },
    { desc: 'bad health port', argv: ['--node-name', 'n', '--health-port', '70000'], want: { ok: false, error: '--health-port: not a port: "70000"' } },
    { desc: 'bad metrics port', argv: ['--node-name', 'n', '--metrics-port', 'x'], want: { ok: false, error: '--metrics-port: not a port: "x"' } },
    { desc: 'bad level', argv: ['--node-name', 'n', '--log-level', 'loud'], want: { ok: false, error: '--log-level: unknown level "loud"' } },
  ];
  for (const c of cases) {
    it(c.desc, () => assert.deepEqual(parseSpeakerOptions(c.argv, c.env ?? {}), c.want));
  }

  it('rejects an unknown flag', () => {
    const r = parseSpeakerOptions(['--nope'], {});
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : r.error, /Unknown option '--nope'/);
  });
});
