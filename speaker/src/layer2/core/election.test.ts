import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import type { NodePlanSpecL2 } from '@metallb-ts/lib/api/types.generated.ts';
import { owners, rankCandidates, rankDuties } from './election.ts';

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

describe('rankCandidates', () => {
  it('orders by sha256(node#key) ascending without weights (MetalLB §4.3)', () => {
    const nodes = ['a', 'b', 'c', 'd', 'e'].map((name) => ({ name }));
    const want = nodes.map((n) => n.name).sort((x, y) => (sha(`${x}#192.0.2.10`) < sha(`${y}#192.0.2.10`) ? -1 : 1));
    assert.deepEqual(rankCandidates(nodes, '192.0.2.10'), want);
  });
  it('a higher weight wins over the hash; equal weights fall back to the hash', () => {
    const byHash = rankCandidates([{ name: 'a' }, { name: 'b' }, { name: 'c' }], 'k');
    const last = byHash[2]!;
    const r = rankCandidates([{ name: 'a', weight: 0 }, { name: 'b' }, { name: 'c' }].map((n) => (n.name === last ? { name: n.name, weight: 10 } : n)), 'k');
    assert.equal(r[0], last);
    assert.deepEqual(r.slice(1), byHash.slice(0, 2));
  });
  it('depends on the key, so different VIPs spread over nodes', () => {
    const nodes = Array.from({ length: 10 }, (_, i) => ({ name: `n${i}` }));
    const firsts = new Set(Array.from({ length: 50 }, (_, i) => rankCandidates(nodes, `192.0.2.${i}`)[0]));
    assert.ok(firsts.size >= 5, [...firsts].join());
  });
});

describe('owners', () => {
  const l2: NodePlanSpecL2 = {
    candidateSets: [{ nodes: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] }, { nodes: [{ name: 'b' }, { name: 'c', weight: 5 }] }],
    interfaceSets: [['eth1']],
    vips: [
      { ip: '192.0.2.1', set: 0, services: ['ns/s1'] },
      { ip: '192.0.2.2', set: 1, interfaces: 0, services: ['ns/s2'] },
      { ip: '2001:db8::1', set: 0, electionKey: '192.0.2.1', services: ['ns/s1'] },
      { ip: '192.0.2.9', set: 7, services: ['ns/bad'] },
    ],
  };
  const ranked = rankDuties(l2);
  const first = ranked[0]!.order;

  it('ranks once per plan; a dangling set index drops the VIP; interfaces resolved', () => {
    assert.deepEqual(ranked.map((v) => v.ip), ['192.0.2.1', '192.0.2.2', '2001:db8::1']);
    assert.deepEqual(ranked[1]!.interfaces, ['eth1']);
    assert.equal(ranked[1]!.order[0], 'c');
  });
  it('the dual-stack second IP goes where the first goes (same key)', () => {
    assert.deepEqual(ranked[2]!.order, first);
  });

  const cases: Array<{ desc: string; self: string; alive: string[]; want: Record<string, string> }> = [
    { desc: 'all alive: the first of each order', self: 'a', alive: ['a', 'b', 'c'], want: { '192.0.2.1': first[0]!, '192.0.2.2': 'c', '2001:db8::1': first[0]! } },
    { desc: 'the best dies: the next alive takes over', self: first[1]!, alive: [first[1]!, first[2]!], want: { '192.0.2.1': first[1]!, '192.0.2.2': first[0] === 'c' ? 'b' : 'c', '2001:db8::1': first[1]! } },
    { desc: 'self is alive even before gossip lists it', self: 'b', alive: [], want: { '192.0.2.1': 'b', '192.0.2.2': 'b', '2001:db8::1': 'b' } },
    { desc: 'no candidate alive: no owner', self: 'z', alive: [], want: {} },
  ];
  for (const c of cases) {
    it(c.desc, () => assert.deepEqual(Object.fromEntries(owners(ranked, c.self, new Set(c.alive))), c.want));
  }
  it('a non-owner leaving changes nothing; a better node joining takes over', () => {
    const before = owners(ranked, 'a', new Set(['a', 'b', 'c']));
    assert.deepEqual(owners(ranked, 'a', new Set(['a', first[0]!, 'b', 'c'].filter((n) => n !== first[2]))).get('192.0.2.1'), before.get('192.0.2.1'));
    assert.equal(owners(ranked, first[2]!, new Set([first[2]!])).get('192.0.2.1'), first[2]);
    assert.equal(owners(ranked, first[2]!, new Set([first[2]!, first[0]!])).get('192.0.2.1'), first[0]);
  });
});
