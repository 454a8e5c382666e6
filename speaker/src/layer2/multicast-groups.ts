/**
 * Reference-counted membership of IPv6 solicited-node multicast groups, through UDP sockets'
 * IPV6_JOIN_GROUP: the kernel adds the group to the NIC's multicast filter and sends MLD reports,
 * so MLD-snooping switches forward solicitations for the VIP to this port. (The pcap capture is
 * promiscuous and sees them on a plain bridge either way; test-infra.md §5.2.) A socket's
 * memberships are bounded by net.core.optmem_max, so groups are spread over sockets of
 * {@link GROUPS_PER_SOCKET} each.
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

/** Memberships per socket: well under the default optmem_max (20 KiB) at ~100 bytes each. */
export const GROUPS_PER_SOCKET = 64;

interface GroupSocket {
  readonly socket: Socket;
  /** Settles once bound: memberships need a bound socket. */
  readonly bound: Promise<void>;
  used: number;
}

interface Membership {
  count: number;
  readonly at: GroupSocket;
}

/**
 * Memberships through udp6 sockets, opened and bound as needed; a join on a socket still
 * binding is applied once it is bound. Failures go to `onError` (the capture still sees the
 * solicitations on a bridge without MLD snooping), never thrown into the responder.
 */
export function openMulticastGroups(onError: (e: Error) => void): MulticastGroups {
  const sockets: GroupSocket[] = [];
  const members = new Map<string, Membership>();
  const socketWithRoom = (): GroupSocket => {
    const free = sockets.find((s) => s.used < GROUPS_PER_SOCKET);
    if (free !== undefined) return free;
    const socket = createSocket({ type: 'udp6' });
    socket.on('error', onError);
    const bound = new Promise<void>((resolve) => socket.bind({ port: 0, address: '::' }, resolve));
    const s = { socket, bound, used: 0 };
    sockets.push(s);
    return s;
  };
  const apply = (at: GroupSocket, op: (s: Socket) => void): void => {
    void at.bound.then(() => {
      try {
        op(at.socket);
      } catch (e) {
        onError(e as Error);
      }
    });
  };
  return {
    join(iface, group) {
      const key = `${group}%${iface}`;
      const m = members.get(key);
      if (m !== undefined) {
        m.count++;
        return;
      }
      const at = socketWithRoom();
      at.used++;
      members.set(key, { count: 1, at });
      apply(at, (s) => s.addMembership(group, `::%${iface}`));
    },
    leave(iface, group) {
      const key = `${group}%${iface}`;
      const m = members.get(key);
      if (m === undefined || --m.count > 0) return;
      members.delete(key);
      m.at.used--;
      apply(m.at, (s) => s.dropMembership(group, `::%${iface}`));
    },
    close() {
      members.clear();
      for (const s of sockets.splice(0)) s.socket.close();
    },
  };
}
