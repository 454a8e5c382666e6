/**
 * Address claims seen on the wire: which MAC a frame says holds which IP. Another MAC claiming
 * an address this node probes for or announces is an address conflict. Pure.
 */
import { ZERO_IPV4, ZERO_IPV6 } from '../codec/addr.ts';
import type { L2Frame } from '../codec/frame.ts';

/** "`ip` is at `mac`", as asserted by one frame. */
export interface Claim {
  /** The claimed address. */
  readonly ip: string;
  /** The MAC claiming it. */
  readonly mac: string;
}

/**
 * The claim a frame makes, if any: an ARP packet's sender binding (not a probe's 0.0.0.0), a
 * Neighbor Advertisement's target (its target link-layer option, else the Ethernet source), or
 * a solicitation sent from the address with a source link-layer option.
 */
export function claimOf(f: L2Frame): Claim | undefined {
  if (f.kind === 'arp') return f.arp.senderIp === ZERO_IPV4 ? undefined : { ip: f.arp.senderIp, mac: f.arp.senderMac };
  if (f.ndp.type === 'na') return { ip: f.ndp.target, mac: f.ndp.targetLinkAddr ?? f.eth.src };
  if (f.ip.src === ZERO_IPV6) return undefined;
  return { ip: f.ip.src, mac: f.ndp.sourceLinkAddr ?? f.eth.src };
}

/** The claim of `f` when it is a conflict: an address in `watched` held by a MAC not in `ownMacs`. */
export function conflictingClaim(f: L2Frame, watched: (ip: string) => boolean, ownMacs: ReadonlySet<string>): Claim | undefined {
  const c = claimOf(f);
  return c !== undefined && watched(c.ip) && !ownMacs.has(c.mac) ? c : undefined;
}
