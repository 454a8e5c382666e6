/**
 * BGPPeers → Peer (rules R1–R10; rule ids are listed in docs/validation.md).
 */
import type { V1Secret } from '@kubernetes/client-node';
import { parseIp } from '@metallb-ts/lib/ip/ip.ts';
import type { BGPPeer } from './cr-types.ts';
import { byName, nameOf, sinkFor, type Checked, type ConfigError, type ErrorSink } from './errors.ts';
import { durationField, secretPasswordFor, timersFor } from './peer-fields.ts';
import { selectorList } from './selectors.ts';
import type { ParsedIp, Peer } from './types.ts';

type Spec = BGPPeer['spec'];

/** A parsed peer with its CR (the same-node checks compare raw fields) and selector health. */
export interface ParsedPeer {
  /** The CR it came from. */
  readonly cr: BGPPeer;
  /** The parsed peer, built from the valid fields. */
  readonly peer: Peer;
  /** False when a node selector was invalid (the peer's node set is then unknown). */
  readonly selectorsValid: boolean;
}

/** R1–R3: local and remote AS numbers. */
function checkAsns(spec: Spec, sink: ErrorSink): void {
  const [mine, theirs, dynamic] = [spec.myASN ?? 0, spec.peerASN ?? 0, spec.dynamicASN ?? ''];
  if (mine === 0) sink.invalid('R1', 'spec.myASN', 'missing local ASN');
  if (theirs === 0 && dynamic === '') sink.invalid('R2', 'spec.peerASN', 'missing peer ASN and dynamicASN');
  if (theirs !== 0 && dynamic !== '') sink.invalid('R2', 'spec.dynamicASN', 'both peer ASN and dynamicASN specified');
  if (dynamic !== '' && dynamic !== 'internal' && dynamic !== 'external') {
    sink.invalid('R2', 'spec.dynamicASN', `invalid dynamicASN ${dynamic}`);
  }
  if (theirs === mine && spec.ebgpMultiHop === true) {
    sink.invalid('R3', 'spec.ebgpMultiHop', 'invalid ebgp-multihop parameter set for an ibgp peer');
  }
}

/** R4: exactly one of peerAddress / interface; no line breaks in names that reach frr.conf. */
function checkEndpoint(cr: BGPPeer, sink: ErrorSink): void {
  const { peerAddress = '', interface: iface = '', vrf = '' } = cr.spec;
  const who = `"${cr.metadata?.namespace ?? ''}"/"${nameOf(cr)}"`;
  if (peerAddress === '' && iface === '') sink.invalid('R4', 'spec.peerAddress', 'peer has no Address or Interface specified');
  if (peerAddress !== '' && iface !== '') sink.invalid('R4', 'spec.interface', 'peer has both Address and Interface specified');
  if (/[\n\r]/.test(iface)) sink.invalid('R4', 'spec.interface', `interface for peer ${who} contains invalid characters`);
  if (/[\n\r]/.test(vrf)) sink.invalid('R4', 'spec.vrf', `VRF name for peer ${who} contains invalid characters`);
}

/** R6: an optional IP field; reports text that is not an IP. */
function ipField(spec: Spec, key: 'peerAddress' | 'routerID' | 'sourceAddress', sink: ErrorSink): ParsedIp | undefined {
  const text = spec[key] ?? '';
  if (text === '') return undefined;
  const ip = parseIp(text);
  const what = { peerAddress: 'invalid BGPPeer address', routerID: 'invalid router ID', sourceAddress: 'invalid source IP' }[key];
  if (ip === undefined) sink.invalid('R6', `spec.${key}`, `${what} "${text}"`);
  return ip;
}

/** R8/R9: the inline password or the one resolved from the referenced Secret. */
function passwordFor(cr: BGPPeer, secrets: readonly V1Secret[], sink: ErrorSink): string | undefined {
  const { password = '', passwordSecret } = cr.spec;
  const who = `"${cr.metadata?.namespace ?? ''}"/"${nameOf(cr)}"`;
  const hasRef = (passwordSecret?.name ?? '') !== '';
  if (password !== '' && hasRef) {
    sink.invalid('R8', 'spec.password', `can not have both password and secret ref set in peer config ${who}`);
  }
  if (/[\n\r]/.test(password)) {
    sink.invalid('R8', 'spec.password', `password for peer ${who} contains invalid characters`);
    return undefined;
  }
  if (hasRef && password === '') return secretPasswordFor(cr, secrets, sink);
  return password === '' ? undefined : password;
}

/** Keeps only the fields that carry a value (unset, '' and 0 mean "not set" in these CRs). */
function present<T extends object>(o: T): { [K in keyof T]?: Exclude<T[K], undefined | null> } {
  const kept = Object.entries(o).filter(([, v]) => v !== undefined && v !== null && v !== '' && v !== 0);
  return Object.fromEntries(kept) as { [K in keyof T]?: Exclude<T[K], undefined | null> };
}

/** Parses one peer (R1–R10). */
function peerFromCr(cr: BGPPeer, profiles: ReadonlySet<string>, secrets: readonly V1Secret[], sink: ErrorSink): ParsedPeer {
  const spec = cr.spec;
  checkAsns(spec, sink);
  checkEndpoint(cr, sink);
  const nodes = selectorList(spec.nodeSelectors, { field: 'spec.nodeSelectors', label: 'nodeSelectors', rule: 'R7' },
    sink, (p) => `failed to convert peer ${nameOf(cr)} node selector: ${p}`);
  const bfd = spec.bfdProfile ?? '';
  if (bfd !== '' && !profiles.has(bfd)) {
    sink.transient('R10', 'spec.bfdProfile', `peer ${nameOf(cr)} referencing non existing bfd profile ${bfd}`);
  }
  const dynamic = spec.dynamicASN === 'internal' || spec.dynamicASN === 'external' ? spec.dynamicASN : undefined;
  const peer: Peer = {
    name: nameOf(cr), myASN: spec.myASN ?? 0, port: spec.peerPort ?? 179, nodeSelectors: nodes.selectors,
    ebgpMultiHop: spec.ebgpMultiHop ?? false, vrf: spec.vrf ?? '', enableGracefulRestart: spec.enableGracefulRestart ?? false,
    dualStackAddressFamily: spec.dualStackAddressFamily ?? false,
    ...timersFor(spec, sink),
    ...present({
      peerASN: spec.peerASN, dynamicASN: dynamic, localASN: spec.localASN, interface: spec.interface,
      address: ipField(spec, 'peerAddress', sink), routerID: ipField(spec, 'routerID', sink),
      sourceAddress: ipField(spec, 'sourceAddress', sink), connectTimeMs: durationField(spec, 'connectTime', sink),
      password: passwordFor(cr, secrets, sink), bfdProfile: bfd,
    }),
  };
  return { cr, peer, selectorsValid: nodes.valid };
}

/** Parses all peers (R1–R10) against the known BFD profile names and Secrets. */
export function peersFor(crs: readonly BGPPeer[], profiles: ReadonlySet<string>, secrets: readonly V1Secret[]): Checked<ParsedPeer[]> {
  const errors: ConfigError[] = [];
  const peers = byName(crs).map((cr) => peerFromCr(cr, profiles, secrets, sinkFor({ kind: 'BGPPeer', name: nameOf(cr) }, errors)));
  return { value: peers, errors };
}
