/**
 * Event streams from inside a lab namespace, for timing without polling: `ip monitor route`
 * (the kernel's FIB changes, as they happen) and a tcpdump capture (kernel receive timestamps
 * of matching packets). Polling `vtysh -c 'show ip route … json'` instead costs one vtysh process
 * per look (100–200 ms on a loaded 2-core machine), which the BFD benchmark used to count as
 * failover time. Both processes are started and stopped by PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { pollUntil } from '@metallb-ts/lib/time/poll.ts';
import type { HostRole, Lab } from './lab.ts';

/** One output line and when it reached this process (performance.now()). */
export interface TimedLine {
  readonly atMs: number;
  readonly line: string;
}

/** A long-running command in a namespace whose stdout lines are kept with their arrival time. */
class LineStream {
  readonly lines: TimedLine[] = [];
  readonly #child: ChildProcess;
  #stderr = '';

  constructor(lab: Lab, role: HostRole, cmd: readonly string[]) {
    this.#child = spawn('ip', ['netns', 'exec', lab.ns(role), ...cmd], { stdio: ['ignore', 'pipe', 'pipe'] });
    let carry = '';
    this.#child.stdout?.on('data', (d: Buffer) => {
      const atMs = performance.now();
      const parts = (carry + d.toString('utf8')).split('\n');
      carry = parts.pop() ?? '';
      for (const line of parts) this.lines.push({ atMs, line });
    });
    this.#child.stderr?.on('data', (d: Buffer) => {
      this.#stderr = (this.#stderr + d.toString('utf8')).slice(-2_000);
    });
  }

  /** What the command wrote to stderr lately (tcpdump says when it listens). */
  get stderr(): string {
    return this.#stderr;
  }

  /** The first line after `sinceMs` matching `re`, waiting at most `timeoutMs`. */
  async next(re: RegExp, sinceMs: number, timeoutMs: number): Promise<TimedLine> {
    const r = await pollUntil(async () => this.lines.find((l) => l.atMs >= sinceMs && re.test(l.line)), { timeoutMs, intervalMs: 2 });
    if (!r.ok) throw new Error(`no line matching ${re} within ${timeoutMs} ms; stderr: ${this.#stderr}`);
    return r.value;
  }

  /** Stops the command (SIGTERM to its PID) and waits for it to exit. */
  async stop(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.pid === undefined) return;
    const exited = new Promise((resolve) => this.#child.once('exit', resolve));
    this.#child.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
  }
}

/** `ip monitor route` in a namespace. */
export class RouteMonitor {
  readonly #s: LineStream;

  private constructor(s: LineStream) {
    this.#s = s;
  }

  /** Starts it in `role`'s namespace. */
  static start(lab: Lab, role: HostRole): RouteMonitor {
    return new RouteMonitor(new LineStream(lab, role, ['ip', 'monitor', 'route']));
  }

  /** When the first route change after `sinceMs` matching `re` arrived (performance.now()). */
  async next(re: RegExp, sinceMs: number, timeoutMs = 10_000): Promise<number> {
    return (await this.#s.next(re, sinceMs, timeoutMs)).atMs;
  }

  stop(): Promise<void> {
    return this.#s.stop();
  }
}

/** A tcpdump capture (`-tt`: kernel receive time, epoch seconds) of incoming packets on one interface. */
export class PacketCapture {
  readonly #s: LineStream;

  private constructor(s: LineStream) {
    this.#s = s;
  }

  /** Starts capturing packets matching the pcap `filter` arriving on `iface`; waits until tcpdump listens. */
  static async start(lab: Lab, role: HostRole, iface: string, filter: string): Promise<PacketCapture> {
    const s = new LineStream(lab, role, ['tcpdump', '-i', iface, '-Q', 'in', '-n', '-l', '-tt', '--immediate-mode', '--time-stamp-precision=micro', filter]);
    const r = await pollUntil(async () => (s.stderr.includes('listening on') ? true : undefined), { timeoutMs: 10_000, intervalMs: 20 });
    if (!r.ok) {
      await s.stop();
      throw new Error(`tcpdump in ${lab.ns(role)} did not start (install tcpdump): ${s.stderr}`);
    }
    return new PacketCapture(s);
  }

  /** Kernel receive time (as performance.now()) of the last captured packet before `beforeMs`. */
  lastBefore(beforeMs: number): number | undefined {
    let last: number | undefined;
    for (const { line } of this.#s.lines) {
      const epochS = Number(line.slice(0, line.indexOf(' ')));
      if (!Number.isFinite(epochS)) continue;
      const at = epochS * 1000 - performance.timeOrigin;
      if (at < beforeMs) last = at;
    }
    return last;
  }

  stop(): Promise<void> {
    return this.#s.stop();
  }
}
