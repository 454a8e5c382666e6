/**
 * A KubeConfig whose API clients share one connection pool — for the code that still uses
 * @kubernetes/client-node (the speaker, the benches' load generators). The operator does not: it
 * uses the raw client (kube-client.ts, kube-target.ts).
 *
 * client-node 2.0.1 builds a new undici Agent for every API request
 * (`KubeConfig.applySecurityAuthentication` → `createDispatcher`), so every call pays a fresh TLS
 * handshake and a new SecureContext, and the agents pile up: measured on the 5,000-Service IPAM
 * bench, TLS set-up was the largest share of the operator's CPU. Its agent cache only covers
 * watches. This subclass keeps the first dispatcher per context and hands it to every later
 * request, so requests reuse keep-alive connections as client-go does.
 */
import { KubeConfig, type RequestContext } from '@kubernetes/client-node';

/** The dispatcher type client-node's RequestContext carries. */
type Dispatcher = NonNullable<ReturnType<RequestContext['getDispatcher']>>;

/** See the module comment. */
export class PooledKubeConfig extends KubeConfig {
  /** One dispatcher per current-context name (cluster + user decide the TLS identity). */
  readonly #dispatchers = new Map<string, Dispatcher>();

  /** Applies authentication as KubeConfig does, then swaps in the pooled dispatcher. */
  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    const fresh = context.getDispatcher();
    if (fresh === undefined) return;
    const key = this.getCurrentContext();
    const pooled = this.#dispatchers.get(key);
    if (pooled === undefined) {
      this.#dispatchers.set(key, fresh);
      return;
    }
    context.setDispatcher(pooled);
    // The fresh agent never connected; closing it releases nothing but its bookkeeping.
    void fresh.close().catch(() => undefined);
  }

  /** Closes the pooled connections (on shutdown). */
  async closeConnections(): Promise<void> {
    const all = [...this.#dispatchers.values()];
    this.#dispatchers.clear();
    await Promise.all(all.map((d) => d.close().catch(() => undefined)));
  }
}

/** A {@link PooledKubeConfig} with the same clusters, users, contexts and current context as `kc`. */
export function pooledKubeConfig(kc: KubeConfig): PooledKubeConfig {
  if (kc instanceof PooledKubeConfig) return kc;
  const pooled = new PooledKubeConfig();
  pooled.loadFromOptions({ clusters: kc.clusters, users: kc.users, contexts: kc.contexts, currentContext: kc.getCurrentContext() });
  return pooled;
}

/** The kubeconfig at `path`, or in-cluster config / $KUBECONFIG / ~/.kube/config when unset (a binary's `--kubeconfig`). */
export function loadKubeConfig(path: string | undefined): KubeConfig {
  const kc = new KubeConfig();
  if (path !== undefined) kc.loadFromFile(path);
  else kc.loadFromDefault();
  return kc;
}
