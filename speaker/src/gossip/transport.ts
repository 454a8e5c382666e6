/**
 * UDP + TCP transport on one port (7946 by default, like memberlist): datagrams for probes and
 * rumours, one TCP connection per stream message (push-pull) framed as `length u32 | payload`.
 * Bytes in, bytes out: no protocol knowledge here.
 */
import { createSocket, type Socket } from 'node:dgram';
import { createConnection, createServer, isIPv6, type Server } from 'node:net';

/** Largest stream message accepted (a push-pull of thousands of members fits easily). */
export const MAX_STREAM_BYTES = 4 * 1024 * 1024;
/** A stream connection that has not delivered its message by then is closed. */
export const STREAM_TIMEOUT_MS = 5000;

/** What the transport hands up. */
export interface TransportHandlers {
  onPacket(from: string, bytes: Uint8Array): void;
  onStream(from: string, bytes: Uint8Array): void;
  /** An I/O failure worth counting and logging (never fatal). */
  onError(reason: string, error: Error): void;
}

/** `host:port` with IPv6 hosts in brackets. */
export function joinHostPort(host: string, port: number): string {
  return isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Splits `host:port` / `[v6]:port`; undefined when malformed. */
export function splitHostPort(addr: string): { host: string; port: number } | undefined {
  const m = /^\[([^\]]+)\]:(\d{1,5})$/.exec(addr) ?? /^([^:[\]]+):(\d{1,5})$/.exec(addr);
  const port = Number(m?.[2]);
  if (m?.[1] === undefined || !(port > 0 && port < 65536)) return undefined;
  return { host: m[1], port };
}

/** A bound UDP socket and TCP listener on the same host and port. */
export class GossipTransport {
  readonly #udp: Socket;
  readonly #tcp: Server;
  readonly #h: TransportHandlers;
  #port = 0;

  private constructor(udp: Socket, tcp: Server, h: TransportHandlers) {
    this.#udp = udp;
    this.#tcp = tcp;
    this.#h = h;
  }

  /** Binds `host:port` (port 0: the kernel picks one free port, the same for TCP and UDP). */
  static async listen(host: string, port: number, h: TransportHandlers): Promise<GossipTransport> {
    const tcp = createServer();
    await new Promise<void>((resolve, reject) => {
      tcp.once('error', reject);
      tcp.listen({ host, port, exclusive: true }, () => resolve());
    });
    const bound = (tcp.address() as { port: number }).port;
    const udp = createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4' });
    try {
      await new Promise<void>((resolve, reject) => {
        udp.once('error', reject);
        udp.bind({ address: host, port: bound, exclusive: true }, () => resolve());
      });
    } catch (e) {
      tcp.close();
      throw e;
    }
    const t = new GossipTransport(udp, tcp, h);
    t.#port = bound;
    t.#wire();
    return t;
  }

  /** The bound port. */
  get port(): number {
    return this.#port;
  }

  #wire(): void {
    this.#udp.on('message', (msg, rinfo) => this.#h.onPacket(joinHostPort(rinfo.address, rinfo.port), msg));
    this.#udp.on('error', (e) => this.#h.onError('udp', e));
    this.#tcp.on('error', (e) => this.#h.onError('tcp-listen', e));
    this.#tcp.on('connection', (sock) => {
      const chunks: Buffer[] = [];
      let size = 0;
      sock.setTimeout(STREAM_TIMEOUT_MS, () => sock.destroy());
      sock.on('error', (e) => this.#h.onError('tcp-read', e));
      sock.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_STREAM_BYTES + 4) {
          sock.destroy();
          this.#h.onError('tcp-read', new Error(`stream larger than ${MAX_STREAM_BYTES} bytes`));
          return;
        }
        chunks.push(c);
      });
      sock.on('end', () => {
        const buf = Buffer.concat(chunks);
        const len = buf.length >= 4 ? buf.readUInt32BE(0) : -1;
        if (len !== buf.length - 4) {
          this.#h.onError('tcp-frame', new Error(`bad stream frame: ${buf.length} bytes`));
          return;
        }
        // Streams are answered on a new connection; the remote port is ephemeral, so the
        // sender's address comes from the message itself, not from the socket.
        this.#h.onStream(joinHostPort(sock.remoteAddress ?? '', sock.remotePort ?? 0), buf.subarray(4));
      });
    });
  }

  /** Sends one datagram; failures are reported through `onError`. */
  sendPacket(to: string, bytes: Uint8Array): void {
    const hp = splitHostPort(to);
    if (hp === undefined) return this.#h.onError('address', new Error(`bad address ${to}`));
    this.#udp.send(bytes, hp.port, hp.host, (e) => {
      if (e) this.#h.onError('udp-send', e);
    });
  }

  /** Sends one stream message on a fresh TCP connection. */
  sendStream(to: string, bytes: Uint8Array): void {
    const hp = splitHostPort(to);
    if (hp === undefined) return this.#h.onError('address', new Error(`bad address ${to}`));
    const len = Buffer.alloc(4);
    len.writeUInt32BE(bytes.length);
    const sock = createConnection({ host: hp.host, port: hp.port });
    sock.setTimeout(STREAM_TIMEOUT_MS, () => sock.destroy());
    sock.on('error', (e) => this.#h.onError('tcp-send', e));
    sock.end(Buffer.concat([len, bytes]));
  }

  /** Closes both sockets. */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.#udp.close(() => resolve()));
    await new Promise<void>((resolve) => this.#tcp.close(() => resolve()));
  }
}
