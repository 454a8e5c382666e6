/**
 * One node's layer-2 speaker part as a standalone process, for the failover e2e and bench
 * (many trials, no apiserver): the real announcer, gossip and responder (startLayer2), fed a
 * plan from a JSON file. The speaker binary runs the same code from its NodePlan
 * (test/e2e/layer2-operator-speaker.test.ts). Run it inside a node namespace:
 * `ip netns exec <ns> node l2-node-child.ts '<json options>'`.
 *
 * Options: `{"node":"node-0","bindHost":"192.0.2.10","port":7946,"seeds":["192.0.2.11:7946"],
 * "keyFile":"/tmp/x/key","insecure":false,"interfaces":["eth0"],"planFile":"/tmp/x/plan.json",
 * "settleMs":1000}`. The plan file holds a NodePlan or its `spec.l2`.
 * Commands on stdin: `{"cmd":"members"}`, `{"cmd":"metrics"}`, `{"cmd":"reload"}` (re-read the
 * plan file), `{"cmd":"stop"}` (stop at once, no handover). Events on stdout (JSON lines): `ready`, `l2` (ip, state), `condition`, `member`
 * (node, status, incarnation: a change in this node's gossip view), `members`, `metrics`, `error`, `stopped`. SIGTERM: graceful handover, then exit.
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { NodePlan, NodePlanSpecL2 } from '@metallb-ts/lib/api/types.generated.ts';
import { createLogger } from '@metallb-ts/lib/log.ts';
import { createRegistry } from '@metallb-ts/lib/metrics.ts';
import { unpackPlanSpec } from '@metallb-ts/lib/plan/plan-sections-codec.ts';
import { systemRng } from '@metallb-ts/lib/random/rng.ts';
import { systemClock } from '@metallb-ts/lib/time/clock.ts';
import { startLayer2 } from '../l2-wiring.ts';
import type { ProbeOptions } from './responder-types.ts';

interface ChildOptions {
  readonly node: string;
  readonly bindHost: string;
  readonly port: number;
  readonly seeds: readonly string[];
  readonly keyFile?: string;
  readonly insecure?: boolean;
  readonly interfaces: readonly string[];
  readonly planFile: string;
  readonly settleMs?: number;
  readonly handoverMs?: number;
  readonly probe?: ProbeOptions;
}

const emit = (event: string, fields: Record<string, unknown> = {}): void => {
  process.stdout.write(`${JSON.stringify({ event, t: Date.now(), ...fields })}\n`);
};

function readPlan(file: string): NodePlanSpecL2 | undefined {
  const doc = JSON.parse(readFileSync(file, 'utf8')) as NodePlan | NodePlanSpecL2;
  if (!('spec' in doc)) return doc;
  const spec = unpackPlanSpec(doc.spec);
  if (!spec.ok) throw new Error(spec.error.message);
  return spec.value.l2;
}

async function main(): Promise<void> {
  const o = JSON.parse(process.argv[2] ?? '{}') as ChildOptions;
  const registry = createRegistry();
  const logger = createLogger({ level: 'warn', component: 'l2-node', stream: process.stderr });
  const started = await startLayer2({
    nodeName: o.node, bindHost: o.bindHost, gossipPort: o.port, seeds: o.seeds,
    secrets: o.keyFile === undefined ? [] : [readFileSync(o.keyFile)], insecureGossip: o.insecure === true,
    interfaces: o.interfaces, registry, logger, clock: systemClock, rng: systemRng,
    ...(o.settleMs === undefined ? {} : { settleMs: o.settleMs }), ...(o.probe === undefined ? {} : { probe: o.probe }),
    onAnnounce: (ip, state) => emit('l2', { ip, state }),
    onCondition: (condition) => emit('condition', { condition }),
    onMemberChange: (c) => emit('member', { node: c.node, status: c.status, incarnation: c.incarnation }),
  });
  if (!started.ok) throw new Error(started.error);
  const l2 = started.value;
  l2.setDuties(readPlan(o.planFile));
  let stopping = false;
  process.once('SIGTERM', () => {
    stopping = true;
    void l2.stop({ graceful: true, ...(o.handoverMs === undefined ? {} : { handoverMs: o.handoverMs }) }).then(() => {
      emit('stopped');
      process.exit(0);
    });
  });
  emit('ready', { gossipAddr: l2.gossipAddr, pid: process.pid });
  for await (const line of createInterface({ input: process.stdin })) {
    const c = JSON.parse(line) as { cmd: string };
    if (c.cmd === 'members') emit('members', { members: l2.members() });
    else if (c.cmd === 'metrics') emit('metrics', { text: await registry.metrics() });
    else if (c.cmd === 'reload') l2.setDuties(readPlan(o.planFile));
    else if (c.cmd === 'stop') break;
  }
  // stdin closed: the parent is gone; stop at once.
  if (!stopping) await l2.stop({ graceful: false });
  process.exit(0);
}

main().catch((e: unknown) => {
  emit('error', { message: e instanceof Error ? e.message : String(e) });
  process.exit(1);
});
