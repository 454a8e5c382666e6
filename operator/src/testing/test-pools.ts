/**
 * Test helpers: Pool values from CIDR/range strings, claims and family requests with defaults.
 * Used by the allocator's unit tests and the IPAM benchmark; not by production code.
 */
import type { Pool, ServiceAllocation } from '../config/types.ts';
import { type IpAddress, parseAddressEntry, parseIp } from '@metallb-ts/lib/ip/ip.ts';
import { compileSelector, everything, type LabelSelectorSpec } from '@metallb-ts/lib/selector/label-selector.ts';
import { serviceKey } from '@metallb-ts/lib/ids/ids.ts';
import { type FamilyRequest, type ServiceClaim } from '../allocator/types.ts';

/** Options of {@link testPool}. */
export interface TestPoolOptions {
  /** `spec.autoAssign` (default true). */
  readonly autoAssign?: boolean;
  /** `spec.avoidBuggyIPs` (default false). */
  readonly avoidBuggyIPs?: boolean;
  /** `spec.serviceAllocation`, in manifest shape. */
  readonly serviceAllocation?: {
    readonly priority?: number;
    /** Resolved namespace set (namespaces plus what namespaceSelectors matched). */
    readonly namespaces?: readonly string[];
    readonly serviceSelectors?: readonly LabelSelectorSpec[];
    /** Whether namespaceSelectors were written (they then resolved to `namespaces`). */
    readonly namespaceSelectorsGiven?: boolean;
  };
}

/** Unwraps a Result in test setup code, where a failure is a bug in the test. */
function must<T>(r: { ok: true; value: T } | { ok: false; error: string }): T {
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

/** As config/pools.ts parses it: nothing given at all means one match-everything selector. */
function serviceAllocationOf(spec: NonNullable<TestPoolOptions['serviceAllocation']>): ServiceAllocation {
  const unrestricted = (spec.namespaces ?? []).length === 0 && spec.namespaceSelectorsGiven !== true && (spec.serviceSelectors ?? []).length === 0;
  return {
    priority: spec.priority ?? 0,
    namespaces: new Set(spec.namespaces ?? []),
    serviceSelectors: unrestricted ? [everything] : (spec.serviceSelectors ?? []).map((s) => must(compileSelector(s))),
  };
}

/** A parsed Pool from `spec.addresses` entries (CIDRs or `a-b` ranges). */
export function testPool(name: string, addresses: readonly string[], opts: TestPoolOptions = {}): Pool {
  const addressEntries = addresses.map((a) => must(parseAddressEntry(a)));
  const cidrs = addressEntries.flat().sort((a, b) => (a.family !== b.family ? (a.family === 'ipv4' ? -1 : 1) : a.first < b.first ? -1 : 1));
  const pool: Pool = { name, labels: {}, addressEntries, cidrs, autoAssign: opts.autoAssign ?? true, avoidBuggyIPs: opts.avoidBuggyIPs ?? false };
  return opts.serviceAllocation === undefined ? pool : { ...pool, serviceAllocation: serviceAllocationOf(opts.serviceAllocation) };
}

/** Parses an address for a test. */
export function ip(text: string): IpAddress {
  const a = parseIp(text);
  if (a === undefined) throw new Error(`bad test IP ${text}`);
  return { family: a.family, value: a.value };
}

/** A claim for `ns/name` with defaults: namespace from the key, no labels, TCP/80, no sharing. */
export function claim(key: string, over: Partial<Omit<ServiceClaim, 'service'>> = {}): ServiceClaim {
  const [namespace = 'default', name = key] = key.includes('/') ? key.split('/') : ['default', key];
  return { service: serviceKey(namespace, name), namespace, labels: {}, ports: [{ protocol: 'TCP', port: 80 }], sharingKey: '', backendKey: '', ...over };
}

/** Family requests by name. */
export const FAMILIES = {
  v4: { family: 'ipv4', policy: 'SingleStack', primary: 'ipv4' },
  v6: { family: 'ipv6', policy: 'SingleStack', primary: 'ipv6' },
  require: { family: 'dual', policy: 'RequireDualStack', primary: 'ipv4' },
  prefer: { family: 'dual', policy: 'PreferDualStack', primary: 'ipv4' },
  prefer6: { family: 'dual', policy: 'PreferDualStack', primary: 'ipv6' },
} as const satisfies Record<string, FamilyRequest>;
