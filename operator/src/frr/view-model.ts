/**
 * `frrViewFor`: the validated Config + one node's announcements → the FRR view of that node's
 * frr.conf. Every CR string that reaches the file is checked against grammar.ts first; passwords
 * become placeholders (the speaker fills them in from the node's password Secret).
 */
import { err, ok, type Result } from '@metallb-ts/lib/result.ts';
import type { BfdProfile, Config, IpFamily, Peer } from '../config/types.ts';
import { peersOnNode, type Announcement, type NodeFacts } from './announcements.ts';
import { checkFrrString, type FrrStringKind, type FrrStringProblem } from './grammar.ts';
import { familiesOf, neighborViewFor, type NeighborView } from './neighbor-view.ts';
import { prefixClassesFor, type PrefixClass, type PrefixClassMemo } from './prefix-classes.ts';
import type { AddressFamilyView, BfdProfileView, FrrView, RouterView } from './view-types.ts';

/** Inputs of {@link frrViewFor}. */
export interface FrrViewInput {
  /** The validated configuration. */
  readonly config: Config;
  /** The node the view is for. */
  readonly node: NodeFacts;
  /** What the node advertises (announcementsFor), sorted by prefix. */
  readonly announcements: readonly Announcement[];
  /** FRR log level word for `log stdout` (default `informational`). */
  readonly logLevel?: 'debugging' | 'informational' | 'warnings' | 'errors' | 'emergencies';
  /** The node's per-prefix results of the last call (same Config and node only; see PrefixClassMemo). */
  readonly memo?: PrefixClassMemo;
}

/** Why no view could be built. */
export type FrrViewError =
  | { readonly kind: 'invalidString'; readonly problems: readonly FrrStringProblem[] }
  | { readonly kind: 'routerConflict'; readonly vrf: string; readonly message: string };

/** Every string of the node, its peers and the BFD profiles, against its grammar. */
function stringProblems(node: NodeFacts, peers: readonly Peer[], profiles: readonly BfdProfile[]): FrrStringProblem[] {
  const checks: [FrrStringKind, string | undefined, string][] = [
    ['nodeName', node.name, 'Node metadata.name'],
    ...peers.flatMap((p): [FrrStringKind, string | undefined, string][] => [
      ['interface', p.interface, `BGPPeer ${p.name} spec.interface`],
      ['vrf', p.vrf === '' ? undefined : p.vrf, `BGPPeer ${p.name} spec.vrf`],
      ['bfdProfile', p.bfdProfile, `BGPPeer ${p.name} spec.bfdProfile`],
      ['password', p.password, `BGPPeer ${p.name} password`],
    ]),
    ...profiles.map((b): [FrrStringKind, string, string] => ['bfdProfile', b.name, `BFDProfile ${b.name} metadata.name`]),
  ];
  return checks.flatMap(([kind, value, where]) => {
    if (value === undefined) return [];
    const r = checkFrrString(kind, value, where);
    return r.ok ? [] : [r.error];
  });
}

/** The statements of one BFD profile; unset fields are left to FRR's defaults. */
function bfdProfileView(b: BfdProfile): BfdProfileView {
  const lines: string[] = [];
  if (b.receiveIntervalMs !== undefined) lines.push(`receive-interval ${b.receiveIntervalMs}`);
  if (b.transmitIntervalMs !== undefined) lines.push(`transmit-interval ${b.transmitIntervalMs}`);
  if (b.detectMultiplier !== undefined) lines.push(`detect-multiplier ${b.detectMultiplier}`);
  if (b.echoMode) lines.push('echo-mode');
  if (b.echoIntervalMs !== undefined) lines.push(`echo receive-interval ${b.echoIntervalMs}`, `echo transmit-interval ${b.echoIntervalMs}`);
  if (b.passiveMode) lines.push('passive-mode');
  if (b.minimumTtl !== undefined) lines.push(`minimum-ttl ${b.minimumTtl}`);
  return { name: b.name, lines };
}

/** One `router bgp` for the peers of one VRF (F1 guarantees they share myASN and routerID). */
function routerView(vrf: string, peers: readonly Peer[], neighbors: readonly NeighborView[], classes: readonly PrefixClass[], anns: readonly Announcement[]): Result<RouterView, FrrViewError> {
  const [first] = peers;
  if (first === undefined) return err({ kind: 'routerConflict', vrf, message: 'no peers' });
  const clash = peers.find((p) => p.myASN !== first.myASN || p.routerID?.text !== first.routerID?.text);
  if (clash !== undefined) {
    return err({ kind: 'routerConflict', vrf, message: `peers ${first.name} and ${clash.name} share a node and VRF "${vrf}" but differ in myASN or routerID` });
  }
  const names = new Set(peers.map((p) => p.name));
  const lines = [
    ...(first.routerID === undefined ? [] : [`bgp router-id ${first.routerID.text}`]),
    'no bgp ebgp-requires-policy', 'no bgp network import-check', 'no bgp default ipv4-unicast',
    'bgp graceful-restart preserve-fw-state', ...neighbors.flatMap((n) => n.session),
  ];
  const addressFamilies: AddressFamilyView[] = [];
  for (const f of ['ipv4', 'ipv6'] as const satisfies readonly IpFamily[]) {
    const sent = new Set(classes.filter((c) => c.family === f && c.peers.some((p) => names.has(p))).flatMap((c) => c.prefixes));
    const networks: string[] = [];
    for (const a of anns) {
      // Announcements are sorted by prefix: a repeated prefix is always the last one added.
      if (sent.has(a.prefix.text) && networks[networks.length - 1] !== a.prefix.text) networks.push(a.prefix.text);
    }
    const afLines = [...networks.map((p) => `network ${p}`), ...neighbors.flatMap((n) => n.families.get(f) ?? [])];
    if (afLines.length > 0) addressFamilies.push({ name: `${f} unicast`, lines: afLines });
  }
  return ok({ header: `router bgp ${first.myASN}${vrf === '' ? '' : ` vrf ${vrf}`}`, lines, addressFamilies });
}

const byKey = <T>(key: (t: T) => string) => (a: T, b: T): number => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

/** Builds the FRR view of one node: routers per VRF, filters per neighbor, BFD profiles. */
export function frrViewFor(input: FrrViewInput): Result<FrrView, FrrViewError> {
  const { config, node, announcements } = input;
  const peers = peersOnNode(config, node);
  const problems = stringProblems(node, peers, config.bfdProfiles);
  if (problems.length > 0) return err({ kind: 'invalidString', problems });
  const vrfs = [...new Set(peers.map((p) => p.vrf))].sort();
  const classes = prefixClassesFor(announcements, peers, familiesOf, input.memo);
  const routers: RouterView[] = [];
  const neighbors: NeighborView[] = [];
  for (const vrf of vrfs) {
    const inVrf = peers.filter((p) => p.vrf === vrf);
    const views = inVrf.map((p) => neighborViewFor(p, classes)).sort(byKey((n) => n.id));
    const r = routerView(vrf, inVrf, views, classes, announcements);
    if (!r.ok) return r;
    routers.push(r.value);
    neighbors.push(...views);
  }
  return ok({
    hostname: node.name,
    logLevel: input.logLevel ?? 'informational',
    prefixLists: classes.map((c) => ({ family: c.family === 'ipv4' ? 'ip' : 'ipv6', name: c.name, entries: c.prefixes.map((p, i) => `seq ${i + 1} permit ${p}`) })),
    routeMaps: neighbors.flatMap((n) => n.routeMaps).sort(byKey((m) => m.name)),
    routers,
    bfdProfiles: config.bfdProfiles.map(bfdProfileView),
    passwords: neighbors.flatMap((n) => (n.password === undefined ? [] : [n.password])).sort(byKey((p) => p.key)),
  });
}

/** The node's password Secret data (key → password): written by the shell, never in a plan. */
export function passwordSecretDataFor(config: Config, node: NodeFacts): Record<string, string> {
  return Object.fromEntries(peersOnNode(config, node).flatMap((p) => (p.password === undefined ? [] : [[p.name, p.password]])));
}
