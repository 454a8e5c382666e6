/**
 * Reads FRR's adj-rib-out of every session the wanted config has (effectful shell): one
 * `show bgp [vrf V] ipv4|ipv6 unicast neighbors <peer> advertised-routes json` per session and
 * address family, compared with what the config should send (core/adj-rib-out.ts). The caller
 * decides when (bgp-speaker.ts: after a change, else on a slow interval): at 10,000 prefixes one
 * query costs about 0.1 s of vtysh and bgpd time (docs/node-plans.md).
 */
import { advertisedPrefixesOf, advertisedReport, type AdvertisedReport, type ExpectedRoutes } from './core/adj-rib-out.ts';
import type { FrrCli } from './frr-cli.ts';

/** `vrf neighbor` → the session's report; a session whose answer could not be read is absent. */
export type AdvertisedBySession = ReadonlyMap<string, AdvertisedReport>;

/** The key of a session in {@link AdvertisedBySession} ('' = default VRF). */
export const sessionKey = (vrf: string, neighbor: string): string => `${vrf} ${neighbor}`;

/** Queries FRR for every session of `expected` (the wanted config's, for plan `planSha256`). */
export async function readAdvertised(cli: FrrCli, planSha256: string, expected: readonly ExpectedRoutes[]): Promise<AdvertisedBySession> {
  const bySession = new Map<string, ExpectedRoutes[]>();
  for (const e of expected) bySession.set(sessionKey(e.vrf, e.neighbor), [...(bySession.get(sessionKey(e.vrf, e.neighbor)) ?? []), e]);
  const out = new Map<string, AdvertisedReport>();
  for (const [key, routes] of bySession) {
    const sent = new Set<string>();
    let readable = true;
    for (const r of routes) {
      const got = await advertisedOf(cli, r);
      if (got === undefined) readable = false;
      else for (const p of got) sent.add(p);
    }
    if (readable) out.set(key, advertisedReport(planSha256, routes, sent));
  }
  return out;
}

async function advertisedOf(cli: FrrCli, r: ExpectedRoutes): Promise<Set<string> | undefined> {
  const vrf = r.vrf === '' ? '' : ` vrf ${r.vrf}`;
  const res = await cli.vtysh(['-c', `show bgp${vrf} ${r.afi} unicast neighbors ${r.neighbor} advertised-routes json`]);
  if (res.exitCode !== 0) return undefined;
  try {
    return advertisedPrefixesOf(res.stdout.trim() === '' ? {} : JSON.parse(res.stdout));
  } catch {
    return undefined;
  }
}
