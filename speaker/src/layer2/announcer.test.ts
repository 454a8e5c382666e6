import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NodePlanSpecL2 } from '@metallb-ts/lib/api/types.generated.ts';
import { flushPromises } from '@metallb-ts/lib/testing/fake-clock.ts';
import type { MemberSnapshot } from '../membership/messages.ts';
import { L2Announcer, type ResponderPort } from './announcer.ts';
import { rankCandidates } from './core/election.ts';
import { conflictCondition } from './core/conflict-condition.ts';
import type { AddressConflict, AnnounceOptions, AnnounceOutcome } from './responder-types.ts';

/** Records calls; answers announce with `outcome(ip)`. */
class FakeResponder implements ResponderPort {
  readonly calls: string[] = [];
  outcome: (ip: string) => AnnounceOutcome = () => ({ kind: 'announced' });
  announce(ip: string, opts?: AnnounceOptions): Promise<AnnounceOutcome> {
    this.calls.push(opts === undefined ? `burst ${ip}` : `announce ${ip} ${opts.interfaces?.join(',')} probe=${String(opts.probe)}`);
    return Promise.resolve(this.outcome(ip));
  }
  withdraw(ip: string): void {
    this.calls.push(`withdraw ${ip}`);
  }
}

const VIP = '192.0.2.10';
const NODES = ['n1', 'n2', 'n3'];
const [best, second, third] = rankCandidates(NODES.map((name) => ({ name })), VIP) as [string, string, string];
const duties: NodePlanSpecL2 = { candidateSets: [{ nodes: NODES.map((name) => ({ name })) }], interfaceSets: [['eth0', 'eth9']], vips: [{ ip: VIP, set: 0, interfaces: 0, services: ['ns/a'] }] };
const members = (alive: string[], dead: string[] = []): MemberSnapshot[] =>
  [...alive.map((node) => ({ node, addr: `${node}:7946`, incarnation: 1, status: 'alive' as const })), ...dead.map((node) => ({ node, addr: `${node}:7946`, incarnation: 1, status: 'dead' as const }))];
const silent = { info: () => undefined, warn: () => undefined };

function announcerFor(self: string) {
  const responder = new FakeResponder();
  const events: string[] = [];
  const conflicts: AddressConflict[][] = [];
  const a = new L2Announcer({
    self, responder, interfaces: ['eth0', 'eth1'], log: silent,
    onAnnounce: (ip, state) => events.push(`${state} ${ip}`), onConflicts: (c) => conflicts.push([...c]),
  });
  return { a, responder, events, conflicts };
}

describe('L2Announcer', () => {
  it('the best alive node announces, on the plan interfaces it has; the others do not', async () => {
    for (const n of NODES) {
      const { a, responder } = announcerFor(n);
      a.setMembers(members(NODES));
      a.setDuties(duties);
      await flushPromises();
      // Peers are alive and eligible: one of them may hold it, so no probe (its frames are no conflict).
      assert.deepEqual(responder.calls, n === best ? [`announce ${VIP} eth0 probe=false`] : [], n);
    }
  });

  it('alone among the eligible nodes: probes before announcing', () => {
    const { a, responder } = announcerFor(third);
    a.setDuties(duties);
    a.setMembers(members([third], [best, second]));
    assert.deepEqual(responder.calls, [`announce ${VIP} eth0 probe=true`]);
  });

  it('takeover: the next node announces without probing when the owner dies; steps down when it returns', async () => {
    const { a, responder, events } = announcerFor(second);
    a.setDuties(duties);
    a.setMembers(members(NODES));
    a.setMembers(members([second, third], [best]));
    await flushPromises();
    assert.deepEqual(responder.calls, [`announce ${VIP} eth0 probe=false`]);
    a.setMembers(members([second, third], [best])); // any membership event: gratuitous burst again
    a.setMembers(members(NODES));
    assert.deepEqual(responder.calls.slice(1), [`burst ${VIP}`, `withdraw ${VIP}`]);
    assert.deepEqual(events, [`announced ${VIP}`, `withdrawn ${VIP}`]);
    assert.deepEqual(a.held(), []);
  });

  it('suspect members still count as alive (no failover on suspicion alone)', () => {
    const { a, responder } = announcerFor(second);
    a.setDuties(duties);
    a.setMembers(members(NODES).map((m) => (m.node === best ? { ...m, status: 'suspect' } : m)));
    assert.deepEqual(responder.calls, []);
  });

  it('a probe conflict: not announced, reported, retried only on retryConflicts', async () => {
    const { a, responder, events, conflicts } = announcerFor(best);
    const c: AddressConflict = { ip: VIP, mac: '02:00:00:00:00:99', iface: 'eth0', since: 0, phase: 'probe' };
    responder.outcome = () => ({ kind: 'conflict', conflict: c });
    a.setMembers(members(NODES));
    a.setDuties(duties);
    await flushPromises();
    assert.deepEqual(events, [`conflict ${VIP}`]);
    assert.deepEqual(conflicts.at(-1), [c]);
    assert.equal(conflictCondition(conflicts.at(-1)!).status, 'True');
    a.setDuties(duties);
    assert.equal(responder.calls.length, 1);
    // A periodic retry that finds the same holder reports nothing new (no flap to False and back).
    const reports = conflicts.length;
    a.retryConflicts();
    await flushPromises();
    assert.equal(responder.calls.length, 2, 'probed again');
    assert.deepEqual(conflicts.slice(reports).map((x) => x.map((y) => y.ip)), [[VIP]], 'the same conflict, published once');
    assert.deepEqual(a.held(), []);
    responder.outcome = () => ({ kind: 'announced' });
    a.retryConflicts();
    await flushPromises();
    assert.deepEqual(conflicts.at(-1), []);
    assert.deepEqual(a.held(), [VIP]);
  });

  it('a refused VIP leaves the reported conflicts when the plan no longer gives it to this node', async () => {
    const { a, responder, conflicts } = announcerFor(best);
    responder.outcome = () => ({ kind: 'conflict', conflict: { ip: VIP, mac: '02:00:00:00:00:98', iface: 'eth0', since: 0, phase: 'probe' } });
    a.setMembers(members(NODES));
    a.setDuties(duties);
    await flushPromises();
    assert.deepEqual(conflicts.at(-1)?.map((c) => c.ip), [VIP]);
    a.setDuties({ candidateSets: [], vips: [] });
    assert.deepEqual(conflicts.at(-1), []);
  });

  it('a probe conflict is retried when a member appears (it may have been that peer answering)', async () => {
    const { a, responder } = announcerFor(best);
    responder.outcome = () => ({ kind: 'conflict', conflict: { ip: VIP, mac: '02:00:00:00:00:97', iface: 'eth0', since: 0, phase: 'probe' } });
    a.setDuties(duties);
    a.setMembers(members([best]));
    await flushPromises();
    responder.outcome = () => ({ kind: 'announced' });
    a.setMembers(members([best, third]));
    await flushPromises();
    assert.deepEqual(responder.calls, [`announce ${VIP} eth0 probe=true`, `announce ${VIP} eth0 probe=false`]);
    assert.deepEqual(a.held(), [VIP]);
  });

  it('a conflict seen while announcing is reported and cleared when the VIP is withdrawn', () => {
    const { a, conflicts } = announcerFor(best);
    a.setMembers(members(NODES));
    a.setDuties(duties);
    a.noteConflict({ ip: VIP, mac: '02:00:00:00:00:98', iface: 'eth0', since: 1, phase: 'announced' });
    assert.equal(conflicts.at(-1)?.length, 1);
    a.setDuties(undefined);
    assert.deepEqual(conflicts.at(-1), []);
    assert.deepEqual(conflictCondition([]), { type: 'Layer2AddressConflict', status: 'False', reason: 'NoConflict', message: 'no address conflict' });
  });

  it('a conflict seen while announcing is cleared when the responder says that MAC stopped claiming it (split brain healed)', () => {
    const { a, conflicts, responder } = announcerFor(best);
    a.setMembers(members(NODES));
    a.setDuties(duties);
    const other = { ip: VIP, mac: '02:00:00:00:00:98', iface: 'eth0', since: 1, phase: 'announced' as const };
    a.noteConflict(other);
    a.noteConflict({ ...other, mac: '02:00:00:00:00:97' });
    assert.equal(conflicts.at(-1)?.length, 2);
    const published = conflicts.length;
    a.clearConflict(other);
    assert.deepEqual(conflicts.at(-1)?.map((c) => c.mac), ['02:00:00:00:00:97']);
    a.clearConflict(other);
    assert.equal(conflicts.length, published + 1, 'clearing an unknown conflict publishes nothing');
    assert.deepEqual(a.held(), [VIP], 'still announced');
    assert.ok(!responder.calls.includes(`withdraw ${VIP}`));
  });

  it('a membership change while the VIP is still probed neither restarts the probe nor loses the outcome', async () => {
    const { a, responder, events } = announcerFor(best);
    let settle: (o: AnnounceOutcome) => void = () => undefined;
    responder.announce = (ip, opts) => {
      responder.calls.push(opts === undefined ? `burst ${ip}` : `announce ${ip} ${opts.interfaces?.join(',')} probe=${String(opts.probe)}`);
      return new Promise<AnnounceOutcome>((resolve) => (settle = resolve));
    };
    a.setDuties(duties);
    a.setMembers(members([best])); // alone so far: probes first
    a.setMembers(members(NODES)); // the peers join during the probe
    assert.deepEqual(responder.calls, [`announce ${VIP} eth0 probe=true`], 'no second announce while probing');
    settle({ kind: 'announced' });
    await flushPromises();
    assert.deepEqual(events, [`announced ${VIP}`]);
    a.setMembers(members([best, second]));
    assert.deepEqual(responder.calls.at(-1), `burst ${VIP}`, 'announced: a membership change re-sends the burst');
  });

  it('no usable interface: nothing announced; an interface change re-announces; stop withdraws all', () => {
    const { a, responder } = announcerFor(best);
    a.setMembers(members(NODES));
    a.setDuties({ ...duties, interfaceSets: [['eth7']] });
    assert.deepEqual(responder.calls, []);
    a.setDuties(duties);
    a.setDuties({ ...duties, interfaceSets: [['eth1']] });
    assert.deepEqual(responder.calls, [`announce ${VIP} eth0 probe=false`, `withdraw ${VIP}`, `announce ${VIP} eth1 probe=false`]);
    a.stop();
    a.setMembers(members(NODES));
    assert.deepEqual(responder.calls.slice(3), [`withdraw ${VIP}`]);
  });

  it('a Service joining or leaving a held VIP (shared IP) is reported without re-announcing', async () => {
    const { a, responder, events } = announcerFor(best);
    a.setMembers(members(NODES));
    a.setDuties(duties);
    await flushPromises();
    const calls = responder.calls.length;
    const shared: NodePlanSpecL2 = { ...duties, vips: [{ ip: VIP, set: 0, interfaces: 0, services: ['ns/a', 'ns/b'] }] };
    a.setDuties(shared);
    a.setDuties(shared);
    assert.equal(responder.calls.length, calls, 'no new announce');
    assert.deepEqual(events, [`announced ${VIP}`, `announced ${VIP}`], 'reported once more, for the change only');
    assert.deepEqual(a.announced().map((v) => v.services), [['ns/a', 'ns/b']]);
  });

  it('a probe-phase conflict from the responder is not counted twice (the announce outcome reports it)', async () => {
    const { a, responder, conflicts } = announcerFor(best);
    const c: AddressConflict = { ip: VIP, mac: '02:00:00:00:00:96', iface: 'eth0', since: 0, phase: 'probe' };
    responder.outcome = () => ({ kind: 'conflict', conflict: c });
    a.setMembers(members([best]));
    a.setDuties(duties);
    a.noteConflict(c);
    await flushPromises();
    assert.deepEqual(conflicts.at(-1), [c]);
  });
});
