/**
 * Addresses and their families as MetalLB reads them (`internal/ipfamily`, Go's `net.ParseIP`):
 * IPv4-mapped IPv6 counts as IPv4, and the error texts are MetalLB's, since they reach events.
 */
import { formatIp, parseIp, type IpAddress } from '@metallb-ts/lib/ip/ip.ts';
import { err, ok, type Result } from '@metallb-ts/lib/result.ts';
import type { IngressIps, ServiceFamily } from './parsed-service.ts';

/** Go's `%q` of a string list. */
export const quoteList = (items: readonly string[]): string => `[${items.map((s) => JSON.stringify(s)).join(' ')}]`;

/** Parses an address as Go's ParseIP (IPv4-mapped IPv6 counts as IPv4). */
export function parseServiceIp(text: string): IpAddress | undefined {
  const a = parseIp(text);
  if (a === undefined) return undefined;
  const mapped = a.family === 'ipv6' && a.value >> 32n === 0xffffn;
  return mapped ? { family: 'ipv4', value: a.value & 0xffffffffn } : { family: a.family, value: a.value };
}

/** MetalLB's `ipfamily.ForAddresses`. */
export function familyOfAddresses(texts: readonly string[]): Result<ServiceFamily, string> {
  const ips = texts.map(parseServiceIp);
  if (texts.length < 1 || texts.length > 2) return err(`IPFamilyForAddresses: invalid ips length ${texts.length} ${quoteList(texts)}`);
  if (ips.some((x) => x === undefined)) return err(`IPFamilyForAddresses: Invalid address ${quoteList(texts)}`);
  const [a, b] = ips;
  if (b === undefined) return ok(a?.family ?? 'ipv4');
  return a?.family === b.family ? err(`IPFamilyForAddresses: same address family ${quoteList(texts)}`) : ok('dual');
}

/**
 * An ingress list parsed: each address, Go's rendering of it, and the family MetalLB computes
 * from that rendering (so an unparseable entry reads `<nil>` in the error, as in MetalLB).
 */
export function ingressIpsOf(texts: readonly string[]): IngressIps {
  const ips = texts.map(parseServiceIp);
  const shown = ips.map((ip) => (ip === undefined ? '<nil>' : formatIp(ip.family, ip.value)));
  return { texts, ips, shown, family: familyOfAddresses(shown) };
}
