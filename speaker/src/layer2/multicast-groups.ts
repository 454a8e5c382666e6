/**
 * Reference-counted membership of IPv6 solicited-node multicast groups, through a UDP socket's
 * IPV6_JOIN_GROUP: the kernel adds the group to the NIC's multicast filter and sends MLD reports,
 * so MLD-snooping switches forward solicitations for the VIP to this port. (The pcap capture is
 * promiscuous and sees them on a plain bridge either way; test-infra.md §5.2.)
 */
import { createSocket, type Socket } from 'node:dgram';

/** The port the responder uses to join/leave groups on an interface. */
export interface MulticastGroups {
  /** Joins `group` on `iface` (counted: the second join only increments). */
  join(iface: string, group: string): void;
  /** Leaves once per join; the last leave drops the membership. */
  leave(iface: string, group: string): void;
  /** Drops every membership. */
  close(): void;
}

/** Memberships through one bound udp6 socket. */
export async function openMulticastGroups(): Promise<MulticastGroups> {
  const socket: Socket = createSocket({ type: 'udp6', reuseAddr: true });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '::', () => resolve());
  });
  const counts = new Map<string, number>();
  const key = (iface: string, group: string): string => `${group}%${iface}`;
  return {
    join(iface, group) {
      const k = key(iface, group);
      const n = counts.get(k) ?? 0;
      if (n === 0) socket.addMembership(group, `::%${iface}`);
      counts.set(k, n + 1);
    },
    leave(iface, group) {
      const k = key(iface, group);
      const n = counts.get(k) ?? 0;
      if (n === 1) socket.dropMembership(group, `::%${iface}`);
      if (n <= 1) counts.delete(k);
      else counts.set(k, n - 1);
    },
    close() {
      counts.clear();
      socket.close();
    },
  };
}
