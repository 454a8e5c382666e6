import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { kubeClientFor, type KubeClient } from '@metallb-ts/lib/k8s/kube-client.ts';
import { poolStatusPortFor } from './kube-ports.ts';

interface Seen { method: string; url: string; contentType: string; body: string }

describe('poolStatusPortFor (against a local HTTP server)', () => {
  const seen: Seen[] = [];
  let status = 200;
  let server: Server;
  let kc: KubeClient;
  before(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', contentType: req.headers['content-type'] ?? '', body: Buffer.concat(chunks).toString() });
        res.writeHead(status, { 'Content-Type': 'application/json' }).end(status === 200 ? '{}' : '{"kind":"Status","code":404}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    kc = kubeClientFor({ server: `http://127.0.0.1:${port}`, token: 't' });
  });
  after(async () => {
    await kc.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const MAX = (1n << 63n) - 1n;
  const counters = { assignedIPv4: 2n, assignedIPv6: 1n, availableIPv4: 0n, availableIPv6: MAX };

  it('merge-patches /status with exact int64 values', async () => {
    status = 200;
    assert.equal(await poolStatusPortFor(kc, 'lb').patchStatus('pool-a', counters), 'patched');
    assert.deepEqual(seen.at(-1), {
      method: 'PATCH', url: '/apis/metallb.io/v1beta1/namespaces/lb/ipaddresspools/pool-a/status',
      contentType: 'application/merge-patch+json',
      body: '{"status":{"assignedIPv4":2,"assignedIPv6":1,"availableIPv4":0,"availableIPv6":9223372036854775807}}',
    });
  });

  it('maps 404 to not-found', async () => {
    status = 404;
    assert.equal(await poolStatusPortFor(kc, 'lb').patchStatus('gone', counters), 'not-found');
  });
});
