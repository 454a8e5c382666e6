/**
 * Forged gossip for the lab (issue 10, proof 7): captures real sealed gossip datagrams with
 * tcpdump in a node's namespace, builds the attacks — messages that would move the VIP if
 * believed (the leader dead, a phantom member alive) sealed with a wrong key or sent in
 * plaintext, on the datagram and the stream channel; captured datagrams garbled, truncated or
 * with an unknown version byte; and the captured datagrams replayed byte for byte — and sends
 * them from another namespace (gossip-sender-child.ts). Every command is bounded.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deriveGossipKey, Envelope } from '@metallb-ts/speaker/gossip/envelope.ts';
import { encodePacket } from '@metallb-ts/speaker/membership/codec.ts';
import type { Message } from '@metallb-ts/speaker/membership/messages.ts';
import type { HostRole, Lab } from './lab.ts';
import { assertInstalled } from './lab-prereqs.ts';
import { runOk } from './netns.ts';
import { udpDatagramsOf, type CapturedDatagram } from './pcap-udp.ts';

const SENDER = fileURLToPath(new URL('./gossip-sender-child.ts', import.meta.url));

/** One send of gossip-sender-child.ts. */
export interface ForgedSend {
  readonly host: string;
  readonly port: number;
  readonly udp?: string;
  readonly tcp?: string;
}

/** The attack: what to send, and per target host how many drops of each reason it must cause. */
export interface Forgery {
  readonly sends: readonly ForgedSend[];
  /** Drop reason (metallb_gossip_packets_dropped_total label) → count per target. */
  readonly dropsPerTarget: Readonly<Record<string, number>>;
  /** Captured datagrams replayed unchanged (authentic: not dropped, must change nothing). */
  readonly replayed: number;
}

/** Captures up to `count` gossip datagrams (UDP `port`) on `role`'s LAN interface within `seconds`. */
export async function captureGossip(lab: Lab, role: HostRole, port: number, count: number, seconds: number): Promise<CapturedDatagram[]> {
  assertInstalled([{ what: 'tcpdump', bin: 'tcpdump', packages: ['tcpdump'] }]);
  const file = join(lab.dir, `gossip-${role}-${Date.now()}.pcap`);
  // timeout ends tcpdump (exit 124) when fewer packets came: what it wrote is still a valid file
  await lab.exec(role, 'timeout', [String(seconds), 'tcpdump', '-i', lab.addr(role).iface, '-U', '-n', '-c', String(count), '-w', file, 'udp', 'port', String(port)], { timeoutMs: (seconds + 5) * 1000 });
  return udpDatagramsOf(readFileSync(file)).filter((d) => d.dstPort === port);
}

/** What the forged messages claim. */
export interface ForgeryClaims {
  /** The VIP's leader (claimed dead). */
  readonly leader: string;
  /** A lab member the claims pretend to come from. */
  readonly from: string;
  /** A name that would win the election (claimed alive). */
  readonly phantom: string;
  /** The phantom's claimed gossip address. */
  readonly phantomAddr: string;
}

const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');
const framed = (b: Uint8Array): Buffer => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  return Buffer.concat([len, b]);
};

/** Builds the attack against `targets` (hosts) on `port` from `captured` genuine datagrams. */
export function forgeryFor(claims: ForgeryClaims, captured: readonly CapturedDatagram[], targets: readonly string[], port: number): Forgery {
  const wrongKey = new Envelope([deriveGossipKey('not the lab secret')]);
  const plain = new Envelope([]);
  const rumours: Message[] = [
    { type: 'dead', node: claims.leader, incarnation: 0xfffffff0, from: claims.from },
    { type: 'suspect', node: claims.leader, incarnation: 0xfffffff0, from: claims.from },
    { type: 'alive', node: claims.phantom, incarnation: 1, addr: claims.phantomAddr },
  ];
  const pushPull = encodePacket([{
    type: 'push-pull', join: true, reply: false, from: claims.phantom, fromAddr: claims.phantomAddr,
    members: [{ node: claims.phantom, addr: claims.phantomAddr, incarnation: 1, status: 'alive' }, { node: claims.leader, addr: '', incarnation: 0xfffffff0, status: 'dead' }],
  }]);
  const perTarget: Array<{ reason: string; udp?: Buffer; tcp?: Buffer }> = [];
  for (const m of rumours) {
    perTarget.push({ reason: 'auth-failed', udp: wrongKey.seal(encodePacket([m]), 'packet') });
    perTarget.push({ reason: 'plaintext-refused', udp: plain.seal(encodePacket([m]), 'packet') });
  }
  perTarget.push({ reason: 'auth-failed', tcp: framed(wrongKey.seal(pushPull, 'stream')) });
  perTarget.push({ reason: 'plaintext-refused', tcp: framed(plain.seal(pushPull, 'stream')) });
  captured.forEach((d, i) => {
    const garbled = Buffer.from(d.payload);
    const at = 1 + ((i * 37) % (garbled.length - 1)); // anywhere in nonce, ciphertext or tag
    garbled[at] = garbled[at]! ^ (1 << (i % 8));
    perTarget.push({ reason: 'auth-failed', udp: garbled });
  });
  const first = captured[0]?.payload;
  if (first !== undefined) {
    perTarget.push({ reason: 'too-short', udp: first.subarray(0, 20) });
    perTarget.push({ reason: 'unknown-version', udp: Buffer.concat([Buffer.from([7]), first.subarray(1)]) });
  }
  const dropsPerTarget: Record<string, number> = {};
  for (const p of perTarget) dropsPerTarget[p.reason] = (dropsPerTarget[p.reason] ?? 0) + 1;
  const sends: ForgedSend[] = targets.flatMap((host) => perTarget.map((p) => ({
    host, port, ...(p.udp === undefined ? {} : { udp: b64(p.udp) }), ...(p.tcp === undefined ? {} : { tcp: b64(p.tcp) }),
  })));
  // The replay: every captured datagram again, unchanged, to where it went.
  for (const d of captured) sends.push({ host: d.dst, port: d.dstPort, udp: b64(d.payload) });
  return { sends, dropsPerTarget, replayed: captured.length };
}

/** Sends the forgery from `role`'s namespace; resolves with the number of sends done. */
export async function sendForgery(lab: Lab, role: HostRole, f: Forgery): Promise<number> {
  const file = join(lab.dir, `forgery-${Date.now()}.json`);
  writeFileSync(file, JSON.stringify({ sends: f.sends }));
  const out = await runOk('ip', ['netns', 'exec', lab.ns(role), process.execPath, SENDER, file], { timeoutMs: 60_000 });
  return (JSON.parse(out) as { sent: number }).sent;
}

/** `metallb_gossip_packets_dropped_total` by reason, from Prometheus text. */
export function droppedByReason(metrics: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of metrics.matchAll(/^metallb_gossip_packets_dropped_total\{reason="([^"]+)"\} (\S+)$/gm)) out[m[1]!] = Number(m[2]);
  return out;
}
