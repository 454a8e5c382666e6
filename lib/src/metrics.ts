/**
 * Prometheus metrics: an injected prom-client Registry, factories for the MetalLB metric families
 * (names, labels and help text as MetalLB exposes them, so existing dashboards and alerts keep
 * working), and a small HTTP server for /metrics, /healthz and /readyz.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Registry } from 'prom-client';
import type { Logger } from './log.ts';

/** A counter as consumers use it (prom-client's Counter fits; tests pass a fake). */
export interface CounterPort {
  inc(): void;
}

/** A gauge as consumers use it (prom-client's Gauge fits; tests pass a fake). */
export interface GaugePort {
  set(value: number): void;
}

/** Creates an empty registry; each binary owns one (no global default registry). */
export function createRegistry(): Registry {
  return new Registry();
}

/** The `metallb_k8s_client_*` families (both binaries). */
export interface K8sClientMetrics {
  /** Kubernetes object updates processed. */
  readonly updates: Counter;
  /** Kubernetes object updates that failed. */
  readonly updateErrors: Counter;
  /** 1 once a configuration has been loaded successfully. */
  readonly configLoaded: Gauge;
  /** 1 while running on a stale configuration because the latest one failed to load. */
  readonly configStale: Gauge;
}

/** Registers the `metallb_k8s_client_*` families on `registry`. */
export function k8sClientMetrics(registry: Registry): K8sClientMetrics {
  const registers = [registry];
  return {
    updates: new Counter({ name: 'metallb_k8s_client_updates_total', help: 'Number of k8s object updates that have been processed.', registers }),
    updateErrors: new Counter({ name: 'metallb_k8s_client_update_errors_total', help: 'Number of k8s object updates that failed for some reason.', registers }),
    configLoaded: new Gauge({ name: 'metallb_k8s_client_config_loaded_bool', help: '1 if the MetalLB configuration was successfully loaded at least once.', registers }),
    configStale: new Gauge({ name: 'metallb_k8s_client_config_stale_bool', help: '1 if running on a stale configuration, because the latest config failed to load.', registers }),
  };
}

/**
 * Failure counters of the shared Kubernetes shell where MetalLB has no metric of its own
 * (`metallb_ts_*`): leader-election requests, Event writes, and metrics/health HTTP answers.
 */
export interface ShellFailureMetrics {
  /** Lease requests that failed or lost a race (`metallb_ts_leader_election_errors_total`). */
  readonly leaderElectionErrors: Counter;
  /** Events that could not be written (`metallb_ts_event_write_errors_total`). */
  readonly eventWriteErrors: Counter;
  /** Metrics/health requests answered 500 (`metallb_ts_http_handler_errors_total`). */
  readonly httpErrors: Counter;
}

/** Registers the {@link ShellFailureMetrics} on `registry`. */
export function shellFailureMetrics(registry: Registry): ShellFailureMetrics {
  const registers = [registry];
  return {
    leaderElectionErrors: new Counter({ name: 'metallb_ts_leader_election_errors_total', help: 'Number of Lease requests that failed or lost a race.', registers }),
    eventWriteErrors: new Counter({ name: 'metallb_ts_event_write_errors_total', help: 'Number of Kubernetes Events that could not be written.', registers }),
    httpErrors: new Counter({ name: 'metallb_ts_http_handler_errors_total', help: 'Number of metrics/health HTTP requests answered with an error.', registers }),
  };
}

/** Options of {@link serveMetrics}. */
export interface ServeMetricsOptions {
  /** Registry rendered at /metrics. */
  readonly registry: Registry;
  /** TCP port; 0 picks a free one. */
  readonly port: number;
  /** Bind address (the speaker binds 127.0.0.1). */
  readonly host: string;
  /** Readiness for /readyz; /healthz only says the process serves HTTP. */
  readonly ready: () => boolean;
  /** Where a failed request is logged, with its path and reason. */
  readonly logger: Logger;
  /** Counts failed requests (`metallb_ts_http_handler_errors_total`). */
  readonly errors: CounterPort;
}

/** A running metrics server. */
export interface MetricsServer {
  /** The port actually bound (useful with port 0). */
  readonly port: number;
  /** Stops accepting connections and resolves once closed. */
  close(): Promise<void>;
}

/** Answers one request; an unknown path is a 404. */
async function handle(opts: ServeMetricsOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  if (path === '/metrics') {
    const body = await opts.registry.metrics();
    res.writeHead(200, { 'Content-Type': opts.registry.contentType }).end(body);
  } else if (path === '/healthz') {
    res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
  } else if (path === '/readyz') {
    const ready = opts.ready();
    res.writeHead(ready ? 200 : 503, { 'Content-Type': 'text/plain' }).end(ready ? 'ok' : 'not ready');
  } else {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
  }
}

/** Starts the HTTP server; resolves once listening. */
export async function serveMetrics(opts: ServeMetricsOptions): Promise<MetricsServer> {
  const server = createServer((req, res) => {
    handle(opts, req, res).catch((e: unknown) => {
      opts.errors.inc();
      opts.logger.error('metrics request failed', { path: req.url ?? '', reason: String(e) });
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end('internal error');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const close = (): Promise<void> => new Promise((resolve, reject) => {
    server.close((e) => (e === undefined ? resolve() : reject(e)));
    server.closeAllConnections();
  });
  return { port, close };
}
