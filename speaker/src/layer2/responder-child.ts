/**
 * A standalone layer-2 responder process, for the e2e lab and benchmarks: run it inside a node's
 * network namespace (`ip netns exec <ns> node responder-child.ts '<json options>'`) and drive it
 * with JSON lines on stdin; it reports JSON lines on stdout.
 *
 * Options: `{"interfaces":["eth0"],"probe":{"count":3,"intervalMs":100},"refreshMs":30000}`.
 * Commands: `{"cmd":"announce","ip":"192.0.2.200","probe":true}`, `{"cmd":"withdraw","ip":…}`,
 * `{"cmd":"metrics"}`, `{"cmd":"stop"}`.
 * Events: `ready` (interfaces with MACs), `announce` (ip, outcome), `conflict`, `metrics` (text), `error`.
 */
import { createInterface } from 'node:readline';
import { systemClock } from '@metallb-ts/lib/time/clock.ts';
import { createRegistry } from '@metallb-ts/lib/metrics.ts';
import { interfaceRejection } from './core/interface-rules.ts';
import { readInterface } from './interface-facts.ts';
import { layer2Metrics } from './layer2-metrics.ts';
import { openMulticastGroups } from './multicast-groups.ts';
import { openPcapFrameIo } from './pcap-frame-io.ts';
import { Layer2Responder } from './responder.ts';
import type { GratuitousOptions, ProbeOptions } from './responder-types.ts';

interface ChildOptions {
  readonly interfaces: readonly string[];
  readonly probe?: ProbeOptions;
  readonly refreshMs?: number;
}

type Command =
  | { readonly cmd: 'announce'; readonly ip: string; readonly probe?: boolean }
  | { readonly cmd: 'withdraw'; readonly ip: string }
  | { readonly cmd: 'metrics' }
  | { readonly cmd: 'stop' };

const emit = (event: string, fields: Record<string, unknown> = {}): void => {
  process.stdout.write(`${JSON.stringify({ event, ...fields })}\n`);
};

async function main(): Promise<void> {
  const opts = JSON.parse(process.argv[2] ?? '{}') as ChildOptions;
  const interfaces = opts.interfaces.map(readInterface);
  for (const i of interfaces) {
    const why = interfaceRejection(i, 'ipv4', []);
    if (why !== undefined) throw new Error(`interface ${i.name} cannot announce: ${why}`);
  }
  const registry = createRegistry();
  const groups = openMulticastGroups((e) => emit('error', { message: `multicast group: ${e.message}` }));
  const gratuitous: GratuitousOptions = { intervalMs: 1100, durationMs: 5000, ...(opts.refreshMs === undefined ? {} : { refreshMs: opts.refreshMs }) };
  const responder = Layer2Responder.start({
    interfaces, openFrameIo: openPcapFrameIo, groups, clock: systemClock, metrics: layer2Metrics(registry), gratuitous,
    onConflict: (conflict) => emit('conflict', { conflict }),
    onError: (e) => emit('error', { message: e.message }),
    ...(opts.probe === undefined ? {} : { probe: opts.probe }),
  });
  const stop = (): void => {
    responder.stop();
    groups.close();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  emit('ready', { interfaces: interfaces.map((i) => ({ name: i.name, mac: i.mac })), pid: process.pid });
  for await (const line of createInterface({ input: process.stdin })) {
    const c = JSON.parse(line) as Command;
    if (c.cmd === 'announce') {
      void responder.announce(c.ip, { probe: c.probe !== false }).then((outcome) => emit('announce', { ip: c.ip, outcome }));
    } else if (c.cmd === 'withdraw') {
      responder.withdraw(c.ip);
      emit('withdrawn', { ip: c.ip });
    } else if (c.cmd === 'metrics') {
      emit('metrics', { text: await registry.metrics() });
    } else {
      break;
    }
  }
  stop();
}

main().catch((e: unknown) => {
  emit('error', { message: e instanceof Error ? e.message : String(e) });
  process.exit(1);
});
