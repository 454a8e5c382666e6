/**
 * Client side of the l2-reply bench, run inside the client namespace: sends ARP requests (IPv4
 * targets) and Neighbor Solicitations (IPv6 targets) at a fixed rate through libpcap, matches
 * each reply to its request and prints one JSON line `{sent, skipped, arpMs: [...], nsMs: [...]}`
 * (`skipped`: requests not sent because this process was starved of CPU; never sent in a burst).
 * Latency is taken in this process (send call → reply delivered by the capture), so it includes
 * both hosts' capture paths: what a userspace client on the LAN would see, an upper bound of
 * the wire time. Frames are encoded before the clock starts.
 */
import { performance } from 'node:perf_hooks';
import { BROADCAST_MAC, ipv6MulticastMac, solicitedNodeGroup, ZERO_MAC } from '@metallb-ts/speaker/layer2/codec/addr.ts';
import { decodeFrame, encodeArpFrame, encodeNdpFrame } from '@metallb-ts/speaker/layer2/codec/frame.ts';
import { openPcapFrameIo } from '@metallb-ts/speaker/layer2/pcap-frame-io.ts';

/** What the bench passes as argv[2]. */
export interface ProberArgs {
  readonly iface: string;
  readonly mac: string;
  readonly ip4: string;
  readonly ip6: string;
  readonly targets: readonly string[];
  readonly rate: number;
  readonly durationMs: number;
}

const a = JSON.parse(process.argv[2] ?? '{}') as ProberArgs;
const frames = a.targets.map((t) => {
  if (!t.includes(':')) {
    return encodeArpFrame({ dst: BROADCAST_MAC, src: a.mac }, { op: 1, senderMac: a.mac, senderIp: a.ip4, targetMac: ZERO_MAC, targetIp: t });
  }
  const group = solicitedNodeGroup(t);
  return encodeNdpFrame({ dst: ipv6MulticastMac(group), src: a.mac }, { src: a.ip6, dst: group }, { type: 'ns', target: t, sourceLinkAddr: a.mac });
});
const pending = new Map<string, number>();
const arpMs: number[] = [];
const nsMs: number[] = [];
const io = openPcapFrameIo(a.iface, `(arp or icmp6) and ether dst ${a.mac}`);
io.onFrame((b) => {
  const now = performance.now();
  const d = decodeFrame(b);
  if (!d.ok) return;
  const f = d.value;
  const ip = f.kind === 'arp' ? (f.arp.op === 2 ? f.arp.senderIp : undefined) : (f.ndp.type === 'na' && f.ndp.solicited ? f.ndp.target : undefined);
  const t0 = ip === undefined ? undefined : pending.get(ip);
  if (ip === undefined || t0 === undefined) return;
  pending.delete(ip);
  (f.kind === 'arp' ? arpMs : nsMs).push(now - t0);
});

/** Most frames sent in one tick: a prober starved of CPU skips what it owes instead of bursting. */
const MAX_BURST = 10;
let sent = 0;
let issued = 0;
let skipped = 0;
const start = performance.now();
await new Promise<void>((resolve) => {
  const tick = (): void => {
    const now = performance.now();
    if (now - start >= a.durationMs) {
      resolve();
      return;
    }
    const due = Math.floor(((now - start) * a.rate) / 1000);
    const owed = due - issued;
    for (let k = 0; k < Math.min(owed, MAX_BURST); k++, sent++) {
      const i = sent % frames.length;
      pending.set(a.targets[i]!, performance.now());
      io.send(frames[i]!);
    }
    skipped += Math.max(0, owed - MAX_BURST);
    issued = due;
    setTimeout(tick, 1);
  };
  tick();
});
await new Promise((r) => setTimeout(r, 300)); // stragglers
io.close();
process.stdout.write(`${JSON.stringify({ sent, skipped, arpMs, nsMs })}\n`);
