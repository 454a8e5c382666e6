/**
 * The apiserver inside a lab namespace. The apiserver listens on the root namespace's loopback,
 * which a lab namespace cannot reach, so a two-hop bridge carries each connection through a unix
 * socket (paths are not namespaced): a listener on the namespace's own 127.0.0.1:<apiserver port>
 * (a small node process run with `ip netns exec`) → `<dir>/api-<name>.sock` → a forwarder in this
 * process → the apiserver. Kubeconfigs (and the in-cluster `KUBERNETES_SERVICE_HOST=127.0.0.1`)
 * and the serving certificate's names stay unchanged. Stopped by PID.
 */
import { once } from 'node:events';
import { connect, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { pollUntil } from '@metallb-ts/lib/time/poll.ts';
import { logTail, spawnLogged, stopProcess, type ManagedProcess } from './control-plane-process.ts';
import { run } from './netns.ts';

/** Options of {@link startApiBridge}. */
export interface ApiBridgeOptions {
  /** The network namespace (`ip netns` name) that gets the listener. */
  readonly ns: string;
  /** Distinguishes the socket and log of several bridges in one `dir`. */
  readonly name: string;
  /** Directory for the unix socket and the listener's log. */
  readonly dir: string;
  /** `https://127.0.0.1:<port>` of the apiserver. */
  readonly server: string;
}

/** A running bridge. */
export interface ApiBridge {
  /** Stops the listener in the namespace and the forwarder here. */
  stop(): Promise<void>;
}

/** Starts the forwarder and the listener; waits (bounded) until the listener accepts. */
export async function startApiBridge(o: ApiBridgeOptions): Promise<ApiBridge> {
  const apiPort = Number(new URL(o.server).port);
  const sock = join(o.dir, `api-${o.name}.sock`);
  const forwarder = createServer((c) => {
    const up = connect(apiPort, '127.0.0.1');
    c.pipe(up).pipe(c);
    c.on('error', () => up.destroy());
    up.on('error', () => c.destroy());
  });
  forwarder.listen(sock);
  await once(forwarder, 'listening');
  const script = `const net=require('node:net');net.createServer((c)=>{const u=net.connect(${JSON.stringify(sock)});` +
    `c.pipe(u).pipe(c);c.on('error',()=>u.destroy());u.on('error',()=>c.destroy());}).listen(${apiPort},'127.0.0.1');`;
  const listener = spawnLogged(`api-bridge-${o.name}`, 'ip', ['netns', 'exec', o.ns, process.execPath, '-e', script], join(o.dir, `api-bridge-${o.name}.log`));
  const bridge = new RunningBridge(listener, forwarder);
  const listening = await pollUntil(async () => {
    const r = await run('ip', ['netns', 'exec', o.ns, 'ss', '-Htln', `sport = :${apiPort}`]);
    return r.stdout.trim() !== '' ? true : undefined;
  }, { timeoutMs: 10_000, intervalMs: 50 });
  if (!listening.ok) {
    await bridge.stop();
    throw new Error(`apiserver bridge in ${o.ns} did not listen:\n${logTail(listener.logFile)}`);
  }
  return bridge;
}

class RunningBridge implements ApiBridge {
  readonly #listener: ManagedProcess;
  readonly #forwarder: Server;

  constructor(listener: ManagedProcess, forwarder: Server) {
    this.#listener = listener;
    this.#forwarder = forwarder;
  }

  async stop(): Promise<void> {
    await stopProcess(this.#listener, 1_000);
    if (this.#forwarder.listening) await new Promise((resolve) => this.#forwarder.close(resolve));
  }
}
