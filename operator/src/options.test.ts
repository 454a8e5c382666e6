import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseOptions, type Env } from './options.ts';

const DEFAULTS = {
  namespace: 'metallb-system', mlSecretName: 'memberlist', logLevel: 'info', port: 9120, healthProbePort: 17472,
  identity: 'host-1', leaseName: 'metallb-ts-controller',
};

describe('parseOptions', () => {
  const cases: Array<{ desc: string; argv: string[]; env?: Env; want: unknown }> = [
    { desc: 'defaults', argv: [], want: { ok: true, value: DEFAULTS } },
    {
      desc: 'environment', argv: [],
      env: { METALLB_NAMESPACE: 'lb', METALLB_ML_SECRET_NAME: 'ml', METALLB_DEPLOYMENT: 'controller', POD_NAME: 'pod-1' },
      want: { ok: true, value: { ...DEFAULTS, namespace: 'lb', mlSecretName: 'ml', deployment: 'controller', identity: 'pod-1' } },
    },
    {
      desc: 'flags win over the environment',
      argv: ['--namespace', 'a', '--ml-secret-name', 'b', '--deployment', 'c', '--identity', 'd', '--lb-class', 'x/y',
        '--log-level', 'debug', '--port', '0', '--health-probe-port', '8081', '--kubeconfig', '/k', '--lease-name', 'l'],
      env: { METALLB_NAMESPACE: 'lb', POD_NAME: 'pod-1' },
      want: { ok: true, value: {
        namespace: 'a', mlSecretName: 'b', deployment: 'c', identity: 'd', lbClass: 'x/y', logLevel: 'debug', port: 0,
        healthProbePort: 8081, kubeconfig: '/k', leaseName: 'l',
      } },
    },
    { desc: 'empty lb-class means none', argv: ['--lb-class', ''], want: { ok: true, value: DEFAULTS } },
    { desc: 'ignore-exclude-lb', argv: ['--ignore-exclude-lb'], want: { ok: true, value: { ...DEFAULTS, ignoreExcludeLb: true } } },
    { desc: 'help', argv: ['--help'], want: { ok: true, value: 'help' } },
    { desc: 'bad port', argv: ['--port', '70000'], want: { ok: false, error: '--port: not a port: "70000"' } },
    { desc: 'bad level', argv: ['--log-level', 'loud'], want: { ok: false, error: '--log-level: unknown level "loud"' } },
  ];
  for (const c of cases) {
    it(c.desc, () => assert.deepEqual(parseOptions(c.argv, c.env ?? {}, 'host-1'), c.want));
  }

  it('rejects an unknown flag', () => {
    const r = parseOptions(['--nope'], {}, 'h');
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : r.error, /Unknown option '--nope'/);
  });
});
