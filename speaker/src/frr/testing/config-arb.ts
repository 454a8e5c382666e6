/**
 * fast-check generators of valid MetalLB-style FRR configs (routers with neighbors, networks,
 * per-family activation and route-maps; prefix lists; route-map entries; BFD profiles), drawn
 * from small pools so that two draws overlap and differ in interesting ways.
 */
import fc from 'fast-check';

const opt = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined });

const neighborArb = fc.record({
  addr: fc.constantFrom('192.0.2.1', '192.0.2.2', '192.0.2.3', '2001:db8::1'),
  asn: fc.constantFrom('64513', '64514', 'external'),
  timers: opt(fc.constantFrom('1 3', '2 6')),
  connect: opt(fc.constantFrom('1', '5')),
  password: opt(fc.constantFrom('pw-one', 'pw-two')),
  multihop: fc.boolean(),
  bfd: fc.boolean(),
  bfdProfile: opt(fc.constantFrom('fast', 'slow')),
  activate: fc.boolean(),
  routeMapOut: opt(fc.constantFrom('rm-a', 'rm-b')),
});

const routerArb = fc.record({
  asn: fc.constantFrom('64512', '64600'),
  routerId: opt(fc.constantFrom('192.0.2.10', '192.0.2.11')),
  flags: fc.subarray(['no bgp ebgp-requires-policy', 'no bgp default ipv4-unicast', 'no bgp network import-check']),
  neighbors: fc.uniqueArray(neighborArb, { selector: (n) => n.addr, maxLength: 3 }),
  v4: fc.subarray(['198.51.100.1/32', '198.51.100.2/32', '198.51.100.3/32', '198.51.100.0/26']),
  v6: fc.subarray(['2001:db8:100::1/128', '2001:db8:100::2/128']),
});

const routeMapArb = fc.record({
  name: fc.constantFrom('rm-a', 'rm-b'),
  action: fc.constantFrom('permit', 'deny'),
  seq: fc.constantFrom(1, 2, 20),
  localPref: opt(fc.constantFrom(100, 150)),
  community: opt(fc.constantFrom('65000:1', '65000:2')),
  match: opt(fc.constantFrom('pl-a', 'pl-b')),
  onMatchNext: fc.boolean(),
});

const prefixListArb = fc.record({
  name: fc.constantFrom('pl-a', 'pl-b'),
  seq: fc.constantFrom(1, 2),
  action: fc.constantFrom('permit', 'deny'),
  prefix: fc.constantFrom('198.51.100.1/32', '198.51.100.2/32', 'any'),
});

const bfdProfileArb = fc.record({
  name: fc.constantFrom('fast', 'slow'),
  rx: opt(fc.constantFrom(100, 300, 500)),
  tx: opt(fc.constantFrom(100, 200)),
  mult: opt(fc.constantFrom(3, 5)),
  echoMode: fc.boolean(),
  passive: fc.boolean(),
  minTtl: opt(fc.constantFrom(250, 254)),
});

type Router = typeof routerArb extends fc.Arbitrary<infer T> ? T : never;
type Neighbor = Router['neighbors'][number];

function neighborLines(n: Neighbor): string[] {
  const p = `neighbor ${n.addr}`;
  return [
    `${p} remote-as ${n.asn}`,
    ...(n.timers === undefined ? [] : [`${p} timers ${n.timers}`]),
    ...(n.connect === undefined ? [] : [`${p} timers connect ${n.connect}`]),
    ...(n.password === undefined ? [] : [`${p} password ${n.password}`]),
    ...(n.multihop ? [`${p} ebgp-multihop`] : []),
    ...(n.bfd ? [`${p} bfd`] : []),
    ...(n.bfd && n.bfdProfile !== undefined ? [`${p} bfd profile ${n.bfdProfile}`] : []),
  ];
}

function familyLines(r: Router, v6: boolean): string[] {
  const nets = (v6 ? r.v6 : r.v4).map((p) => `  network ${p}`);
  const nbs = r.neighbors.filter((n) => n.addr.includes(':') === v6 && n.activate).flatMap((n) => [
    `  neighbor ${n.addr} activate`,
    ...(n.routeMapOut === undefined ? [] : [`  neighbor ${n.addr} route-map ${n.routeMapOut} out`]),
  ]);
  const body = [...nets, ...nbs];
  return body.length === 0 ? [] : [` address-family ${v6 ? 'ipv6' : 'ipv4'} unicast`, ...body, ' exit-address-family'];
}

function routerText(r: Router, vrf: string | undefined): string[] {
  return [
    `router bgp ${r.asn}${vrf === undefined ? '' : ` vrf ${vrf}`}`,
    ...(r.routerId === undefined ? [] : [` bgp router-id ${r.routerId}`]),
    ...r.flags.map((f) => ` ${f}`),
    ...r.neighbors.flatMap(neighborLines).map((l) => ` ${l}`),
    ...familyLines(r, false),
    ...familyLines(r, true),
    'exit',
  ];
}

/** A whole config as frr.conf text. */
export const configTextArb: fc.Arbitrary<string> = fc.record({
  main: opt(routerArb),
  vrfRouter: opt(routerArb),
  prefixLists: fc.uniqueArray(prefixListArb, { selector: (p) => `${p.name} ${p.seq}`, maxLength: 3 }),
  routeMaps: fc.uniqueArray(routeMapArb, { selector: (m) => `${m.name} ${m.seq}`, maxLength: 3 }),
  bfd: fc.uniqueArray(bfdProfileArb, { selector: (b) => b.name, maxLength: 2 }),
}).map((c) => [
  'frr defaults traditional',
  ...c.prefixLists.map((p) => `ip prefix-list ${p.name} seq ${p.seq} ${p.action} ${p.prefix}`),
  // A deny entry has no body (FRR drops set/on-match on deny entries; MetalLB renders it bare).
  ...c.routeMaps.map((m) => (m.action === 'deny' ? { name: m.name, action: m.action, seq: m.seq } : m)).flatMap((m) => [
    `route-map ${m.name} ${m.action} ${m.seq}`,
    ...('match' in m && m.match !== undefined ? [` match ip address prefix-list ${m.match}`] : []),
    ...('localPref' in m && m.localPref !== undefined ? [` set local-preference ${m.localPref}`] : []),
    ...('community' in m && m.community !== undefined ? [` set community ${m.community} additive`] : []),
    ...('onMatchNext' in m && m.onMatchNext ? [' on-match next'] : []),
    'exit',
  ]),
  ...(c.main === undefined ? [] : routerText(c.main, undefined)),
  // A VRF instance only next to a default one, as the operator renders it.
  ...(c.main === undefined || c.vrfRouter === undefined ? [] : routerText({ ...c.vrfRouter, asn: c.main.asn }, 'red')),
  ...(c.bfd.length === 0 ? [] : ['bfd', ...c.bfd.flatMap((b) => [
    ` profile ${b.name}`,
    ...(b.rx === undefined ? [] : [`  receive-interval ${b.rx}`]),
    ...(b.tx === undefined ? [] : [`  transmit-interval ${b.tx}`]),
    ...(b.mult === undefined ? [] : [`  detect-multiplier ${b.mult}`]),
    ...(b.echoMode ? ['  echo-mode'] : []),
    ...(b.passive ? ['  passive-mode'] : []),
    ...(b.minTtl === undefined ? [] : [`  minimum-ttl ${b.minTtl}`]),
    ' exit',
  ]), 'exit']),
  '',
].join('\n'));
