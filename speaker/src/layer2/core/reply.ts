/**
 * The responder's decision for one captured frame, with MetalLB's rules (metallb-behaviour.md
 * §4.4): answer ARP requests whose Ethernet destination is broadcast or our MAC, and Neighbor
 * Solicitations that carry a source link-layer address, for addresses we announce on this
 * interface only. Beyond MetalLB, an address we announce is defended against duplicate-address
 * detection (RFC 4861 §7.2.4: a solicitation from `::` gets an NA to all-nodes), as the ARP
 * probe from 0.0.0.0 already is: a peer of ours probing for a VIP we hold (a split brain being
 * rechecked, see responder.ts) then finds us for IPv6 as it does for IPv4. Pure: the caller
 * sends the frame and counts.
 */
import { ARP_REPLY, ARP_REQUEST } from '../codec/arp.ts';
import { BROADCAST_MAC } from '../codec/addr.ts';
import { ZERO_IPV6 } from '../codec/addr.ts';
import { encodeArpFrame, encodeNdpFrame, type ArpFrame, type L2Frame, type NdpFrame } from '../codec/frame.ts';
import { gratuitousFrames } from './announce-frames.ts';

/** The interface a frame arrived on, as the decision needs it. */
export interface ReplyInterface {
  /** Interface MAC, lower case. */
  readonly mac: string;
  /** True when this node announces `ip` on this interface right now. */
  owns(ip: string): boolean;
}

/** Why a frame gets no answer. */
export type DropReason =
  | 'own-frame' | 'not-a-request' | 'ethernet-destination' | 'gratuitous' | 'not-owned'
  | 'no-source-link-address' | 'hop-limit';

/** What to do with one frame. */
export type ReplyDecision =
  | {
      /** Send `frame` back. */
      readonly kind: 'reply';
      /** The owned address that was asked for (metric label). */
      readonly ip: string;
      /** The encoded answer. */
      readonly frame: Uint8Array;
    }
  | {
      /** Send nothing. */
      readonly kind: 'drop';
      /** Why. */
      readonly reason: DropReason;
    };

const drop = (reason: DropReason): ReplyDecision => ({ kind: 'drop', reason });

/** Decides the answer to `frame` received on `iface`. */
export function replyTo(frame: L2Frame, iface: ReplyInterface): ReplyDecision {
  if (frame.eth.src === iface.mac) return drop('own-frame');
  return frame.kind === 'arp' ? arpReply(frame, iface) : ndpReply(frame, iface);
}

function arpReply(f: ArpFrame, iface: ReplyInterface): ReplyDecision {
  const { arp } = f;
  if (arp.op !== ARP_REQUEST) return drop('not-a-request');
  if (f.eth.dst !== BROADCAST_MAC && f.eth.dst !== iface.mac) return drop('ethernet-destination');
  // Someone announcing the address itself is not asking for it (and may be a conflict).
  if (arp.senderIp === arp.targetIp) return drop('gratuitous');
  if (!iface.owns(arp.targetIp)) return drop('not-owned');
  const frame = encodeArpFrame({ dst: arp.senderMac, src: iface.mac }, {
    op: ARP_REPLY, senderMac: iface.mac, senderIp: arp.targetIp, targetMac: arp.senderMac, targetIp: arp.senderIp,
  });
  return { kind: 'reply', ip: arp.targetIp, frame };
}

function ndpReply(f: NdpFrame, iface: ReplyInterface): ReplyDecision {
  const { ndp } = f;
  if (ndp.type !== 'ns') return drop('not-a-request');
  // RFC 4861 §7.1.1: a solicitation that may have crossed a router is invalid.
  if (f.ip.hopLimit !== 255) return drop('hop-limit');
  if (!isOursOrMulticast(f.eth.dst, iface.mac)) return drop('ethernet-destination');
  if (ndp.sourceLinkAddr === undefined) {
    // Duplicate-address detection for an address we hold: defend it (to all-nodes, Override set).
    if (f.ip.src === ZERO_IPV6 && iface.owns(ndp.target)) return { kind: 'reply', ip: ndp.target, frame: gratuitousFrames(ndp.target, iface.mac)[0]! };
    // Otherwise MetalLB answers only solicitations that say where to send the answer.
    return drop('no-source-link-address');
  }
  if (!iface.owns(ndp.target)) return drop('not-owned');
  // Source = the advertised address itself: the client kernel accepts it, and so do tools
  // (ndisc6) that ignore an answer from a link-local source (test-infra.md §5.2).
  const frame = encodeNdpFrame({ dst: ndp.sourceLinkAddr, src: iface.mac }, { src: ndp.target, dst: f.ip.src }, {
    type: 'na', router: false, solicited: true, override: false, target: ndp.target, targetLinkAddr: iface.mac,
  });
  return { kind: 'reply', ip: ndp.target, frame };
}

/** IPv6 multicast MACs start 33:33; a solicitation may also be unicast to us. */
function isOursOrMulticast(dst: string, own: string): boolean {
  return dst === own || dst.startsWith('33:33:');
}
