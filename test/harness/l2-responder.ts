/**
 * Drives speaker/src/layer2/responder-child.ts inside a lab namespace: spawn it with
 * `ip netns exec`, send JSON commands, await its JSON events (bounded waits). The lab's
 * destroy() kills whatever still runs in its namespaces; {@link L2ResponderProcess.stop} ends
 * this one first by its own PID.
 */
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';
import type { AddressConflict, AnnounceOutcome, ProbeOptions } from '@metallb-ts/speaker/layer2/responder-types.ts';
import type { Lab, HostRole } from './lab.ts';

const CHILD = fileURLToPath(new URL('../../speaker/src/layer2/responder-child.ts', import.meta.url));
const EVENT_TIMEOUT_MS = 10_000;
// Bounded, but beyond the 10-minute soak plus its setup (a 600 s bound killed every child at
// minute 10 of `npm run bench -- l2soak`, so the soak never finished).
const CHILD_OPTS = { reject: false, stdin: 'pipe', timeout: 1_800_000 } as const;

/** One JSON line from the child. */
export interface ChildEvent {
  readonly event: string;
  readonly [k: string]: unknown;
}

/** Options of {@link startL2Responder}. */
export interface L2ResponderOptions {
  /** Interfaces to answer on (default `['eth0']`). */
  readonly interfaces?: readonly string[];
  /** Probe timing. */
  readonly probe?: ProbeOptions;
  /** Periodic refresh after the gratuitous burst. */
  readonly refreshMs?: number;
}

/** A running responder child. */
export class L2ResponderProcess {
  /** Every event received so far, in order. */
  readonly events: ChildEvent[] = [];
  readonly #child: ResultPromise<typeof CHILD_OPTS>;
  #waiters: Array<() => void> = [];
  #exited = false;

  constructor(child: ResultPromise<typeof CHILD_OPTS>) {
    this.#child = child;
    void child.then(() => {
      this.#exited = true;
      for (const w of this.#waiters) w();
    });
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (l) => {
      this.events.push(JSON.parse(l) as ChildEvent);
      for (const w of this.#waiters) w();
    });
  }

  /** PID of the responder process (ip netns exec execs into node). */
  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** Waits (bounded) for the first event after index `from` matching `pred`. */
  async waitFor(pred: (e: ChildEvent) => boolean, from = 0, timeoutMs = EVENT_TIMEOUT_MS): Promise<ChildEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.events.slice(from).find(pred);
      if (hit !== undefined) return hit;
      const left = deadline - Date.now();
      if (left <= 0 || this.#exited) {
        const r = this.#exited ? await this.#child : undefined;
        throw new Error(`responder: no matching event within ${timeoutMs} ms; events ${JSON.stringify(this.events)} ${r?.stderr ?? ''}`);
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 200));
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
      this.#waiters = [];
    }
  }

  /** Sends a command line. */
  send(cmd: Record<string, unknown>): void {
    this.#child.stdin.write(`${JSON.stringify(cmd)}\n`);
  }

  /** Announces `ip` and returns the outcome. */
  async announce(ip: string, probe = true): Promise<AnnounceOutcome> {
    const from = this.events.length;
    this.send({ cmd: 'announce', ip, probe });
    const e = await this.waitFor((x) => x.event === 'announce' && x['ip'] === ip, from);
    return e['outcome'] as AnnounceOutcome;
  }

  /** Withdraws `ip` and waits for the acknowledgement. */
  async withdraw(ip: string): Promise<void> {
    const from = this.events.length;
    this.send({ cmd: 'withdraw', ip });
    await this.waitFor((x) => x.event === 'withdrawn' && x['ip'] === ip, from);
  }

  /** The Prometheus text of the child's registry (bounded generously: a soak on starved cores asks it every minute). */
  async metrics(timeoutMs = 30_000): Promise<string> {
    const from = this.events.length;
    this.send({ cmd: 'metrics' });
    return (await this.waitFor((x) => x.event === 'metrics', from, timeoutMs))['text'] as string;
  }

  /** Conflicts reported so far. */
  conflicts(): AddressConflict[] {
    return this.events.filter((e) => e.event === 'conflict').map((e) => e['conflict'] as AddressConflict);
  }

  /** Asks the child to stop, then SIGKILLs it by PID if it has not exited within 3 s. */
  async stop(): Promise<void> {
    if (this.#exited) return;
    this.send({ cmd: 'stop' });
    const t = setTimeout(() => this.#child.kill('SIGKILL'), 3_000);
    await this.#child;
    clearTimeout(t);
  }
}

/** Starts the responder in `role`'s namespace and waits until it captures. */
export async function startL2Responder(lab: Lab, role: HostRole, opts: L2ResponderOptions = {}): Promise<L2ResponderProcess> {
  return startJsonChild(lab, role, CHILD, JSON.stringify({ interfaces: opts.interfaces ?? ['eth0'], ...opts }));
}

/** Starts a JSON-lines child script in `role`'s namespace with one argument; waits for its `ready`. */
export async function startJsonChild(lab: Lab, role: HostRole, script: string, arg: string, readyTimeoutMs = EVENT_TIMEOUT_MS): Promise<L2ResponderProcess> {
  const child = execa('ip', ['netns', 'exec', lab.ns(role), process.execPath, script, arg], CHILD_OPTS);
  const p = new L2ResponderProcess(child);
  await p.waitFor((e) => e.event === 'ready', 0, readyTimeoutMs);
  return p;
}

/** Numeric value of a `metallb_layer2_*` counter for `ip` in Prometheus text, 0 when absent. */
export function counterValue(text: string, name: string, ip: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`metallb_layer2_${name}{ip="${ip}"}`));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}
