/**
 * The kind target's FRR router: the three files of its /etc/frr (daemons, vtysh.conf, frr.conf)
 * for an eBGP router (AS 64513) peering with every kind node (AS 64512) on the router's docker
 * network, with ECMP over the nodes, the timers the suite's BGPPeer uses, and no policy
 * requirement. Pure: kind-e2e/render-router.ts writes the files for run.sh.
 *
 * The node addresses come from the cluster (kubectl get nodes), so each one is parsed as an IPv4
 * address and printed in canonical form: a string that is not an address never reaches frr.conf.
 */
import { parseIp } from '@metallb-ts/lib/ip/ip.ts';
import { err, ok, type Result } from '@metallb-ts/lib/result.ts';

/** What the router config is made of. */
export interface RouterConfOptions {
  /** The router's AS (the suite's BGPPeer peerASN). */
  readonly routerAsn: number;
  /** The nodes' AS (the suite's BGPPeer myASN). */
  readonly nodeAsn: number;
  /** The router's IPv4 address on the docker network; also its BGP router id. */
  readonly routerId: string;
  /** The IPv4 address of every kind node (InternalIP): one session each. */
  readonly neighbors: readonly string[];
}

/** A rejected option: which one, the value, and why. */
export interface RouterConfError {
  readonly kind: 'invalid';
  readonly field: 'routerAsn' | 'nodeAsn' | 'routerId' | 'neighbors';
  readonly value: string;
  readonly reason: string;
}

/** The router's /etc/frr. */
export interface RouterFiles {
  /** Which daemons start: bgpd (listening on 179: the speakers' sessions are outgoing), zebra, staticd. */
  readonly daemons: string;
  readonly 'vtysh.conf': string;
  readonly 'frr.conf': string;
}

/** The daemons file: zebra and staticd always start (frrcommon.sh), bgpd is enabled and listens. */
const DAEMONS = [
  'bgpd=yes',
  'vtysh_enable=yes',
  'zebra_options="  -A 127.0.0.1 -s 90000000"',
  'bgpd_options="   -A 127.0.0.1"',
  'staticd_options="-A 127.0.0.1"',
  '',
].join('\n');

const isAsn = (n: number): boolean => Number.isInteger(n) && n >= 1 && n <= 4294967295;

/** The canonical IPv4 text of `text`, or undefined when it is not an IPv4 address. */
function ipv4(text: string): string | undefined {
  const ip = parseIp(text);
  return ip?.family === 'ipv4' && ip.text === text ? ip.text : undefined;
}

/** Validates the options; the neighbors come back sorted by address. */
function validated(o: RouterConfOptions): Result<RouterConfOptions, RouterConfError> {
  for (const field of ['routerAsn', 'nodeAsn'] as const) {
    if (!isAsn(o[field])) return err({ kind: 'invalid', field, value: String(o[field]), reason: 'not an AS number (1..4294967295)' });
  }
  if (ipv4(o.routerId) === undefined) return err({ kind: 'invalid', field: 'routerId', value: o.routerId, reason: 'not an IPv4 address' });
  if (o.neighbors.length === 0) return err({ kind: 'invalid', field: 'neighbors', value: '', reason: 'no node address' });
  const bad = o.neighbors.find((n) => ipv4(n) === undefined);
  if (bad !== undefined) return err({ kind: 'invalid', field: 'neighbors', value: bad, reason: 'not an IPv4 address' });
  if (new Set(o.neighbors).size !== o.neighbors.length) {
    return err({ kind: 'invalid', field: 'neighbors', value: o.neighbors.join(','), reason: 'an address is listed twice' });
  }
  if (o.neighbors.includes(o.routerId)) return err({ kind: 'invalid', field: 'neighbors', value: o.routerId, reason: 'the router\'s own address' });
  const byValue = (a: string, b: string): number => Number((parseIp(a)?.value ?? 0n) - (parseIp(b)?.value ?? 0n));
  return ok({ ...o, neighbors: [...o.neighbors].sort(byValue) });
}

/** The router's frr.conf (neighbors already validated and sorted). */
function frrConf(o: RouterConfOptions): string {
  return [
    'frr defaults traditional',
    'hostname kind-e2e-router',
    'log stdout informational',
    `router bgp ${o.routerAsn}`,
    ` bgp router-id ${o.routerId}`,
    ' no bgp ebgp-requires-policy',
    ' no bgp default ipv4-unicast',
    ...o.neighbors.flatMap((n) => [` neighbor ${n} remote-as ${o.nodeAsn}`, ` neighbor ${n} timers 1 3`, ` neighbor ${n} timers connect 1`]),
    ' address-family ipv4 unicast',
    '  maximum-paths 8',
    ...o.neighbors.map((n) => `  neighbor ${n} activate`),
    ' exit-address-family',
    'exit',
    '',
  ].join('\n');
}

/** The router's files, or the first option that is not acceptable. */
export function routerFilesFor(o: RouterConfOptions): Result<RouterFiles, RouterConfError> {
  const v = validated(o);
  if (!v.ok) return v;
  return ok({ daemons: DAEMONS, 'vtysh.conf': 'service integrated-vtysh-config\n', 'frr.conf': frrConf(v.value) });
}
