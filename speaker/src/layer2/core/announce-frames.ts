/**
 * Frames this node sends on its own: gratuitous announcements on takeover (MetalLB's: an ARP
 * request and an ARP reply, both broadcast with sender = target = VIP; an unsolicited NA to
 * ff02::1 with Override set) and address-conflict probes (RFC 5227 ARP probe from 0.0.0.0; an
 * RFC 4862 duplicate-address-detection NS from ::). Pure.
 */
import { ALL_NODES_IPV6, BROADCAST_MAC, ipv6MulticastMac, solicitedNodeGroup, ZERO_IPV4, ZERO_IPV6, ZERO_MAC } from '../codec/addr.ts';
import { ARP_REPLY, ARP_REQUEST } from '../codec/arp.ts';
import { encodeArpFrame, encodeNdpFrame } from '../codec/frame.ts';

/** True for IPv6 text. */
export const isIpv6 = (ip: string): boolean => ip.includes(':');

/** The gratuitous frames announcing that `ip` is at `mac`. */
export function gratuitousFrames(ip: string, mac: string): Uint8Array[] {
  if (isIpv6(ip)) {
    return [encodeNdpFrame({ dst: ipv6MulticastMac(ALL_NODES_IPV6), src: mac }, { src: ip, dst: ALL_NODES_IPV6 }, {
      type: 'na', router: false, solicited: false, override: true, target: ip, targetLinkAddr: mac,
    })];
  }
  return ([ARP_REQUEST, ARP_REPLY] as const).map((op) => encodeArpFrame({ dst: BROADCAST_MAC, src: mac }, {
    op, senderMac: mac, senderIp: ip, targetMac: BROADCAST_MAC, targetIp: ip,
  }));
}

/** The probe asking whether anyone already uses `ip`, sent from `mac`. */
export function probeFrame(ip: string, mac: string): Uint8Array {
  if (isIpv6(ip)) {
    const group = solicitedNodeGroup(ip);
    return encodeNdpFrame({ dst: ipv6MulticastMac(group), src: mac }, { src: ZERO_IPV6, dst: group }, { type: 'ns', target: ip });
  }
  return encodeArpFrame({ dst: BROADCAST_MAC, src: mac }, {
    op: ARP_REQUEST, senderMac: mac, senderIp: ZERO_IPV4, targetMac: ZERO_MAC, targetIp: ip,
  });
}
