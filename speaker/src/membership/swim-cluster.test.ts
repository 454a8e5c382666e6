/**
 * The state machine in simulated clusters (deterministic: virtual clock, seeded loss and delay).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { encodePacket } from './codec.ts';
import { LAN_DEFAULTS, gossipConfig, suspicionBounds } from './config.ts';
import { ClusterSim, memberName } from './testing/cluster-sim.ts';
import { seededRng } from './testing/seeded-rng.ts';

/**
 * Upper bound on "stopped → every member says dead", from the parameters alone: someone probes
 * the victim within two intervals, the probe fails one interval later, the suspicion runs at
 * most its max (no confirmation at all), and the dead rumour needs a few gossip rounds.
 */
function detectionBoundMs(n: number): number {
  const cfg = gossipConfig('x', 'x:1');
  return 3 * cfg.probeIntervalMs + suspicionBounds(cfg, n).maxMs + 10 * cfg.gossipIntervalMs;
}

const deadEverywhere = (sim: ClusterSim, victim: string) => () => sim.upNames().every((o) => sim.statusIn(o, victim) === 'dead');
const falseDeaths = (sim: ClusterSim, from: number, except: readonly string[] = []) =>
  sim.changes.filter((c) => c.at >= from && (c.status === 'dead' || c.status === 'left') && !except.includes(c.node));

describe('simulated cluster', () => {
  it('50 members converge to the same view', () => {
    const sim = new ClusterSim({ members: 50, seed: 11 });
    const at = sim.runUntilTrue(() => sim.converged(), 5000);
    assert.ok(at !== undefined, 'not converged within 5 s');
    assert.equal(sim.swim('m49').liveMembers().length, 50);
  });

  for (const { n, loss } of [{ n: 50, loss: 0 }, { n: 25, loss: 0.1 }, { n: 10, loss: 0.2 }]) {
    it(`${n} members at ${loss * 100} % loss: a stopped member is dead everywhere within the bound, nobody else is`, () => {
      const sim = new ClusterSim({ members: n, seed: 23 + n, loss });
      assert.ok(sim.runUntilTrue(() => sim.converged(), 10_000) !== undefined, 'not converged');
      const t0 = sim.now;
      sim.kill('m07');
      const at = sim.runUntilTrue(deadEverywhere(sim, 'm07'), detectionBoundMs(n));
      assert.ok(at !== undefined, `not dead everywhere within ${detectionBoundMs(n)} ms`);
      sim.runFor(2000);
      assert.deepEqual(falseDeaths(sim, t0, ['m07']), []);
      assert.ok(sim.converged());
    });
  }

  it('10 members at 20 % loss for 2 virtual minutes: suspicions happen, no member is declared dead', () => {
    const sim = new ClusterSim({ members: 10, seed: 5, loss: 0.2 });
    sim.runFor(120_000);
    assert.ok(sim.changes.some((c) => c.status === 'suspect'), 'loss should cause some suspicions');
    assert.deepEqual(falseDeaths(sim, 0), []);
    assert.ok(sim.converged());
  });

  it('a suspected member refutes and stays alive with a higher incarnation', () => {
    const sim = new ClusterSim({ members: 10, seed: 3 });
    sim.runUntilTrue(() => sim.converged(), 5000);
    const before = sim.swim('m05').members().find((m) => m.node === 'm05')?.incarnation ?? -1;
    for (const target of ['m01', 'm02', 'm03']) {
      sim.inject(target, 'm02:7946', encodePacket([{ type: 'suspect', node: 'm05', incarnation: before, from: 'm02' }]));
    }
    sim.runFor(5000);
    assert.ok(sim.changes.some((c) => c.node === 'm05' && c.status === 'suspect'));
    assert.equal(falseDeaths(sim, 0).length, 0);
    for (const o of sim.upNames()) assert.equal(sim.statusIn(o, 'm05'), 'alive', `in ${o}`);
    const after = sim.swim('m01').members().find((m) => m.node === 'm05')?.incarnation ?? -1;
    assert.ok(after > before);
  });

  it('a partition makes each side declare the other dead; after it heals all converge again', () => {
    const sim = new ClusterSim({ members: 10, seed: 9 });
    sim.runUntilTrue(() => sim.converged(), 5000);
    const left = sim.names().slice(0, 5);
    const right = sim.names().slice(5);
    sim.partition([left, right]);
    sim.runFor(10_000);
    assert.equal(sim.statusIn('m00', 'm09'), 'dead');
    assert.equal(sim.statusIn('m09', 'm00'), 'dead');
    sim.heal();
    // Each member push-pulls with one member it believes dead every push-pull interval.
    const at = sim.runUntilTrue(() => sim.converged(), 3 * LAN_DEFAULTS.pushPullIntervalMs);
    assert.ok(at !== undefined, 'partition did not heal');
  });

  it('a graceful leave reaches everyone quickly as "left", not through suspicion', () => {
    const sim = new ClusterSim({ members: 25, seed: 4 });
    sim.runUntilTrue(() => sim.converged(), 5000);
    const t0 = sim.now;
    sim.leave('m03');
    const at = sim.runUntilTrue(() => sim.upNames().filter((n) => n !== 'm03').every((o) => sim.statusIn(o, 'm03') === 'left'), 1000, 5);
    assert.ok(at !== undefined, 'leave not seen by all within 1 s');
    sim.kill('m03');
    sim.runFor(3000);
    assert.ok(!sim.changes.some((c) => c.at >= t0 && c.node === 'm03' && c.status === 'suspect'));
    for (const o of sim.upNames()) assert.equal(sim.statusIn(o, 'm03'), 'left');
  });

  it('a restarted member rejoins with a higher incarnation', () => {
    const sim = new ClusterSim({ members: 10, seed: 12 });
    sim.runUntilTrue(() => sim.converged(), 5000);
    sim.kill('m04');
    assert.ok(sim.runUntilTrue(deadEverywhere(sim, 'm04'), detectionBoundMs(10)) !== undefined);
    sim.restart('m04', 'm00');
    assert.ok(sim.runUntilTrue(() => sim.converged(), 5000) !== undefined, 'restarted member not back');
    assert.ok((sim.swim('m00').members().find((m) => m.node === 'm04')?.incarnation ?? 0) > 0);
  });

  it('garbled packets (random, truncated, bit-flipped headers) are rejected and change nothing', () => {
    const sim = new ClusterSim({ members: 10, seed: 8 });
    sim.runUntilTrue(() => sim.converged(), 5000);
    const rng = seededRng(99);
    const real = encodePacket([{ type: 'dead', node: 'm01', incarnation: 50, from: 'm02' }]);
    const t0 = sim.now;
    for (let i = 0; i < 500; i++) {
      const target = memberName(Math.floor(rng() * 10));
      const junk = Uint8Array.from({ length: 1 + Math.floor(rng() * 60) }, () => Math.floor(rng() * 256));
      sim.inject(target, 'm02:7946', junk);
      sim.inject(target, 'm02:7946', real.subarray(0, Math.floor(rng() * (real.length - 1))));
      const flipped = real.slice();
      const at = Math.floor(rng() * 3); // magic, version or count
      flipped[at] = (flipped[at] ?? 0) ^ 0x80;
      sim.inject(target, 'm02:7946', flipped);
      sim.runFor(10);
    }
    assert.equal(sim.decodeErrors, 1500);
    assert.deepEqual(sim.changes.filter((c) => c.at >= t0), []);
    assert.ok(sim.converged());
  });
});
