/**
 * Sends prepared bytes to gossip ports from inside a lab namespace, for the forged-gossip test:
 * `node gossip-sender-child.ts <file.json>`, the file holding `{ sends: [{ host, port, udp?: base64,
 * tcp?: base64 }] }` (tcp: one connection per entry, the bytes written as they are, so the
 * caller frames them). Paced (1 ms per datagram) so no socket buffer overflows; every connection
 * is closed after 2 s at the latest. Prints `{ "sent": N }` and exits.
 */
import { readFileSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

interface Send {
  readonly host: string;
  readonly port: number;
  readonly udp?: string;
  readonly tcp?: string;
}

const { sends } = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as { sends: Send[] };
const sock = createSocket('udp4');
let sent = 0;
for (const s of sends) {
  if (s.udp !== undefined) {
    await new Promise<void>((resolve, reject) => sock.send(Buffer.from(s.udp!, 'base64'), s.port, s.host, (e) => (e ? reject(e) : resolve())));
    sent++;
    await sleep(1);
  }
  if (s.tcp !== undefined) {
    await new Promise<void>((resolve) => {
      const c = connect({ host: s.host, port: s.port }, () => c.end(Buffer.from(s.tcp!, 'base64')));
      const t = setTimeout(() => c.destroy(), 2_000);
      c.on('close', () => {
        clearTimeout(t);
        resolve();
      });
      c.on('error', () => undefined); // a reset by the receiver is fine: it refused the stream
    });
    sent++;
  }
}
sock.close();
process.stdout.write(`${JSON.stringify({ sent })}\n`);
