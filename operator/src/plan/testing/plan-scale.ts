/**
 * The worst case for one NodePlan's size: 10,000 dual-stack LoadBalancer Services (an IPv4 and an
 * IPv6 address each) with names near Kubernetes' limits (63-character namespace and name, built
 * from varied words so gzip gets no free ride), every one ETP=Cluster and so announced by every
 * node, over BGP (4 sessions with localPref, communities and prepends on every prefix) and in
 * layer 2 (an L2Advertisement with an interface list) — the node's plan then carries every
 * prefix in frr.conf, every Service in bgpServices and every address in l2. The status is the
 * largest the CRD allows for the speaker's conditions (see plan-size.test.ts).
 */
import type { V1Condition } from '@kubernetes/client-node';
import { formatIp } from '@metallb-ts/lib/ip/ip.ts';
import type { NodePlan, NodePlanSpecBgpService, NodePlanSpecL2, NodePlanStatus } from '@metallb-ts/lib/api/types.generated.ts';
import { nodeName } from '@metallb-ts/lib/ids/ids.ts';
import { bgpAdv, l2, peer, pool, resources } from '../../testing/config-test-kit.ts';
import { announcementsFor, peersOnNode, type NodeFacts, type ServiceFacts } from '../../frr/announcements.ts';
import { createFrrRenderer } from '../../frr/render.ts';
import { configOf, type GoldenCase } from '../../frr/testing/golden-cases.ts';
import type { ScaleOptions, ScaleScenario } from '../../frr/testing/scale.ts';
import { l2DutiesFor } from '../../layer2/l2-duties.ts';
import { l2ServiceOf } from '../../layer2/l2-inputs.ts';
import { bgpPlanFieldsFor } from '../bgp-fields.ts';
import { desiredPlanFor } from '../desired-plan.ts';
import { loadFrrTemplates } from '../frr-templates.ts';

const WORDS = ['payments', 'checkout', 'inventory', 'search', 'frontend', 'backend', 'gateway', 'metrics', 'billing', 'identity',
  'catalog', 'shipping', 'analytics', 'recommend', 'notify', 'session', 'ledger', 'pricing', 'profile', 'storage',
  'ingest', 'stream', 'report', 'export', 'import', 'worker', 'scheduler', 'realtime', 'archive', 'compliance',
  'partner', 'mobile', 'internal', 'public', 'canary', 'staging', 'production', 'eu-west', 'us-east', 'ap-south'];

/** A DNS label of exactly `len` characters: seeded words, then `-<index>` at the end. */
function longLabel(seed: number, index: number, len = 63): string {
  let x = (seed * 2654435761 + index * 40503 + 1) >>> 0;
  const tail = `-${index}`;
  const parts: string[] = [];
  while (parts.join('-').length < len) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    parts.push(WORDS[(x >>> 16) % WORDS.length]!);
  }
  return `${parts.join('-').slice(0, len - tail.length).replace(/-$/, 'x')}${tail}`; // exactly len characters
}

/** Sizes of the worst case (Services here are dual-stack). */
export type PlanScaleOptions = ScaleOptions;

const V6_BASE = 0x20010db8010000000000000000000000n; // 2001:db8:100::
const V4_BASE = (198n << 24n) + (18n << 16n); // 198.18.0.0, an address block the /16 pool may hold

/** Builds the worst case; see the module comment. */
export function planScaleScenario(o: PlanScaleOptions): ScaleScenario {
  const nodes: NodeFacts[] = Array.from({ length: o.nodes }, (_, i) => {
    // 63 characters at most: the operator puts the node name in a label value (NODE_LABEL)
    const name = `${longLabel(7, i, 36)}.rack-${String(i % 16).padStart(2, '0')}.eu-west-1.internal`;
    return { name, labels: { 'kubernetes.io/hostname': name }, networkUnavailable: false, excludedFromLoadBalancers: false };
  });
  const namespaces = Array.from({ length: 50 }, (_, i) => longLabel(1, i));
  const services: ServiceFacts[] = Array.from({ length: o.services }, (_, i) => {
    const v4 = V4_BASE + BigInt(i + 1);
    const v6 = V6_BASE + BigInt(i + 1);
    return {
      key: `${namespaces[i % namespaces.length]}/${longLabel(2, i)}`, pool: 'big', labels: {}, trafficPolicyLocal: false,
      ips: [{ family: 'ipv4', value: v4, text: formatIp('ipv4', v4) }, { family: 'ipv6', value: v6, text: formatIp('ipv6', v6) }],
      servingNodes: new Set([nodes[0]!.name]), sharingKey: false,
    };
  });
  const scenario: GoldenCase = {
    name: 'plan-scale', node: nodes[0]!, services,
    resources: resources({
      pools: [pool('big', ['198.18.0.0/16', '2001:db8:100::/112'])],
      peers: [
        peer('tor-a-v4', { myASN: 64512, peerASN: 64513, peerAddress: '192.0.2.1', dualStackAddressFamily: true }),
        peer('tor-b-v4', { myASN: 64512, peerASN: 64513, peerAddress: '192.0.2.2', dualStackAddressFamily: true }),
        peer('tor-a-v6', { myASN: 64512, peerASN: 64512, peerAddress: '2001:db8::1' }),
        peer('tor-b-v6', { myASN: 64512, peerASN: 64514, peerAddress: '2001:db8::2', password: 'scale-pass' }),
      ],
      bgpAdvertisements: [bgpAdv('tagged', { localPref: 200, communities: ['64512:100', 'large:64512:1:1'], asPathPrepend: 2 })],
      l2Advertisements: [l2('all', { interfaces: ['eth0', 'bond0.100'] })],
    }),
  };
  return { scenario, nodes };
}

/**
 * The largest status the speaker can write for a plan with these BGPPeer names: every string at
 * its CRD maximum (message 4096, condition messages 32,768, reasons 1,024), one peer per session.
 */
export function worstStatusFor(peerNames: readonly string[]): NodePlanStatus {
  const condition = (type: string): V1Condition => ({
    type, status: 'False', reason: 'R'.repeat(1024), message: 'm'.repeat(32_768), lastTransitionTime: new Date('2026-12-07T18:00:00Z'), observedGeneration: 2 ** 31,
  });
  return {
    observedGeneration: 2 ** 31, appliedSha256: 'f'.repeat(64), result: 'Failed', message: 'm'.repeat(4096), sessions: `${peerNames.length}/${peerNames.length}`,
    peers: peerNames.map((name) => ({ name, neighbor: 'f'.repeat(64), vrf: 'v'.repeat(15), bgpState: 'OpenConfirm' as const, bfdState: 'admin-down' as const, prefixesSent: 2 ** 31,
      // The adj-rib-out report at its largest: 32 missing IPv6 prefixes of the longest text.
      advertised: { planSha256: 'f'.repeat(64), expected: 2 ** 31, missingCount: 2 ** 31, missing: Array.from({ length: 32 }, () => 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128') } })),
    conditions: ['Applied', 'SessionsEstablished', 'Layer2AddressConflict'].map(condition),
  };
}

/** The worst node's plan as the operator writes it, and what its packed sections must unpack to. */
export interface WorstPlan {
  readonly plan: NodePlan;
  readonly prefixes: number;
  readonly l2: NodePlanSpecL2;
  readonly bgpServices: readonly NodePlanSpecBgpService[];
}

/** Runs the operator's plan pipeline (duties, announcements, rendering, packing) for node 0. */
export function worstPlanFor(o: PlanScaleOptions, namespace = 'metallb-system'): WorstPlan {
  const { scenario, nodes } = planScaleScenario(o);
  const config = configOf(scenario);
  const node = nodes[0]!;
  const l2Duties = l2DutiesFor({
    l2Advertisements: config.l2Advertisements, services: scenario.services.map(l2ServiceOf),
    nodes: nodes.map((n) => ({ name: nodeName(n.name), labels: n.labels, networkUnavailable: false })),
  }).get(nodeName(node.name));
  if (l2Duties === undefined) throw new Error('node 0 has no layer-2 duty');
  const announcements = announcementsFor(config, node, scenario.services);
  const d = desiredPlanFor({
    config, node, services: scenario.services, namespace, nodeUid: '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0',
    render: createFrrRenderer(loadFrrTemplates()), announcements, extra: { l2: l2Duties },
  });
  if (!d.ok) throw new Error(JSON.stringify(d.error));
  const { bgpServices } = bgpPlanFieldsFor(peersOnNode(config, node), announcements.announcements);
  return { plan: d.value.plan, prefixes: announcements.announcements.length, l2: l2Duties, bgpServices };
}
