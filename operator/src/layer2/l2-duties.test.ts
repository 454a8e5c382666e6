import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NodePlanSpecL2 } from '@metallb-ts/lib/api/types.generated.ts';
import { nodeName, serviceKey } from '@metallb-ts/lib/ids/ids.ts';
import { compileSelector, type LabelSelectorSpec } from '@metallb-ts/lib/selector/label-selector.ts';
import type { L2Advertisement } from '../config/types.ts';
import { EXCLUDE_LB_LABEL, l2DutiesFor, type L2DutiesInput, type L2Node, type L2Service } from './l2-duties.ts';

const sel = (s: LabelSelectorSpec) => {
  const r = compileSelector(s);
  assert.ok(r.ok);
  return r.value;
};
const ad = (name: string, o: { pools?: string[]; nodes?: LabelSelectorSpec[]; services?: LabelSelectorSpec[]; interfaces?: string[]; preferred?: Array<[number, LabelSelectorSpec]> } = {}): L2Advertisement => ({
  name, pools: o.pools ?? ['p'], nodeSelectors: (o.nodes ?? []).map(sel), serviceSelectors: (o.services ?? []).map(sel),
  interfaces: o.interfaces ?? [], preferredNodes: (o.preferred ?? []).map(([weight, s]) => ({ weight, selector: sel(s) })),
});
const node = (name: string, labels: Record<string, string> = {}, networkUnavailable = false): L2Node => ({ name: nodeName(name), labels, networkUnavailable });
const svc = (name: string, o: Partial<Omit<L2Service, 'key'>> = {}): L2Service => ({
  key: serviceKey('default', name), labels: {}, ips: ['192.0.2.10'], pool: 'p', externalTrafficPolicy: 'Cluster',
  servingNodes: new Set(['a']), sharingKey: false, ...o,
});
const NODES = [node('a', { zone: 'x' }), node('b', { zone: 'y' }), node('c', { zone: 'y' })];

/** For each node with duties: its VIPs as `ip -> "node[:weight] …" [ifaces]`. */
function view(d: Map<string, NodePlanSpecL2>): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const [n, l2] of [...d].sort()) {
    out[n] = Object.fromEntries(l2.vips.map((v) => {
      const set = l2.candidateSets[v.set]!.nodes.map((c) => (c.weight === undefined ? c.name : `${c.name}:${c.weight}`)).join(' ');
      const ifs = v.interfaces === undefined ? '' : ` [${l2.interfaceSets![v.interfaces]!.join(',')}]`;
      return [v.ip, `${set}${ifs}${v.electionKey === undefined ? '' : ` key=${v.electionKey}`} <${v.services.join(',')}>`];
    }));
  }
  return out;
}

interface Case { readonly desc: string; readonly input: Partial<L2DutiesInput>; readonly want: Record<string, Record<string, string>> }
const ALL = '<default/s>';
const cases: Case[] = [
  { desc: 'one ad, no selectors: every node eligible, every plan lists the VIP', input: {}, want: { a: { '192.0.2.10': `a b c ${ALL}` }, b: { '192.0.2.10': `a b c ${ALL}` }, c: { '192.0.2.10': `a b c ${ALL}` } } },
  { desc: 'no serving endpoint anywhere: nobody', input: { services: [svc('s', { servingNodes: new Set() })] }, want: {} },
  { desc: 'no ad for the pool: nobody', input: { l2Advertisements: [ad('x', { pools: ['other'] })] }, want: {} },
  { desc: 'nodeSelectors: only selected nodes', input: { l2Advertisements: [ad('x', { nodes: [{ matchLabels: { zone: 'y' } }] })] }, want: { b: { '192.0.2.10': `b c ${ALL}` }, c: { '192.0.2.10': `b c ${ALL}` } } },
  { desc: 'nodeSelectors of two ads: union', input: { l2Advertisements: [ad('x', { nodes: [{ matchLabels: { zone: 'x' } }] }), ad('y', { nodes: [{ matchLabels: { zone: 'nope' } }] })] }, want: { a: { '192.0.2.10': `a ${ALL}` } } },
  { desc: 'serviceSelectors: a non-matching ad does not count', input: { l2Advertisements: [ad('x', { services: [{ matchLabels: { app: 'web' } }] })] }, want: {} },
  { desc: 'serviceSelectors: matching', input: { l2Advertisements: [ad('x', { services: [{ matchLabels: { app: 'web' } }], nodes: [{ matchLabels: { zone: 'x' } }] })], services: [svc('s', { labels: { app: 'web' } })] }, want: { a: { '192.0.2.10': `a ${ALL}` } } },
  { desc: 'shared IP with a serviceSelector ad: not announced', input: { l2Advertisements: [ad('x', { services: [{ matchLabels: { app: 'web' } }] })], services: [svc('s', { labels: { app: 'web' }, sharingKey: true })] }, want: {} },
  { desc: 'NetworkUnavailable node dropped', input: { nodes: [node('a', {}, true), node('b')] }, want: { b: { '192.0.2.10': `b ${ALL}` } } },
  { desc: 'exclude label dropped (any value)', input: { nodes: [node('a', { [EXCLUDE_LB_LABEL]: '' }), node('b')] }, want: { b: { '192.0.2.10': `b ${ALL}` } } },
  { desc: 'exclude label honoured not with ignoreExcludeLb', input: { nodes: [node('a', { [EXCLUDE_LB_LABEL]: 'true' })], ignoreExcludeLb: true }, want: { a: { '192.0.2.10': `a ${ALL}` } } },
  { desc: 'ETP=Local: only nodes with a serving endpoint', input: { services: [svc('s', { externalTrafficPolicy: 'Local', servingNodes: new Set(['b', 'c']) })] }, want: { b: { '192.0.2.10': `b c ${ALL}` }, c: { '192.0.2.10': `b c ${ALL}` } } },
  { desc: 'ETP=Local ∩ nodeSelectors', input: { l2Advertisements: [ad('x', { nodes: [{ matchLabels: { zone: 'x' } }] })], services: [svc('s', { externalTrafficPolicy: 'Local', servingNodes: new Set(['b']) })] }, want: {} },
  { desc: 'ETP=Cluster: endpoints elsewhere are enough', input: { services: [svc('s', { servingNodes: new Set(['zzz']) })], nodes: [node('a')] }, want: { a: { '192.0.2.10': `a ${ALL}` } } },
  {
    desc: 'preferredNodeSelectors: weights summed over selectors and ads',
    input: { l2Advertisements: [ad('x', { preferred: [[10, { matchLabels: { zone: 'y' } }], [5, {}]] }), ad('y', { preferred: [[1, { matchLabels: { zone: 'x' } }]] })] },
    want: Object.fromEntries(['a', 'b', 'c'].map((n) => [n, { '192.0.2.10': `a:6 b:15 c:15 ${ALL}` }])),
  },
  {
    desc: 'interfaces: union of the ads selecting the node; an ad without interfaces means all',
    input: { l2Advertisements: [ad('x', { interfaces: ['eth1', 'eth0'] }), ad('y', { interfaces: ['eth2'], nodes: [{ matchLabels: { zone: 'x' } }] }), ad('z', { nodes: [{ matchLabels: { zone: 'nope' } }] })], nodes: [node('a', { zone: 'x' }), node('b')] },
    want: { a: { '192.0.2.10': `a b [eth0,eth1,eth2] ${ALL}` }, b: { '192.0.2.10': `a b [eth0,eth1] ${ALL}` } },
  },
  {
    desc: 'shared IP: one VIP entry with every Service, the same set everywhere',
    input: { nodes: [node('a')], services: [svc('s2', { sharingKey: true }), svc('s1', { sharingKey: true })] },
    want: { a: { '192.0.2.10': 'a <default/s1,default/s2>' } },
  },
  {
    desc: 'shared IP, ETP=Local: eligible for every Service (intersection)',
    input: { services: [svc('s1', { externalTrafficPolicy: 'Local', servingNodes: new Set(['a', 'b']) }), svc('s2', { externalTrafficPolicy: 'Local', servingNodes: new Set(['b', 'c']) })] },
    want: { b: { '192.0.2.10': 'b <default/s1,default/s2>' } },
  },
  {
    desc: 'dual stack: the second IP is elected with the first as key',
    input: { nodes: [node('a')], services: [svc('s', { ips: ['192.0.2.10', '2001:db8::10'] })] },
    want: { a: { '192.0.2.10': `a ${ALL}`, '2001:db8::10': `a key=192.0.2.10 ${ALL}` } },
  },
];

describe('l2DutiesFor', () => {
  for (const c of cases) {
    it(c.desc, () => {
      const input: L2DutiesInput = { l2Advertisements: [ad('x')], nodes: NODES, services: [svc('s')], ...c.input };
      assert.deepEqual(view(l2DutiesFor(input)), c.want);
    });
  }

  it('publishes each distinct set and interface list once per plan, referenced by index', () => {
    const services = Array.from({ length: 6 }, (_, i) => svc(`s${i}`, {
      ips: [`192.0.2.${i + 1}`], externalTrafficPolicy: i % 2 === 0 ? 'Cluster' : 'Local', servingNodes: new Set(['a']),
    }));
    const d = l2DutiesFor({ l2Advertisements: [ad('x', { interfaces: ['eth0'] })], nodes: NODES, services });
    const a = d.get(nodeName('a'))!;
    assert.equal(a.vips.length, 6);
    assert.deepEqual(a.candidateSets, [{ nodes: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] }, { nodes: [{ name: 'a' }] }]);
    assert.deepEqual(a.vips.map((v) => v.set), [0, 1, 0, 1, 0, 1]);
    assert.deepEqual(a.interfaceSets, [['eth0']]);
    assert.equal(d.get(nodeName('b'))!.vips.length, 3);
  });

  it('is deterministic whatever the input order', () => {
    const services = [svc('s1', { ips: ['192.0.2.2'] }), svc('s2', { ips: ['192.0.2.1'] })];
    const one = JSON.stringify([...l2DutiesFor({ l2Advertisements: [ad('x')], nodes: NODES, services })].sort());
    const two = JSON.stringify([...l2DutiesFor({ l2Advertisements: [ad('x')], nodes: [...NODES].reverse(), services: [...services].reverse() })].sort());
    assert.equal(one, two);
  });

  it('size: 10,000 Services × 100 nodes, every plan stays under 1 MiB', () => {
    const nodes = Array.from({ length: 100 }, (_, i) => node(`worker-${String(i).padStart(3, '0')}`, { zone: `z${i % 4}` }));
    const services = Array.from({ length: 10_000 }, (_, i) => svc(`service-${String(i).padStart(5, '0')}`, {
      ips: [`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`],
      // a tenth ETP=Local with endpoints on 3 nodes, so many distinct sets exist
      ...(i % 10 === 0 ? { externalTrafficPolicy: 'Local' as const, servingNodes: new Set([0, 1, 2].map((k) => `worker-${String((i + k * 7) % 100).padStart(3, '0')}`)) } : { servingNodes: new Set(['worker-000']) }),
    }));
    const ads = [ad('x', { preferred: [[50, { matchLabels: { zone: 'z1' } }]], interfaces: ['eth0'] })];
    const plans = l2DutiesFor({ l2Advertisements: ads, nodes, services });
    assert.equal(plans.size, 100);
    const sizes = [...plans.values()].map((p) => Buffer.byteLength(JSON.stringify(p)));
    const max = Math.max(...sizes);
    // Measured: the largest spec.l2 is 733,501 bytes (0.70 MiB: ~9,300 VIPs, ~300 sets); 1 MiB is the bound.
    assert.ok(max < 1024 * 1024, `largest spec.l2 is ${max} bytes`);
    const worst = [...plans.values()][sizes.indexOf(max)]!;
    assert.ok(worst.vips.length >= 9_000 && worst.candidateSets.length < 400, `${worst.vips.length} VIPs, ${worst.candidateSets.length} sets`);
  });
});
