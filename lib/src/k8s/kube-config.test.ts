import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HttpMethod, KubeConfig, RequestContext } from '@kubernetes/client-node';
import { PooledKubeConfig, pooledKubeConfig } from './kube-config.ts';

/** A config whose requests need a TLS dispatcher (skipTLSVerify gives client-node TLS options). */
function config(kc: KubeConfig): KubeConfig {
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: 'https://127.0.0.1:6443', skipTLSVerify: true }],
    users: [{ name: 'u', token: 't0k3n' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return kc;
}

async function dispatcherOf(kc: KubeConfig): Promise<unknown> {
  const ctx = new RequestContext('https://127.0.0.1:6443/api/v1/services', HttpMethod.GET);
  await kc.applySecurityAuthentication(ctx);
  return ctx.getDispatcher();
}

describe('PooledKubeConfig', () => {
  it('plain client-node KubeConfig builds a new dispatcher per request (the problem)', async () => {
    const kc = config(new KubeConfig());
    const [a, b] = [await dispatcherOf(kc), await dispatcherOf(kc)];
    assert.ok(a !== undefined && b !== undefined);
    assert.notEqual(a, b);
  });

  it('reuses one dispatcher for every request and keeps the auth headers', async () => {
    const kc = config(new PooledKubeConfig());
    const first = await dispatcherOf(kc);
    const ctx = new RequestContext('https://127.0.0.1:6443/api/v1/nodes', HttpMethod.GET);
    await kc.applySecurityAuthentication(ctx);
    assert.ok(first !== undefined);
    assert.equal(ctx.getDispatcher(), first);
    assert.equal(ctx.getHeaders()['Authorization'], 'Bearer t0k3n');
  });

  it('copies clusters, users and the current context; a pooled config is returned as is', () => {
    const pooled = pooledKubeConfig(config(new KubeConfig()));
    assert.ok(pooled instanceof PooledKubeConfig);
    assert.equal(pooled.getCurrentCluster()?.server, 'https://127.0.0.1:6443');
    assert.equal(pooled.getCurrentUser()?.token, 't0k3n');
    assert.equal(pooledKubeConfig(pooled), pooled);
  });
});
