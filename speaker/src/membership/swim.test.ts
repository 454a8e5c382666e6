import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodePacket } from './codec.ts';
import { gossipConfig } from './config.ts';
import type { Message, MemberSnapshot } from './messages.ts';
import { Swim, type Output } from './swim.ts';
import { ofType } from './testing/cluster-sim.ts';
import { seededRng } from './testing/seeded-rng.ts';

const cfg = gossipConfig('a', 'a:1');
const peer = (node: string, incarnation = 0): MemberSnapshot => ({ node, addr: `${node}:1`, incarnation, status: 'alive' });

/** A member `a` that knows b, c, d (and e) at time 0. */
function withPeers(names = ['b', 'c', 'd', 'e']): Swim {
  const s = new Swim({ config: cfg, rng: seededRng(1), now: 0 });
  s.receive('b:1', [{ type: 'push-pull', join: false, reply: true, from: 'b', fromAddr: 'b:1', members: names.map((n) => peer(n)) }], 0);
  return s;
}

const sent = (out: Output): Message[] => out.sends.flatMap((x) => x.messages);

/** Ticks at every due time up to `until`, collecting the outputs. */
function runTo(s: Swim, from: number, until: number): Output[] {
  const outs: Output[] = [];
  let t = from;
  for (let i = 0; i < 10_000 && t <= until; i++) {
    outs.push(s.tick(t));
    t = Math.max(t + 1, s.nextTickAt());
  }
  return outs;
}

describe('Swim: probes', () => {
  it('answers a ping addressed to it and ignores one for another name', () => {
    const s = withPeers();
    assert.deepEqual(ofType(sent(s.receive('b:1', [{ type: 'ping', seq: 9, target: 'a', from: 'b' }], 1)), 'ack'), [{ type: 'ack', seq: 9, from: 'a' }]);
    assert.deepEqual(ofType(sent(s.receive('b:1', [{ type: 'ping', seq: 9, target: 'zz', from: 'b' }], 1)), 'ack'), []);
  });

  it('pings one member per interval, asks indirectChecks members after the timeout, then suspects', () => {
    const s = withPeers();
    const first = runTo(s, 0, cfg.probeIntervalMs).flatMap(sent);
    const ping = ofType(first, 'ping')[0];
    assert.ok(ping !== undefined);
    const all = runTo(s, cfg.probeIntervalMs, 2 * cfg.probeIntervalMs + cfg.probeTimeoutMs + 1).flatMap(sent);
    const pingReqs = ofType(all, 'ping-req').filter((r) => r.seq === ping.seq);
    assert.equal(pingReqs.length, cfg.indirectChecks);
    assert.ok(pingReqs.every((r) => r.target === ping.target));
    assert.equal(s.statusOf(ping.target), 'suspect');
    assert.ok(ofType(all, 'suspect').some((x) => x.node === ping.target && x.from === 'a'));
  });

  it('an ack in time keeps the target alive', () => {
    const s = withPeers();
    const ping = ofType(runTo(s, 0, cfg.probeIntervalMs - 1).flatMap(sent), 'ping')[0];
    assert.ok(ping !== undefined);
    s.receive(`${ping.target}:1`, [{ type: 'ack', seq: ping.seq, from: ping.target }], 50);
    runTo(s, 50, 1000);
    assert.equal(s.statusOf(ping.target), 'alive');
  });

  it('relays a ping-req: pings the target, forwards its ack, or nacks after the timeout', () => {
    const s = withPeers();
    const out = sent(s.receive('b:1', [{ type: 'ping-req', seq: 77, target: 'c', targetAddr: 'c:1', from: 'b' }], 10));
    const relayed = ofType(out, 'ping')[0];
    assert.ok(relayed !== undefined && relayed.target === 'c');
    assert.deepEqual(ofType(sent(s.receive('c:1', [{ type: 'ack', seq: relayed.seq, from: 'c' }], 20)), 'ack'), [{ type: 'ack', seq: 77, from: 'a' }]);
    const s2 = withPeers();
    s2.receive('b:1', [{ type: 'ping-req', seq: 78, target: 'c', targetAddr: 'c:1', from: 'b' }], 10);
    const later = runTo(s2, 11, 10 + cfg.probeTimeoutMs).flatMap((o) => o.sends).filter((x) => x.to === 'b:1');
    assert.ok(later.some((x) => ofType(x.messages, 'nack').some((n) => n.seq === 78)));
  });
});

describe('Swim: Lifeguard local health', () => {
  it('probes that fail without the expected nacks raise awareness and stretch the probe interval', () => {
    const s = withPeers();
    const outs = runTo(s, 0, 5 * cfg.probeIntervalMs);
    assert.ok(s.awareness >= 2, `awareness ${s.awareness}`);
    const pings = outs.flatMap(sent).filter((m) => m.type === 'ping');
    // Nothing answers: at awareness 0 there would be ≥ 5 probes (each with a second ping).
    assert.ok(new Set(pings.map((p) => (p.type === 'ping' ? p.seq : -1))).size < 5);
  });
  it('acks bring awareness back down', () => {
    const s = withPeers();
    runTo(s, 0, 3 * cfg.probeIntervalMs);
    const before = s.awareness;
    let t = 3 * cfg.probeIntervalMs;
    for (let i = 0; i < 1000 && t < 20_000; i++) {
      const out = s.tick(t);
      for (const p of ofType(sent(out), 'ping')) s.receive(`${p.target}:1`, [{ type: 'ack', seq: p.seq, from: p.target }], t);
      t = Math.max(t + 1, s.nextTickAt());
    }
    assert.ok(before > 0, `awareness after failures: ${before}`);
    assert.equal(s.awareness, 0);
  });
});

describe('Swim: rumours and incarnations', () => {
  const cases: { desc: string; input: Message[]; want: string | undefined }[] = [
    { desc: 'suspect at the current incarnation', input: [{ type: 'suspect', node: 'c', incarnation: 0, from: 'b' }], want: 'suspect' },
    { desc: 'dead from another member', input: [{ type: 'dead', node: 'c', incarnation: 0, from: 'b' }], want: 'dead' },
    { desc: 'dead from the member itself is a leave', input: [{ type: 'dead', node: 'c', incarnation: 0, from: 'c' }], want: 'left' },
    { desc: 'alive at a higher incarnation clears a suspicion', input: [{ type: 'suspect', node: 'c', incarnation: 0, from: 'b' }, { type: 'alive', node: 'c', incarnation: 1, addr: 'c:1' }], want: 'alive' },
    { desc: 'alive at the same incarnation does not clear it', input: [{ type: 'suspect', node: 'c', incarnation: 0, from: 'b' }, { type: 'alive', node: 'c', incarnation: 0, addr: 'c:1' }], want: 'suspect' },
    { desc: 'a stale suspect is ignored', input: [{ type: 'alive', node: 'c', incarnation: 5, addr: 'c:1' }, { type: 'suspect', node: 'c', incarnation: 4, from: 'b' }], want: 'alive' },
    { desc: 'alive at the same incarnation does not resurrect a leave', input: [{ type: 'dead', node: 'c', incarnation: 0, from: 'c' }, { type: 'alive', node: 'c', incarnation: 0, addr: 'c:1' }], want: 'left' },
    { desc: 'a rejoin at a higher incarnation does', input: [{ type: 'dead', node: 'c', incarnation: 0, from: 'b' }, { type: 'alive', node: 'c', incarnation: 1, addr: 'c:1' }], want: 'alive' },
    { desc: 'an unknown member in a suspect is ignored', input: [{ type: 'suspect', node: 'zz', incarnation: 0, from: 'b' }], want: undefined },
  ];
  for (const c of cases) {
    it(c.desc, () => {
      const s = withPeers();
      s.receive('b:1', c.input, 5);
      assert.equal(s.statusOf(c.input[0]?.type === 'suspect' && c.input[0].node === 'zz' ? 'zz' : 'c'), c.want);
    });
  }

  it('refutes a suspicion about itself with a higher incarnation, sent straight back', () => {
    const s = withPeers();
    const out = s.receive('b:1', [{ type: 'suspect', node: 'a', incarnation: 0, from: 'b' }], 5);
    const back = out.sends.filter((x) => x.to === 'b:1').flatMap((x) => ofType(x.messages, 'alive')).filter((m) => m.node === 'a');
    assert.deepEqual(back, [{ type: 'alive', node: 'a', incarnation: 1, addr: 'a:1' }]);
    assert.equal(s.awareness, 1);
    assert.equal(s.statusOf('a'), 'alive');
    // Published, so what this member announces is announced again (others may think it dead).
    assert.deepEqual(out.changes, [{ node: 'a', addr: 'a:1', status: 'alive', incarnation: 1 }]);
  });

  it('answers a stale rumour about itself with its current incarnation, without a new one', () => {
    const s = withPeers();
    s.receive('b:1', [{ type: 'suspect', node: 'a', incarnation: 0, from: 'b' }], 5);
    const out = s.receive('c:1', [{ type: 'dead', node: 'a', incarnation: 0, from: 'c' }], 6);
    assert.deepEqual(out.sends.filter((x) => x.to === 'c:1').flatMap((x) => ofType(x.messages, 'alive')).filter((m) => m.node === 'a'), [{ type: 'alive', node: 'a', incarnation: 1, addr: 'a:1' }]);
  });

  it('a suspicion expires into dead after its timeout and reports the change', () => {
    const s = withPeers();
    s.receive('b:1', [{ type: 'suspect', node: 'c', incarnation: 0, from: 'b' }], 0);
    const changes = runTo(s, 1, 20_000).flatMap((o) => o.changes);
    assert.deepEqual(changes.filter((c) => c.node === 'c').map((c) => c.status), ['dead']);
  });

  it('a suspicion expiring while this member stalled: postponed one probe timeout, so a refutation waiting unread still counts', () => {
    const s = withPeers();
    s.receive('b:1', [{ type: 'suspect', node: 'c', incarnation: 0, from: 'b' }], 0);
    const late = 10_000; // the loop was starved well past the suspicion's deadline (at most 1.5 s here)
    assert.deepEqual(s.tick(late).changes.filter((c) => c.node === 'c'), [], 'not declared dead by a stalled clock');
    assert.equal(s.statusOf('c'), 'suspect');
    // The poll phase reads the refutation that had been waiting in the socket.
    s.receive('c:1', [{ type: 'alive', node: 'c', incarnation: 1, addr: 'c:1' }], late + 1);
    assert.equal(s.statusOf('c'), 'alive');
    assert.ok(!s.tick(late + cfg.probeTimeoutMs + 1).changes.some((c) => c.node === 'c' && c.status === 'dead'), 'the postponed verdict is gone with the suspicion');
  });

  it('a stalled member still declares a silent suspect dead, after a bounded number of postponements', () => {
    const s = withPeers();
    s.receive('b:1', [{ type: 'suspect', node: 'c', incarnation: 0, from: 'b' }], 0);
    // The loop stalls from the start: the first tick comes long after the deadline, and every
    // later one late as well. The verdict is postponed maxStallDeferrals times, then made.
    const acks = (out: Output, at: number): void => {
      for (const m of sent(out)) if (m.type === 'ping' && m.target !== 'c') s.receive(`${m.target}:1`, [{ type: 'ack', seq: m.seq, from: m.target }], at);
    };
    let t = 10_000;
    let ticks = 0;
    for (; ticks < 20 && s.statusOf('c') === 'suspect'; ticks++) {
      acks(s.tick(t), t);
      t = s.nextTickAt() + cfg.stallToleranceMs + 100;
    }
    assert.equal(s.statusOf('c'), 'dead');
    assert.equal(ticks, cfg.maxStallDeferrals + 1, `dead after ${ticks} late ticks`);
  });

  it('a stall raises awareness: the next probes come less often and wait longer for the ack', () => {
    const s = withPeers();
    s.receive('b:1', [{ type: 'suspect', node: 'c', incarnation: 0, from: 'b' }], 0);
    assert.equal(s.awareness, 0);
    s.tick(10_000); // long past the suspicion's deadline: a stalled loop
    assert.equal(s.awareness, 1);
  });

  it('a probe deadline handled late is postponed (the ack may be unread), not turned into a suspicion at once', () => {
    const s = withPeers();
    const ping = ofType(runTo(s, 0, cfg.probeIntervalMs - 1).flatMap(sent), 'ping')[0];
    assert.ok(ping !== undefined);
    const late = 2 * cfg.probeIntervalMs + cfg.stallToleranceMs + 300;
    s.tick(late);
    assert.equal(s.statusOf(ping.target), 'alive', 'a stalled member does not suspect at once');
    s.receive(`${ping.target}:1`, [{ type: 'ack', seq: ping.seq, from: ping.target }], late + 1);
    assert.ok(!runTo(s, late + 2, late + cfg.probeTimeoutMs + 5).flatMap((o) => o.changes).some((c) => c.node === ping.target));
    assert.equal(s.statusOf(ping.target), 'alive');
  });

  it('a suspect heard from directly during the suspicion is not declared dead at the deadline', () => {
    const s = withPeers();
    s.receive('b:1', [{ type: 'suspect', node: 'c', incarnation: 0, from: 'b' }], 0);
    s.receive('c:1', [{ type: 'ping', seq: 5, target: 'a', from: 'c' }], 10);
    const changes = runTo(s, 11, cfg.suspicionMaxMult * cfg.suspicionMult * cfg.probeIntervalMs + 1).flatMap((o) => o.changes);
    assert.deepEqual(changes.filter((c) => c.node === 'c'), []);
    assert.equal(s.statusOf('c'), 'suspect');
  });

  it('piggybacks rumours on its packets and the packet bytes decode to the messages', () => {
    const s = withPeers();
    const out = s.receive('b:1', [{ type: 'dead', node: 'c', incarnation: 0, from: 'b' }, { type: 'ping', seq: 1, target: 'a', from: 'b' }], 5);
    const ackPacket = out.sends.find((x) => ofType(x.messages, 'ack').length > 0);
    assert.ok(ackPacket !== undefined);
    assert.ok(ofType(ackPacket.messages, 'dead').some((d) => d.node === 'c'));
    assert.deepEqual(decodePacket(ackPacket.bytes), { ok: true, value: ackPacket.messages });
  });
});

describe('Swim: push-pull, join and leave', () => {
  it('join sends a push-pull to unknown seeds only', () => {
    const s = withPeers();
    const out = s.join(['b:1', 'z:1']);
    assert.deepEqual(out.sends.map((x) => [x.to, x.channel]), [['z:1', 'stream']]);
  });

  it('answers a push-pull with its own table, and not a reply', () => {
    const s = withPeers();
    const pp: Message = { type: 'push-pull', join: true, reply: false, from: 'f', fromAddr: 'f:1', members: [peer('f')] };
    const out = s.receive('f:1', [pp], 1);
    const reply = ofType(sent(out), 'push-pull')[0];
    assert.ok(reply?.reply === true);
    assert.deepEqual(reply.members.map((m) => m.node), ['a', 'b', 'c', 'd', 'e', 'f']);
    assert.deepEqual(out.changes.map((c) => [c.node, c.status]), [['f', 'alive']]);
    assert.equal(ofType(sent(s.receive('f:1', [{ ...pp, reply: true }], 2)), 'push-pull').length, 0);
  });

  it('treats a remote "dead" in a push-pull as a suspicion only', () => {
    const s = withPeers();
    s.receive('b:1', [{ type: 'push-pull', join: false, reply: true, from: 'b', fromAddr: 'b:1', members: [{ ...peer('c'), status: 'dead' }] }], 1);
    assert.equal(s.statusOf('c'), 'suspect');
  });

  it('leave marks itself left, tells peers at once, and stops probing', () => {
    const s = withPeers();
    const out = s.leave(3);
    assert.equal(s.statusOf('a'), 'left');
    const deads = ofType(sent(out), 'dead');
    assert.ok(deads.length >= 3 && deads.every((d) => d.node === 'a' && d.from === 'a'));
    const later = runTo(s, 4, 3000).flatMap(sent);
    assert.equal(ofType(later, 'ping').length, 0);
    assert.equal(ofType(sent(s.receive('b:1', [{ type: 'ping', seq: 1, target: 'a', from: 'b' }], 3001)), 'ack').length, 0);
  });
});
