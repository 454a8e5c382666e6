/**
 * Real sockets on loopback: several gossip members on 127.0.0.1 with kernel-chosen ports.
 */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { Writable } from 'node:stream';
import { createLogger } from '@metallb-ts/lib/log.ts';
import { systemClock } from '@metallb-ts/lib/time/clock.ts';
import { systemRng } from '@metallb-ts/lib/random/rng.ts';
import { createRegistry } from '@metallb-ts/lib/metrics.ts';
import type { Registry } from 'prom-client';
import { encodePacket } from '../membership/codec.ts';
import type { MembershipChange } from '../membership/swim.ts';
import { deriveGossipKey, Envelope } from './envelope.ts';
import { envelopeFor, GossipMember } from './gossip-member.ts';
import { splitHostPort } from './transport.ts';

const SECRET = 'n3sPp0Jf6c2Y3PzjgFQ2Xw';
const silent = createLogger({ level: 'error', stream: new Writable({ write: (_c, _e, cb) => cb() }) });

interface Running {
  readonly member: GossipMember;
  readonly addr: string;
  readonly registry: Registry;
  readonly changes: MembershipChange[];
}

async function startMember(name: string): Promise<Running> {
  const registry = createRegistry();
  const changes: MembershipChange[] = [];
  const env = envelopeFor([SECRET], false);
  assert.ok(env.ok);
  const member = new GossipMember({
    name, bindHost: '127.0.0.1', port: 0, envelope: env.value, clock: systemClock, rng: systemRng,
    registry, logger: silent, onChange: (c) => changes.push(c),
  });
  return { member, addr: await member.start(), registry, changes };
}

/** Polls `pred` every 20 ms for at most `ms`; true when it held. */
async function eventually(pred: () => boolean, ms: number): Promise<boolean> {
  for (let i = 0; i < ms / 20; i++) {
    if (pred()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return pred();
}

const statusIn = (r: Running, node: string): string | undefined => r.member.members().find((m) => m.node === node)?.status;

async function metric(registry: Registry, name: string, label: Record<string, string>): Promise<number> {
  const m = (await registry.getMetricsAsJSON()).find((x) => x.name === name);
  const v = m?.values.find((x) => Object.entries(label).every(([k, val]) => x.labels[k] === val));
  return Number(v?.value ?? 0);
}

describe('envelopeFor', () => {
  const cases = [
    { desc: 'a secret: encrypted', secrets: [SECRET], insecure: false, want: 'secure' },
    { desc: 'a secret wins over the insecure flag', secrets: [SECRET], insecure: true, want: 'secure' },
    { desc: 'no secret, insecure flag: plaintext', secrets: [], insecure: true, want: 'plaintext' },
    { desc: 'no secret, no flag: refused', secrets: [], insecure: false, want: 'no-key' },
  ];
  for (const c of cases) {
    it(c.desc, () => {
      const r = envelopeFor(c.secrets, c.insecure);
      assert.equal(r.ok ? (r.value.secure ? 'secure' : 'plaintext') : r.error.kind, c.want);
    });
  }
});

describe('gossip over loopback UDP/TCP', () => {
  const running: Running[] = [];
  after(async () => {
    for (const r of running) await r.member.stop({ leave: false, graceMs: 0 });
  });

  it('4 members join, a silently stopped one is declared dead, wrong-key packets are dropped and counted', async () => {
    for (const n of ['node-a', 'node-b', 'node-c', 'node-d']) running.push(await startMember(n));
    const [a, b, c, d] = running as [Running, Running, Running, Running];
    for (const r of [b, c, d]) r.member.join([a.addr]);
    const all = ['node-a', 'node-b', 'node-c', 'node-d'];
    assert.ok(await eventually(() => running.every((r) => all.every((n) => statusIn(r, n) === 'alive')), 5000), 'members did not converge');

    // Forged packets: a valid-looking "node-b is dead" sealed with another key, and plaintext.
    const forged = encodePacket([{ type: 'dead', node: 'node-b', incarnation: 0xfffffff0, from: 'node-c' }]);
    const wrongKey = new Envelope([deriveGossipKey('not-the-secret')]).seal(forged, 'packet');
    const plain = new Envelope([]).seal(forged, 'packet');
    const sock = createSocket('udp4');
    const target = splitHostPort(a.addr);
    assert.ok(target !== undefined);
    for (let i = 0; i < 20; i++) {
      await new Promise<void>((res, rej) => sock.send(i % 2 === 0 ? wrongKey : plain, target.port, target.host, (e) => (e ? rej(e) : res())));
    }
    sock.close();
    const dropped = async (): Promise<number> =>
      (await metric(a.registry, 'metallb_gossip_packets_dropped_total', { reason: 'auth-failed' })) +
      (await metric(a.registry, 'metallb_gossip_packets_dropped_total', { reason: 'plaintext-refused' }));
    for (let i = 0; i < 100 && (await dropped()) < 20; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(await metric(a.registry, 'metallb_gossip_packets_dropped_total', { reason: 'auth-failed' }), 10);
    assert.equal(await metric(a.registry, 'metallb_gossip_packets_dropped_total', { reason: 'plaintext-refused' }), 10);
    assert.equal(statusIn(a, 'node-b'), 'alive');
    const pings = async (): Promise<number> => metric(a.registry, 'metallb_gossip_messages_received_total', { type: 'ping' });
    for (let i = 0; i < 100 && (await pings()) === 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.ok((await pings()) > 0, 'sealed pings from the members are received and counted');

    // Silent stop: the sockets close without a leave.
    await d.member.stop({ leave: false, graceMs: 0 });
    assert.ok(await eventually(() => [a, b, c].every((r) => statusIn(r, 'node-d') === 'dead'), 10_000), 'node-d not declared dead');
    assert.ok(a.changes.some((ch) => ch.node === 'node-d' && ch.status === 'dead'));

    // Graceful leave: seen as "left" by the others.
    await c.member.stop({ leave: true, graceMs: 300 });
    assert.ok(await eventually(() => [a, b].every((r) => statusIn(r, 'node-c') === 'left'), 3000), 'node-c leave not seen');
    assert.equal(statusIn(a, 'node-b'), 'alive');
  });
});
