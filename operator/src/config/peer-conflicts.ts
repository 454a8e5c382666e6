/**
 * Rule F1 (FRR modes): peers whose sessions can land on the same node share one bgpd, so they
 * must share the routerID, must not repeat a peer identifier, and must share myASN per VRF.
 */
import { sinkFor, type ConfigError } from './errors.ts';
import type { ParsedPeer } from './peers.ts';
import type { NodeOverlap } from './selectors.ts';

/** Address or interface, suffixed with the VRF: what FRR keys a neighbor on. */
function identifier(p: ParsedPeer): string {
  const { peerAddress = '', interface: iface = '', vrf = '' } = p.cr.spec;
  const id = peerAddress !== '' ? peerAddress : iface;
  return id === '' ? '' : `${id}-${vrf}`;
}

/** Whether two peers can run on a common node. */
type SharesNode = (a: ParsedPeer, b: ParsedPeer) => boolean;

/** The first earlier peer (sharing a node with `b`) for which `conflict` holds. */
function firstClash(b: ParsedPeer, earlier: readonly ParsedPeer[], shares: SharesNode, conflict: (a: ParsedPeer) => boolean) {
  return earlier.find((a) => conflict(a) && shares(a, b));
}

/** Checks one peer against the peers sorted before it; reports on the later one. */
function checkPeer(b: ParsedPeer, earlier: readonly ParsedPeer[], shares: SharesNode, errors: ConfigError[]): void {
  const sink = sinkFor({ kind: 'BGPPeer', name: b.peer.name }, errors);
  const rid = (p: ParsedPeer): string => p.cr.spec.routerID ?? '';
  const r = firstClash(b, earlier, shares, (a) => rid(a) !== rid(b));
  if (r !== undefined) {
    sink.invalid('F1', 'spec.routerID', `peer ${b.peer.name} has RouterID "${rid(b)}" different from "${rid(r)}" of peer ${r.peer.name}, in FRR mode all RouterID must be equal`);
  }
  const id = identifier(b);
  const d = firstClash(b, earlier, shares, (a) => id !== '' && identifier(a) === id);
  if (d !== undefined) {
    const { peerAddress = '', interface: iface = '' } = b.cr.spec;
    const [field, shown] = peerAddress !== '' ? ['spec.peerAddress', peerAddress] : ['spec.interface', iface];
    sink.invalid('F1', field, `peer ${shown} already exists (BGPPeer ${d.peer.name}), FRR mode doesn't support duplicate BGPPeers`);
  }
  const m = firstClash(b, earlier, shares, (a) => a.peer.vrf === b.peer.vrf && a.peer.myASN !== b.peer.myASN);
  if (m !== undefined) {
    sink.invalid('F1', 'spec.myASN', `peer ${b.peer.name} has myAsn ${b.peer.myASN} different from ${m.peer.myASN} of peer ${m.peer.name}, in FRR mode all myAsn must be equal for the same VRF`);
  }
}

/** Runs F1 over all peers (sorted by name); peers with invalid node selectors are skipped. */
export function peerConflicts(peers: readonly ParsedPeer[], overlap: NodeOverlap): ConfigError[] {
  const errors: ConfigError[] = [];
  const shares: SharesNode = (a, b) => overlap(a.peer.nodeSelectors, b.peer.nodeSelectors);
  const checkable = peers.filter((p) => p.selectorsValid);
  checkable.forEach((b, j) => checkPeer(b, checkable.slice(0, j), shares, errors));
  return errors;
}
