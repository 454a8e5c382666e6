/**
 * Typed BGP and BFD session state from FRR's JSON (`show bgp vrf all neighbors json`,
 * `show bfd peers json`, `show bfd peers counters json`; key names as FRR 8.4.4 prints them).
 * Parsed once here; the status writer and the metrics read only these values.
 */
import { err, ok, type Result } from '@metallb-ts/lib/result.ts';

/** BGP message counters of one session (FRR `messageStats`). */
export interface BgpMessageCounters {
  readonly opensSent: number;
  readonly opensReceived: number;
  readonly notificationsSent: number;
  readonly notificationsReceived: number;
  readonly updatesSent: number;
  readonly updatesReceived: number;
  readonly keepalivesSent: number;
  readonly keepalivesReceived: number;
  readonly routeRefreshSent: number;
  readonly totalSent: number;
  readonly totalReceived: number;
}

/** One configured BGP neighbor as FRR sees it. */
export interface BgpSessionState {
  /** VRF name; `default` for the default instance. */
  readonly vrf: string;
  /** Neighbor address or interface name. */
  readonly peer: string;
  /** The peer's TCP port when connected, else 179. */
  readonly port: number;
  /** FSM state: Idle, Connect, Active, OpenSent, OpenConfirm, Established, … */
  readonly state: string;
  /** True when the FSM state is Established. */
  readonly established: boolean;
  /** How long the session has been up (ms); 0 when it is not established. */
  readonly uptimeMs: number;
  /** Times the session reached Established since bgpd started. */
  readonly connectionsEstablished: number;
  /** Prefixes advertised to the peer, all address families. */
  readonly prefixesSent: number;
  /** Prefixes accepted from the peer, all address families. */
  readonly prefixesReceived: number;
  /** Message counters. */
  readonly messages: BgpMessageCounters;
  /** FRR's last reset reason, when there was one. */
  readonly lastResetReason?: string;
}

/** One BFD session as bfdd sees it, with its counters when they were read. */
export interface BfdSessionState {
  readonly vrf: string;
  readonly peer: string;
  readonly local?: string;
  readonly multihop: boolean;
  /** `up`, `down`, `init` or `adminDown`. */
  readonly status: string;
  readonly counters?: BfdCounters;
}

/** Packet and event counters of one BFD session (`show bfd peers counters json`). */
export interface BfdCounters {
  readonly controlPacketInput: number;
  readonly controlPacketOutput: number;
  readonly echoPacketInput: number;
  readonly echoPacketOutput: number;
  readonly sessionUpEvents: number;
  readonly sessionDownEvents: number;
  readonly zebraNotifications: number;
}

/** The JSON did not have the expected shape. */
export interface StateParseError {
  readonly kind: 'invalid-json';
  readonly command: string;
  readonly message: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (o: Obj, k: string): number => (typeof o[k] === 'number' ? (o[k] as number) : 0);
const sumOf = (afs: unknown, k: string): number =>
  isObj(afs) ? Object.values(afs).reduce<number>((n, af) => n + (isObj(af) ? num(af, k) : 0), 0) : 0;

/** Parses `show bgp vrf all neighbors json` (VRF name → neighbor → details). */
export function parseBgpNeighbors(json: unknown): Result<BgpSessionState[], StateParseError> {
  if (!isObj(json)) return err({ kind: 'invalid-json', command: 'show bgp vrf all neighbors json', message: 'not an object' });
  const out: BgpSessionState[] = [];
  for (const [vrfKey, vrf] of Object.entries(json)) {
    if (!isObj(vrf)) continue;
    const vrfName = typeof vrf['vrfName'] === 'string' ? vrf['vrfName'] : vrfKey;
    for (const [peer, n] of Object.entries(vrf)) {
      if (!isObj(n) || typeof n['bgpState'] !== 'string') continue;
      out.push(sessionOf(vrfName, peer, n));
    }
  }
  return ok(out.sort((a, b) => `${a.vrf} ${a.peer}`.localeCompare(`${b.vrf} ${b.peer}`)));
}

function sessionOf(vrf: string, peer: string, n: Obj): BgpSessionState {
  const m = isObj(n['messageStats']) ? n['messageStats'] : {};
  const state = n['bgpState'] as string;
  const reset = n['lastResetDueTo'];
  return {
    vrf, peer, state,
    port: typeof n['portForeign'] === 'number' ? n['portForeign'] : 179,
    established: state === 'Established',
    uptimeMs: state === 'Established' ? num(n, 'bgpTimerUpMsec') : 0,
    connectionsEstablished: num(n, 'connectionsEstablished'),
    prefixesSent: sumOf(n['addressFamilyInfo'], 'sentPrefixCounter'),
    prefixesReceived: sumOf(n['addressFamilyInfo'], 'acceptedPrefixCounter'),
    messages: {
      opensSent: num(m, 'opensSent'), opensReceived: num(m, 'opensRecv'),
      notificationsSent: num(m, 'notificationsSent'), notificationsReceived: num(m, 'notificationsRecv'),
      updatesSent: num(m, 'updatesSent'), updatesReceived: num(m, 'updatesRecv'),
      keepalivesSent: num(m, 'keepalivesSent'), keepalivesReceived: num(m, 'keepalivesRecv'),
      routeRefreshSent: num(m, 'routeRefreshSent'), totalSent: num(m, 'totalSent'), totalReceived: num(m, 'totalRecv'),
    },
    ...(typeof reset === 'string' ? { lastResetReason: reset } : {}),
  };
}

/** Parses `show bfd peers json`, joining `show bfd peers counters json` when given. */
export function parseBfdPeers(peers: unknown, counters?: unknown): Result<BfdSessionState[], StateParseError> {
  if (!Array.isArray(peers)) return err({ kind: 'invalid-json', command: 'show bfd peers json', message: 'not an array' });
  if (counters !== undefined && !Array.isArray(counters)) {
    return err({ kind: 'invalid-json', command: 'show bfd peers counters json', message: 'not an array' });
  }
  const keyOf = (o: Obj): string => `${String(o['vrf'])} ${String(o['peer'])} ${String(o['local'])} ${String(o['multihop'])}`;
  const byKey = new Map((counters ?? []).filter(isObj).map((c) => [keyOf(c), c]));
  const out = peers.filter(isObj).filter((p) => typeof p['peer'] === 'string').map((p): BfdSessionState => {
    const c = byKey.get(keyOf(p));
    return {
      vrf: typeof p['vrf'] === 'string' ? p['vrf'] : 'default',
      peer: p['peer'] as string,
      ...(typeof p['local'] === 'string' ? { local: p['local'] } : {}),
      multihop: p['multihop'] === true,
      status: typeof p['status'] === 'string' ? p['status'] : 'unknown',
      ...(c === undefined ? {} : { counters: {
        controlPacketInput: num(c, 'control-packet-input'), controlPacketOutput: num(c, 'control-packet-output'),
        echoPacketInput: num(c, 'echo-packet-input'), echoPacketOutput: num(c, 'echo-packet-output'),
        sessionUpEvents: num(c, 'session-up'), sessionDownEvents: num(c, 'session-down'),
        zebraNotifications: num(c, 'zebra-notifications'),
      } }),
    };
  });
  return ok(out);
}
