/**
 * JSON with exact int64 numbers. IPAddressPool status counters are int64 (MetalLB reports
 * MaxInt64 for huge IPv6 pools), which a JS number cannot carry; bigints are written as bare
 * digits instead, and the body is sent with a raw HTTPS request (the generated client would
 * JSON.stringify it and throw on a bigint).
 */
import { request } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { ApiStatusError } from '@metallb-ts/lib/k8s/api-errors.ts';

const MARK = '\u0000int64:';

/** `JSON.stringify` where every bigint becomes an exact JSON integer. */
export function int64Json(value: unknown): string {
  const text = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${MARK}${v.toString()}` : v));
  return text.replace(/"\\u0000int64:(-?\d+)"/g, '$1');
}

/**
 * Sends `body` to the apiserver of `kc`; resolves with the response text of a 2xx answer and
 * rejects with an {@link ApiStatusError} otherwise, so lib/k8s/api-errors.ts maps it like any API call.
 */
export async function rawJsonRequest(kc: KubeConfig, method: string, path: string, body: string, contentType: string): Promise<string> {
  const server = kc.getCurrentCluster()?.server;
  if (server === undefined) throw new Error('kubeconfig has no current cluster');
  const url = new URL(path, server);
  const opts: import('node:https').RequestOptions = { method, headers: { 'Content-Type': contentType, Accept: 'application/json' } };
  await kc.applyToHTTPSOptions(opts);
  return new Promise((resolve, reject) => {
    const req = request(url, opts, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) resolve(text);
        else reject(new ApiStatusError(`${method} ${path}`, status, text));
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
