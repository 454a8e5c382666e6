/**
 * The simulated cluster with the real AES-256-GCM envelope on its wire: forged packets (another
 * key, plaintext) are dropped before the state machine, and replayed captures change nothing.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { encodePacket } from '../membership/codec.ts';
import { ClusterSim, type SimWire } from '../membership/testing/cluster-sim.ts';
import { deriveGossipKey, Envelope } from './envelope.ts';

const good = new Envelope([deriveGossipKey('cluster-secret')]);
const wire: SimWire = {
  seal: (b, ch) => good.seal(b, ch),
  open: (b, ch) => {
    const r = good.open(b, ch);
    return r.ok ? r.value : undefined;
  },
};

describe('simulated cluster with the sealed wire', () => {
  it('forged packets (wrong key, plaintext) are dropped and change nothing', () => {
    const sim = new ClusterSim({ members: 10, seed: 2, wire });
    assert.ok(sim.runUntilTrue(() => sim.converged(), 5000) !== undefined);
    const t0 = sim.now;
    const forged = encodePacket([{ type: 'dead', node: 'm01', incarnation: 1_000_000, from: 'm02' }]);
    const other = new Envelope([deriveGossipKey('attacker-secret')]);
    for (const target of sim.names()) {
      sim.inject(target, 'm02:7946', other.seal(forged, 'packet'));
      sim.inject(target, 'm02:7946', new Envelope([]).seal(forged, 'packet'));
      sim.inject(target, 'm02:7946', other.seal(forged, 'stream'), 'stream');
    }
    sim.runFor(3000);
    assert.equal(sim.wireDrops, 30);
    assert.deepEqual(sim.changes.filter((c) => c.at >= t0), []);
    assert.ok(sim.converged());
  });

  it('a correctly sealed forged rumour would matter — which is what the key protects', () => {
    const sim = new ClusterSim({ members: 10, seed: 2, wire });
    sim.runUntilTrue(() => sim.converged(), 5000);
    sim.inject('m03', 'm02:7946', good.seal(encodePacket([{ type: 'dead', node: 'm01', incarnation: 1_000_000, from: 'm02' }]), 'packet'));
    sim.runFor(10);
    // m03 believed it (m01 then refutes with a higher incarnation and comes back).
    assert.ok(sim.changes.some((c) => c.observer === 'm03' && c.node === 'm01' && c.status === 'dead'));
  });

  it('replayed captures of a suspicion and its refutation change nothing later', () => {
    const sim = new ClusterSim({ members: 10, seed: 6, wire });
    sim.runUntilTrue(() => sim.converged(), 5000);
    const captured: { to: string; bytes: Uint8Array }[] = [];
    sim.onWire = (_from, to, bytes) => captured.push({ to, bytes });
    sim.inject('m01', 'm02:7946', good.seal(encodePacket([{ type: 'suspect', node: 'm05', incarnation: 0, from: 'm02' }]), 'packet'));
    sim.runFor(3000);
    sim.onWire = undefined;
    assert.ok(sim.changes.some((c) => c.node === 'm05' && c.status === 'suspect'), 'the suspicion happened');
    const t0 = sim.now;
    for (const c of captured) sim.inject(c.to.replace(/:7946$/, ''), 'm09:7946', c.bytes);
    sim.runFor(3000);
    assert.ok(captured.length > 100);
    assert.deepEqual(sim.changes.filter((c) => c.at >= t0), []);
    assert.ok(sim.converged());
  });
});
