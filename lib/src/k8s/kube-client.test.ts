import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { apiFailureOf } from './api-errors.ts';
import { HttpKubeClient, KubeApiError, MERGE_PATCH, pathWithQuery, type WatchEvent } from './kube-client.ts';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
  readonly remotePort: number | undefined;
}

/** A hand-written API server: records requests, answers with `handler`. */
class FakeApi {
  readonly seen: Seen[] = [];
  handler: (req: Seen, res: ServerResponse) => void = (_r, res) => json(res, 200, {});
  #server: Server | undefined;
  port = 0;

  async start(): Promise<void> {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const s = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), remotePort: req.socket.remotePort };
        this.seen.push(s);
        this.handler(s, res);
      });
    });
    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve));
    this.port = (this.#server?.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()));
  }
}

const json = (res: ServerResponse, status: number, body: unknown): void => {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
};

describe('HttpKubeClient (against a local HTTP server)', () => {
  const api = new FakeApi();
  let client: HttpKubeClient;
  before(() => api.start());
  after(() => api.stop());
  beforeEach(async () => {
    await client?.close();
    api.seen.length = 0;
    client = new HttpKubeClient({ server: `http://127.0.0.1:${String(api.port)}`, token: 'sekret' });
  });
  after(() => client.close());

  it('GET: query string, bearer token, JSON answer parsed as it is', async () => {
    api.handler = (_r, res) => json(res, 200, { items: [{ metadata: { name: 'a' } }], metadata: { continue: 'x' } });
    const got = await client.request<{ metadata: { continue: string } }>({ method: 'GET', path: '/api/v1/services', query: { limit: 500, labelSelector: 'a=b', continue: undefined } });
    assert.equal(got.metadata.continue, 'x', 'no renaming of `continue`');
    assert.equal(api.seen[0]?.url, '/api/v1/services?limit=500&labelSelector=a%3Db');
    assert.equal(api.seen[0]?.headers.authorization, 'Bearer sekret');
    assert.equal(api.seen[0]?.headers.accept, 'application/json');
  });

  it('bodies: objects as JSON, strings as they are, with the content type asked for', async () => {
    await client.request({ method: 'POST', path: '/x', body: { a: 1 } });
    await client.request({ method: 'PATCH', path: '/x/status', body: '{"n":9223372036854775807}', contentType: MERGE_PATCH });
    assert.deepEqual(api.seen.map((s) => [s.method, s.headers['content-type'], s.body]), [
      ['POST', 'application/json', '{"a":1}'],
      ['PATCH', MERGE_PATCH, '{"n":9223372036854775807}'],
    ]);
  });

  it('keeps one connection alive across sequential requests', async () => {
    for (let i = 0; i < 3; i++) await client.request({ method: 'GET', path: '/y' });
    assert.equal(new Set(api.seen.map((s) => s.remotePort)).size, 1);
  });

  it('an answer outside 2xx is a KubeApiError with the status and the Status reason', async () => {
    api.handler = (_r, res) => json(res, 409, { kind: 'Status', reason: 'Conflict', message: 'the object has been modified' });
    const e = await client.request({ method: 'PUT', path: '/z', body: {} }).then(() => undefined, (x: unknown) => x);
    assert.ok(e instanceof KubeApiError);
    assert.equal(e.status, 409);
    assert.equal(e.reason, 'Conflict');
    assert.equal(e.message, 'PUT /z: 409 the object has been modified');
    assert.equal(apiFailureOf(e), 'conflict');
  });

  it('an empty 2xx body resolves undefined', async () => {
    api.handler = (_r, res) => res.writeHead(200).end();
    assert.equal(await client.request({ method: 'DELETE', path: '/gone' }), undefined);
  });

  it('watch: events framed by lines whatever the chunk boundaries (multi-byte text included), in order', async () => {
    const lines = [
      { type: 'ADDED', object: { metadata: { name: 'ä-ü', resourceVersion: '1' } } },
      { type: 'MODIFIED', object: { metadata: { name: 'b', resourceVersion: '2' }, note: '€'.repeat(50) } },
      { type: 'BOOKMARK', object: { metadata: { resourceVersion: '3' } } },
    ];
    const bytes = Buffer.from(lines.map((l) => `${JSON.stringify(l)}\n`).join(''), 'utf8');
    api.handler = (_r, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      // One byte per write for the first 40 bytes (splits a multi-byte character), then odd slices.
      const cuts = [...Array.from({ length: 40 }, (_, i) => i + 1), 77, 150, 151, bytes.length];
      let from = 0;
      for (const to of cuts) {
        res.write(bytes.subarray(from, to));
        from = to;
      }
      res.end();
    };
    const got: WatchEvent[] = [];
    await client.watch({ path: '/api/v1/services', query: { resourceVersion: '0' }, onEvent: (e) => got.push(e), signal: new AbortController().signal });
    assert.deepEqual(got, lines);
    assert.equal(api.seen[0]?.url, '/api/v1/services?resourceVersion=0&watch=true');
  });

  it('watch answered 410 rejects with that status', async () => {
    api.handler = (_r, res) => json(res, 410, { kind: 'Status', reason: 'Expired', code: 410, message: 'too old resource version' });
    await assert.rejects(client.watch({ path: '/w', query: {}, onEvent: () => undefined, signal: new AbortController().signal }), (e: unknown) => e instanceof KubeApiError && e.status === 410);
  });

  it('watch: a stream cut before its end rejects; an abort rejects', async () => {
    api.handler = (_r, res) => {
      res.writeHead(200);
      res.write('{"type":"ADDED","object":{}}\n{"type":');
      setImmediate(() => res.socket?.destroy());
    };
    let n = 0;
    await assert.rejects(client.watch({ path: '/w', query: {}, onEvent: () => n++, signal: new AbortController().signal }));
    assert.equal(n, 1, 'the complete line was delivered');
    api.handler = (_r, res) => res.writeHead(200).write('\n');
    const ac = new AbortController();
    const w = client.watch({ path: '/w', query: {}, onEvent: () => undefined, signal: ac.signal });
    setImmediate(() => ac.abort(new Error('stop')));
    await assert.rejects(w);
  });

  it('a throwing event handler ends the watch with its error', async () => {
    api.handler = (_r, res) => res.writeHead(200).write('{"type":"ERROR","object":{"code":500}}\n');
    await assert.rejects(client.watch({ path: '/w', query: {}, onEvent: () => { throw new Error('handler says no'); }, signal: new AbortController().signal }), /handler says no/);
  });
});

describe('HttpKubeClient token file', () => {
  const api = new FakeApi();
  let dir: string;
  before(async () => {
    await api.start();
    dir = mkdtempSync(join(tmpdir(), 'kube-client-'));
  });
  after(async () => {
    await api.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads the token file, and again once the TTL has passed (rotated ServiceAccount tokens)', async () => {
    const file = join(dir, 'token');
    writeFileSync(file, 'one\n');
    let now = 0;
    const client = new HttpKubeClient({ server: `http://127.0.0.1:${String(api.port)}`, tokenFile: file }, { tokenTtlMs: 1000, now: () => now });
    await client.request({ method: 'GET', path: '/a' });
    writeFileSync(file, 'two\n');
    now = 999;
    await client.request({ method: 'GET', path: '/a' });
    now = 1000;
    await client.request({ method: 'GET', path: '/a' });
    await client.close();
    assert.deepEqual(api.seen.map((s) => s.headers.authorization), ['Bearer one', 'Bearer one', 'Bearer two']);
  });
});

describe('pathWithQuery', () => {
  it('leaves out undefined values and encodes the rest', () => {
    assert.equal(pathWithQuery('/p', { a: undefined, b: true, c: 'x y', d: 0 }), '/p?b=true&c=x+y&d=0');
    assert.equal(pathWithQuery('/p', {}), '/p');
  });
});
