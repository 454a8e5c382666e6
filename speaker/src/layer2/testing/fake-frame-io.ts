/** In-memory {@link FrameIo} and {@link MulticastGroups} for responder unit tests. */
import type { FrameIo, OpenFrameIo } from '../frame-io.ts';
import type { MulticastGroups } from '../multicast-groups.ts';

/** One fake interface: frames sent by the code under test, and a way to deliver frames to it. */
export class FakeWire {
  /** Frames the responder sent, per interface. */
  readonly sent = new Map<string, Uint8Array[]>();
  /** Filters passed to open, per interface. */
  readonly filters = new Map<string, string>();
  readonly #handlers = new Map<string, (f: Uint8Array) => void>();
  /** Interfaces closed. */
  readonly closed = new Set<string>();

  /** The {@link OpenFrameIo} to inject. */
  readonly open: OpenFrameIo = (iface, filter) => {
    this.filters.set(iface, filter);
    this.sent.set(iface, []);
    const io: FrameIo = {
      onFrame: (h) => this.#handlers.set(iface, h),
      send: (f) => this.sent.get(iface)?.push(Uint8Array.from(f)),
      close: () => this.closed.add(iface),
    };
    return io;
  };

  /** Delivers a captured frame on `iface`. */
  deliver(iface: string, frame: Uint8Array): void {
    const h = this.#handlers.get(iface);
    if (h === undefined) throw new Error(`nothing captures on ${iface}`);
    h(frame);
  }

  /** Takes (and clears) what was sent on `iface`. */
  take(iface: string): Uint8Array[] {
    const s = this.sent.get(iface) ?? [];
    this.sent.set(iface, []);
    return s;
  }
}

/** Records joins/leaves with counts, like the real one. */
export class FakeGroups implements MulticastGroups {
  /** group%iface → count. */
  readonly members = new Map<string, number>();

  join(iface: string, group: string): void {
    const k = `${group}%${iface}`;
    this.members.set(k, (this.members.get(k) ?? 0) + 1);
  }

  leave(iface: string, group: string): void {
    const k = `${group}%${iface}`;
    const n = (this.members.get(k) ?? 0) - 1;
    if (n <= 0) this.members.delete(k);
    else this.members.set(k, n);
  }

  close(): void {
    this.members.clear();
  }
}
