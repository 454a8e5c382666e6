/**
 * {@link FrameIo} over libpcap through the `cap` addon: promiscuous, immediate-mode capture on
 * one interface, `pcap_sendpacket` to send. Needs CAP_NET_RAW and must run in the interface's
 * network namespace.
 */
import { createRequire } from 'node:module';
import { FrameIoError, type FrameIo } from './frame-io.ts';

/** The part of `cap`'s native `Cap` class this module uses (the package has no types). */
interface NativeCap {
  open(device: string, filter: string, bufSize: number, buffer: Buffer): string;
  setMinBytes?(n: number): void;
  on(event: 'packet', fn: (nbytes: number, truncated: boolean) => void): void;
  send(buffer: Buffer, length: number): void;
  close(): void;
}

const require = createRequire(import.meta.url);
const { Cap } = require('cap') as { Cap: new () => NativeCap };

/** Kernel ring for captured frames; ARP/NDP bursts are small. */
const RING_BYTES = 4 * 1024 * 1024;
/** Largest frame handed to the handler (ARP/NDP frames are < 100 bytes). */
const SNAP_BYTES = 1600;

/** Opens `iface` with BPF `filter`; throws {@link FrameIoError} when libpcap refuses. */
export function openPcapFrameIo(iface: string, filter: string): FrameIo {
  const cap = new Cap();
  const buf = Buffer.alloc(SNAP_BYTES);
  let linkType: string;
  try {
    linkType = cap.open(iface, filter, RING_BYTES, buf);
  } catch (e) {
    throw new FrameIoError('frame-io-open', `cannot capture on ${iface}: ${(e as Error).message}`, e);
  }
  if (linkType !== 'ETHERNET') {
    cap.close();
    throw new FrameIoError('frame-io-open', `${iface} is not Ethernet (link type ${linkType})`);
  }
  let closed = false;
  const view = new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
  return {
    onFrame: (handler) => cap.on('packet', (n) => handler(view.subarray(0, n))),
    send: (frame) => {
      try {
        cap.send(Buffer.from(frame.buffer, frame.byteOffset, frame.length), frame.length);
      } catch (e) {
        throw new FrameIoError('frame-io-send', `send on ${iface} failed: ${(e as Error).message}`, e);
      }
    },
    close: () => {
      if (closed) return;
      closed = true;
      cap.close();
    },
  };
}

