/**
 * A small raw-JSON Kubernetes API client: node:http(s) with ONE keep-alive agent per client,
 * the kubeconfig's TLS material and bearer token (kube-target.ts), and two calls:
 *
 * - `request`: one JSON request (GET/POST/PUT/PATCH/DELETE); the answer is `JSON.parse`d as it
 *   is, with no model classes: callers project what they read from the plain object;
 * - `watch`: a watch stream read line by line (one JSON event per line, chunk boundaries and
 *   multi-byte characters handled), each event handed over as soon as its line is complete.
 *
 * Why not @kubernetes/client-node: loading it costs ~85 MiB of RSS, and its ObjectSerializer
 * (every response walked into model classes, Dates made of every timestamp) and fetch path were
 * most of the operator's CPU during a 10,000-Service backlog (docs/operator-memory.md). The
 * operator's hot path needs only paged lists, watches, merge patches, creates and replaces.
 *
 * Failures: an HTTP answer outside 2xx becomes a {@link KubeApiError} carrying the status (mapped
 * to values by api-errors.ts); a request that gets no answer within `requestTimeoutMs` (60 s)
 * fails; a request whose reused keep-alive socket was closed by the server before answering is
 * sent once more on a fresh one (Node's documented `reusedSocket` case).
 */
import { readFileSync } from 'node:fs';
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { StringDecoder } from 'node:string_decoder';
import type { KubeTarget } from './kube-target.ts';

/** Query parameters (undefined values are left out). */
export type Query = Readonly<Record<string, string | number | boolean | undefined>>;

/** One API request. */
export interface KubeRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** e.g. `/api/v1/namespaces/ns/services/name/status` */
  readonly path: string;
  readonly query?: Query;
  /** The body: a string is sent as it is (exact int64 JSON), anything else as JSON.stringify. */
  readonly body?: unknown;
  /** Default `application/json`; merge patches: {@link MERGE_PATCH}. */
  readonly contentType?: string;
}

/** Content type of a JSON merge patch (RFC 7386). */
export const MERGE_PATCH = 'application/merge-patch+json';

/** One line of a watch stream. */
export interface WatchEvent {
  /** ADDED, MODIFIED, DELETED, BOOKMARK or ERROR. */
  readonly type: string;
  /** The object (a Status for ERROR). */
  readonly object: unknown;
}

/** What a watch call needs. */
export interface WatchRequest {
  /** Collection path, e.g. `/api/v1/services`. */
  readonly path: string;
  /** Selectors, resourceVersion, timeoutSeconds… (`watch=true` is added). */
  readonly query: Query;
  /** Called once per event, in order. A throw ends the watch with that error. */
  readonly onEvent: (e: WatchEvent) => void;
  /** Aborts the watch (its promise then rejects with the abort reason). */
  readonly signal: AbortSignal;
  /** The stream fails after this long without a byte (default 5 min). */
  readonly idleTimeoutMs?: number;
}

/** The narrow client the shell's ports are built on (a fake in unit tests). */
export interface KubeClient {
  /** Sends one request; resolves with the parsed answer (undefined when it has no body). */
  request<T>(req: KubeRequest): Promise<T>;
  /** Streams a watch; resolves when the server ends it, rejects on any failure (non-200 included). */
  watch(req: WatchRequest): Promise<void>;
  /** Closes every pooled connection. */
  close(): Promise<void>;
}

/** An HTTP answer outside 2xx. */
export class KubeApiError extends Error {
  /** Stable code (the HTTP status is {@link status}). */
  readonly code = 'kube-api';
  /** The HTTP status. */
  readonly status: number;
  /** The Status object's `reason` (e.g. `Conflict`, `Expired`), when the body was one. */
  readonly reason: string | undefined;
  /** `<method> <path>: <status> <Status.message>`. */
  constructor(method: string, path: string, status: number, body: string) {
    const parsed = statusOf(body);
    super(`${method} ${path}: ${String(status)}${parsed.message === undefined ? '' : ` ${parsed.message}`}`);
    this.name = 'KubeApiError';
    this.status = status;
    this.reason = parsed.reason;
  }
}

/** `reason` and `message` of a Status body (nothing for other bodies). */
function statusOf(body: string): { reason?: string; message?: string } {
  try {
    const s = JSON.parse(body) as { kind?: unknown; reason?: unknown; message?: unknown };
    return {
      ...(typeof s.reason === 'string' ? { reason: s.reason } : {}),
      ...(typeof s.message === 'string' ? { message: s.message.slice(0, 500) } : {}),
    };
  } catch {
    return {};
  }
}

/** Options of {@link HttpKubeClient}. */
export interface HttpKubeClientOptions {
  /** A request without an answer after this long fails (default 60 s). */
  readonly requestTimeoutMs?: number;
  /** How long a token read from `tokenFile` is used before reading the file again (default 60 s). */
  readonly tokenTtlMs?: number;
  /** Clock for the token cache (default Date.now-free monotonic: performance.now). */
  readonly now?: () => number;
}

/** The path with its query string. */
export function pathWithQuery(path: string, query: Query | undefined): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) q.set(k, String(v));
  const s = q.toString();
  return s === '' ? path : `${path}?${s}`;
}

/** See the module comment. */
export class HttpKubeClient implements KubeClient {
  readonly #target: KubeTarget;
  readonly #url: URL;
  readonly #agent: HttpAgent;
  readonly #send: typeof httpRequest;
  readonly #timeoutMs: number;
  readonly #tokenTtlMs: number;
  readonly #now: () => number;
  #token: { value: string; readAt: number } | undefined;

  /** A client of `target`; connections open on first use. */
  constructor(target: KubeTarget, o: HttpKubeClientOptions = {}) {
    this.#target = target;
    this.#url = new URL(target.server);
    const tls = this.#url.protocol === 'https:';
    const agentOptions = { keepAlive: true, maxFreeSockets: 32 };
    this.#agent = tls
      ? new HttpsAgent({
        ...agentOptions,
        ...(target.ca === undefined ? {} : { ca: target.ca }),
        ...(target.cert === undefined ? {} : { cert: target.cert }),
        ...(target.key === undefined ? {} : { key: target.key }),
        ...(target.tlsServerName === undefined ? {} : { servername: target.tlsServerName }),
        rejectUnauthorized: target.insecureSkipTlsVerify !== true,
      })
      : new HttpAgent(agentOptions);
    this.#send = tls ? httpsRequest : httpRequest;
    this.#timeoutMs = o.requestTimeoutMs ?? 60_000;
    this.#tokenTtlMs = o.tokenTtlMs ?? 60_000;
    this.#now = o.now ?? (() => performance.now());
  }

  /** {@link KubeClient.request}. */
  async request<T>(req: KubeRequest): Promise<T> {
    const body = req.body === undefined ? undefined : typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
    const target = pathWithQuery(req.path, req.query);
    const res = await this.#exchange({ method: req.method, target, body, contentType: req.contentType ?? 'application/json', idleMs: this.#timeoutMs });
    const text = await readText(res);
    const status = res.statusCode ?? 0;
    if (status < 200 || status > 299) throw new KubeApiError(req.method, req.path, status, text);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  /** {@link KubeClient.watch}. */
  async watch(w: WatchRequest): Promise<void> {
    const target = pathWithQuery(w.path, { ...w.query, watch: true });
    const res = await this.#exchange({ method: 'GET', target, idleMs: w.idleTimeoutMs ?? 300_000, signal: w.signal });
    if (res.statusCode !== 200) throw new KubeApiError('GET', w.path, res.statusCode ?? 0, await readText(res));
    await readLines(res, (line) => w.onEvent(JSON.parse(line) as WatchEvent));
  }

  /** {@link KubeClient.close}. */
  close(): Promise<void> {
    this.#agent.destroy();
    return Promise.resolve();
  }

  #headers(body: string | undefined, contentType: string | undefined): OutgoingHttpHeaders {
    const token = this.#bearer();
    return {
      Accept: 'application/json',
      'User-Agent': 'metallb-ts',
      ...(token === undefined ? {} : { Authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'Content-Type': contentType ?? 'application/json', 'Content-Length': Buffer.byteLength(body) }),
    };
  }

  /** The bearer token: fixed, or the token file's content, re-read every `tokenTtlMs`. */
  #bearer(): string | undefined {
    const file = this.#target.tokenFile;
    if (file === undefined) return this.#target.token;
    const now = this.#now();
    if (this.#token === undefined || now - this.#token.readAt >= this.#tokenTtlMs) this.#token = { value: readFileSync(file, 'utf8').trim(), readAt: now };
    return this.#token.value;
  }

  /** Sends, retrying once when a reused keep-alive socket was reset before the answer. */
  async #exchange(x: Exchange): Promise<IncomingMessage> {
    try {
      return await this.#once(x);
    } catch (e) {
      if (!(e instanceof ReusedSocketReset)) throw e;
      return this.#once(x);
    }
  }

  #once(x: Exchange): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const req: ClientRequest = this.#send({
        protocol: this.#url.protocol, hostname: this.#url.hostname.replace(/^\[|\]$/g, ''), port: this.#url.port, path: `${this.#url.pathname.replace(/\/$/, '')}${x.target}`,
        method: x.method, agent: this.#agent, headers: this.#headers(x.body, x.contentType), ...(x.signal === undefined ? {} : { signal: x.signal }),
      }, resolve);
      req.setTimeout(x.idleMs, () => req.destroy(new Error(`${x.method} ${x.target.split('?')[0] ?? ''}: no data for ${String(x.idleMs)} ms`)));
      req.on('error', (e: NodeJS.ErrnoException) => reject(req.reusedSocket && e.code === 'ECONNRESET' ? new ReusedSocketReset(e) : e));
      req.end(x.body);
    });
  }
}

/** One request on the wire. */
interface Exchange {
  readonly method: string;
  readonly target: string;
  readonly body?: string | undefined;
  readonly contentType?: string;
  /** Socket inactivity limit. */
  readonly idleMs: number;
  readonly signal?: AbortSignal;
}

/** A reused keep-alive socket reset before any answer: safe to send again. */
class ReusedSocketReset extends Error {
  readonly code = 'reused-socket-reset';
  constructor(cause: Error) {
    super('keep-alive socket reset', { cause });
  }
}

/** The whole body as text. */
function readText(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
    res.on('close', () => {
      if (!res.complete) reject(new Error('connection closed before the answer ended'));
    });
  });
}

/**
 * Calls `onLine` for every non-empty line of the body as it arrives; resolves at its end,
 * rejects when the connection drops first or `onLine` throws.
 */
export function readLines(res: IncomingMessage, onLine: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const decoder = new StringDecoder('utf8');
    let rest = '';
    let failed = false;
    const fail = (e: unknown): void => {
      if (failed) return;
      failed = true;
      res.destroy();
      reject(e instanceof Error ? e : new Error(String(e)));
    };
    const emit = (text: string): void => {
      let start = 0;
      for (let nl = text.indexOf('\n'); nl >= 0 && !failed; nl = text.indexOf('\n', start)) {
        const line = text.slice(start, nl);
        start = nl + 1;
        if (line.trim() !== '') onLine(line);
      }
      rest = text.slice(start);
    };
    res.on('data', (c: Buffer) => {
      try {
        emit(rest + decoder.write(c));
      } catch (e) {
        fail(e);
      }
    });
    res.on('end', () => {
      try {
        emit(`${rest}${decoder.end()}\n`);
        if (!failed) resolve();
      } catch (e) {
        fail(e);
      }
    });
    res.on('error', fail);
    res.on('close', () => {
      if (!res.complete) fail(res.errored ?? new Error('watch stream closed before its end'));
    });
  });
}

/** A {@link HttpKubeClient} of `target`. */
export function kubeClientFor(target: KubeTarget, o: HttpKubeClientOptions = {}): KubeClient {
  return new HttpKubeClient(target, o);
}
