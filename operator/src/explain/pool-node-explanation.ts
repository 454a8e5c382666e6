/**
 * `explain pool` (addresses, usage and the Services holding them after the operator's replay,
 * the advertisements selecting it) and `explain node` (its facts, its NodePlan and what the
 * speaker reported, the prefixes it announces per announcementsFor, the VIPs it is eligible
 * for and the ones it holds). Pure, over a snapshot (snapshot.ts).
 */
import { formatIp } from '@metallb-ts/lib/ip/ip.ts';
import { announcementsFor } from '../frr/announcements.ts';
import { nodeFactsFrom, serviceFactsOf } from '../plan/plan-inputs.ts';
import { replay, type ClusterSnapshot } from './snapshot.ts';

/** The `explain pool` document. */
export interface PoolExplanation {
  readonly pool: string;
  readonly found: boolean;
  readonly addresses: readonly string[];
  readonly autoAssign?: boolean;
  readonly serviceAllocation?: boolean;
  /** Addresses in use / free per family (decimal strings). */
  readonly usage?: Readonly<Record<string, string>>;
  readonly services: readonly { readonly service: string; readonly ips: readonly string[] }[];
  readonly bgpAdvertisements: readonly string[];
  readonly l2Advertisements: readonly string[];
  readonly configErrors: readonly string[];
}

/** Explains one pool. */
export function explainPool(s: ClusterSnapshot, name: string): PoolExplanation {
  const r = replay(s);
  const pool = r.config?.pools.find((p) => p.name === name);
  const errors = r.configErrors.map((e) => `${e.object.kind}/${e.object.name} ${e.field}: ${e.message}`);
  if (r.config === undefined || pool === undefined) return { pool: name, found: false, addresses: [], services: [], bgpAdvertisements: [], l2Advertisements: [], configErrors: errors };
  const c = r.allocator.counters(name);
  const services = r.allocator.services().filter((k) => r.allocator.poolOf(k) === name).sort()
    .map((k) => ({ service: k as string, ips: (r.allocator.ipsOf(k) ?? []).map((ip) => formatIp(ip.family, ip.value)) }));
  return {
    pool: name, found: true, addresses: pool.cidrs.map((x) => x.text), autoAssign: pool.autoAssign, serviceAllocation: pool.serviceAllocation !== undefined,
    ...(c === undefined ? {} : { usage: { assignedIPv4: `${c.assignedIPv4}`, availableIPv4: `${c.availableIPv4}`, assignedIPv6: `${c.assignedIPv6}`, availableIPv6: `${c.availableIPv6}` } }),
    services,
    bgpAdvertisements: r.config.bgpAdvertisements.filter((a) => a.pools.includes(name)).map((a) => a.name),
    l2Advertisements: r.config.l2Advertisements.filter((a) => a.pools.includes(name)).map((a) => a.name),
    configErrors: errors,
  };
}

/** The `explain node` document. */
export interface NodeExplanation {
  readonly node: string;
  readonly found: boolean;
  readonly labels: Readonly<Record<string, string>>;
  readonly networkUnavailable: boolean;
  readonly excluded: boolean;
  readonly plan?: { readonly wanted: string; readonly applied: string; readonly result: string; readonly message: string; readonly sessions: string };
  readonly peers: readonly {
    readonly name: string; readonly bgpState: string; readonly bfdState?: string; readonly prefixesSent?: number;
    /** The adj-rib-out against the plan, as the speaker reported it. */
    readonly advertised?: { readonly current: boolean; readonly expected: number; readonly missingCount: number; readonly missing: readonly string[] };
  }[];
  /** Prefix → BGPPeers, from the same code that renders the node's frr.conf. */
  readonly announcements: readonly { readonly service: string; readonly prefix: string; readonly peers: readonly string[] }[];
  /** VIPs its plan lets it answer ARP/NDP for. */
  readonly l2Eligible: readonly string[];
  /** Services it reports announcing in layer 2 (ServiceL2Status). */
  readonly l2Held: readonly string[];
  readonly skipped: readonly { readonly service: string; readonly reason: string }[];
}

/** Explains one node. */
export function explainNode(s: ClusterSnapshot, name: string): NodeExplanation {
  const r = replay(s);
  const node = s.resources.nodes.find((n) => n.metadata?.name === name);
  const facts = nodeFactsFrom(node ?? { metadata: { name } });
  const plan = s.plans.find((p) => p.spec.nodeName === name);
  const base = {
    node: name, found: node !== undefined, labels: facts.labels, networkUnavailable: facts.networkUnavailable, excluded: facts.excludedFromLoadBalancers,
    peers: (plan?.status?.peers ?? []).map((p) => ({
      name: p.name, bgpState: p.bgpState, ...(p.bfdState === undefined ? {} : { bfdState: p.bfdState }), ...(p.prefixesSent === undefined ? {} : { prefixesSent: p.prefixesSent }),
      ...(p.advertised === undefined ? {} : { advertised: {
        current: p.advertised.planSha256 === plan?.spec.frr.sha256, expected: p.advertised.expected, missingCount: p.advertised.missingCount, missing: p.advertised.missing ?? [],
      } }),
    })),
    l2Eligible: (plan?.spec.l2?.vips ?? []).map((v) => v.ip),
    l2Held: s.l2Statuses.filter((x) => x.status?.node === name).map((x) => `${x.status?.serviceNamespace ?? ''}/${x.status?.serviceName ?? ''}`).sort(),
    ...(plan === undefined ? {} : { plan: {
      wanted: plan.spec.frr.sha256, applied: plan.status?.appliedSha256 ?? '', result: plan.status?.result ?? '', message: plan.status?.message ?? '', sessions: plan.status?.sessions ?? '',
    } }),
  };
  if (r.config === undefined) return { ...base, announcements: [], skipped: [] };
  const services = serviceFactsOf(s.services, s.slices, { pools: r.config.pools, ...(s.lbClass === undefined ? {} : { lbClass: s.lbClass }) });
  const a = announcementsFor(r.config, facts, services);
  return {
    ...base,
    announcements: a.announcements.map((x) => ({ service: x.service, prefix: x.prefix.text, peers: x.peers })),
    skipped: [...a.skipped].map(([service, reason]) => ({ service, reason })).sort((x, y) => (x.service < y.service ? -1 : 1)),
  };
}

/** The transcript of `explain pool`. */
export function poolText(e: PoolExplanation): string[] {
  if (!e.found) return [`IPAddressPool ${e.pool}: not in the configuration${e.configErrors.length > 0 ? ' (the configuration is invalid)' : ''}`, ...e.configErrors.map((x) => `  ${x}`)];
  const u = e.usage ?? {};
  return [
    `IPAddressPool ${e.pool}`,
    `  addresses: ${e.addresses.join(', ')}`,
    `  autoAssign: ${String(e.autoAssign)}; serviceAllocation: ${e.serviceAllocation === true ? 'set' : 'none'}`,
    `  in use: IPv4 ${u['assignedIPv4'] ?? '0'} (free ${u['availableIPv4'] ?? '0'}), IPv6 ${u['assignedIPv6'] ?? '0'} (free ${u['availableIPv6'] ?? '0'})`,
    `  BGPAdvertisements: ${e.bgpAdvertisements.join(', ') || '(none)'}`,
    `  L2Advertisements: ${e.l2Advertisements.join(', ') || '(none)'}`,
    `  Services (${e.services.length}):`,
    ...e.services.map((x) => `    ${x.service}  ${x.ips.join(', ')}`),
  ];
}

/** The transcript of `explain node`. */
export function nodeText(e: NodeExplanation): string[] {
  const out = [`Node ${e.node}${e.found ? '' : ' (no such Node)'}`];
  out.push(`  NetworkUnavailable: ${String(e.networkUnavailable)}; excluded from load balancers: ${String(e.excluded)}`);
  if (e.plan === undefined) out.push('  NodePlan: none');
  else {
    const state = e.plan.applied === '' ? 'not applied yet' : e.plan.applied === e.plan.wanted ? 'applied' : 'an older plan is applied';
    out.push(`  NodePlan: ${state}; result ${e.plan.result || '(none)'}${e.plan.message === '' ? '' : ` (${e.plan.message})`}; sessions ${e.plan.sessions || '(none)'}`);
  }
  for (const p of e.peers) out.push(`  BGPPeer ${p.name}: ${p.bgpState}${p.bfdState === undefined ? '' : `, BFD ${p.bfdState}`}${p.prefixesSent === undefined ? '' : `, ${p.prefixesSent} prefixes sent`}${adjText(p.advertised)}`);
  out.push(`  announces over BGP (${e.announcements.length}):`, ...e.announcements.map((a) => `    ${a.prefix} (${a.service}) -> ${a.peers.join(', ')}`));
  out.push(`  layer 2: eligible for ${e.l2Eligible.join(', ') || '(none)'}; announcing ${e.l2Held.join(', ') || '(none)'}`);
  if (e.skipped.length > 0) out.push('  not announced here:', ...e.skipped.map((x) => `    ${x.service}: ${x.reason}`));
  return out;
}

/** A peer's adj-rib-out report, in words. */
function adjText(a: NodeExplanation['peers'][number]['advertised']): string {
  if (a === undefined) return '';
  const of = a.current ? '' : ' (of an older plan)';
  if (a.missingCount === 0) return `; adj-rib-out: all ${a.expected} planned prefixes${of}`;
  return `; adj-rib-out: ${a.missingCount} of ${a.expected} planned prefixes missing${of}: ${a.missing.join(', ')}${a.missingCount > a.missing.length ? ', …' : ''}`;
}
