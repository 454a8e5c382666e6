/**
 * The responder's port to the wire: raw Ethernet frames in and out of one interface. Owned by
 * the responder; {@link openPcapFrameIo} implements it with libpcap, tests with a fake.
 */

/** Raw frames on one interface. */
export interface FrameIo {
  /**
   * Registers the handler for captured frames. The bytes are only valid during the call (the
   * capture buffer is reused): decode synchronously, copy to keep.
   */
  onFrame(handler: (frame: Uint8Array) => void): void;
  /** Sends one complete Ethernet frame; throws a {@link FrameIoError} when the send fails. */
  send(frame: Uint8Array): void;
  /** Stops capturing and releases the interface. Idempotent. */
  close(): void;
}

/** Opens capture on `iface` with a BPF `filter` (tcpdump syntax). */
export type OpenFrameIo = (iface: string, filter: string) => FrameIo;

/** A raw-frame operation failed (open, send). */
export class FrameIoError extends Error {
  /** Stable code: which operation failed. */
  readonly code: 'frame-io-open' | 'frame-io-send';

  constructor(code: 'frame-io-open' | 'frame-io-send', message: string, cause?: unknown) {
    super(message, { cause });
    this.name = 'FrameIoError';
    this.code = code;
  }
}

/** The capture filter for the responder: ARP, and ICMPv6 NS/NA without extension headers, not sent by `ownMac`. */
export function responderFilter(ownMac: string): string {
  return `(arp or (icmp6 and (ip6[40] == 135 or ip6[40] == 136))) and not ether src ${ownMac}`;
}
