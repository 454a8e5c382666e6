/**
 * IPAddressPools → Pool (rules P1–P6; rule ids are listed in docs/validation.md).
 */
import type { V1Namespace } from '@kubernetes/client-node';
import { cidrsOverlap, parseAddressEntry } from '@metallb-ts/lib/ip/ip.ts';
import type { IPAddressPool } from './cr-types.ts';
import { byName, nameOf, sinkFor, type Checked, type ConfigError, type ErrorSink } from './errors.ts';
import { checkDuplicates, selectorList } from './selectors.ts';
import type { Cidr, Pool, ServiceAllocation } from './types.ts';

const KIND = 'IPAddressPool';

type AllocationSpec = NonNullable<IPAddressPool['spec']['serviceAllocation']>;

/** Parses `spec.serviceAllocation` (P6), resolving namespaceSelectors against `namespaces`. */
function serviceAllocationFor(
  spec: AllocationSpec, name: string, namespaces: readonly V1Namespace[], sink: ErrorSink,
): ServiceAllocation {
  const field = 'spec.serviceAllocation';
  const names = spec.namespaces ?? [];
  checkDuplicates(names, { field: `${field}.namespaces`, label: 'namespaces', rule: 'P6' }, sink);
  const nsSel = selectorList(spec.namespaceSelectors, { field: `${field}.namespaceSelectors`, label: 'namespaceSelectors', rule: 'P6' },
    sink, (p) => `invalid namespace label selector in ip pool ${name}: ${p}`);
  const svcSel = selectorList(spec.serviceSelectors, { field: `${field}.serviceSelectors`, label: 'serviceSelectors', rule: 'P6' },
    sink, (p) => `invalid service label selector in ip pool ${name}: ${p}`);
  const selected = namespaces
    .filter((ns) => nsSel.selectors.some((s) => s.matches(ns.metadata?.labels ?? {})))
    .map(nameOf);
  return {
    priority: spec.priority ?? 0,
    namespaces: new Set([...names, ...selected].sort()),
    restrictsNamespaces: names.length > 0 || (spec.namespaceSelectors ?? []).length > 0,
    serviceSelectors: svcSel.selectors,
  };
}

/** Parses every address entry (P2, P3); invalid entries are left out, `index` maps back to the spec. */
function addressEntriesFor(cr: IPAddressPool, name: string, sink: ErrorSink): { entries: Cidr[][]; index: number[] } {
  const addresses = cr.spec.addresses ?? [];
  if (addresses.length === 0) sink.invalid('P2', 'spec.addresses', 'pool has no prefixes defined');
  const entries: Cidr[][] = [];
  const index: number[] = [];
  addresses.forEach((entry, i) => {
    const parsed = parseAddressEntry(entry);
    if (!parsed.ok) {
      sink.invalid('P3', `spec.addresses[${i}]`, `invalid CIDR "${entry}" in pool "${name}": ${parsed.error}`);
      return;
    }
    entries.push(parsed.value);
    index.push(i);
  });
  return { entries, index };
}

/** Orders CIDRs v4 first, then by first address. */
const cidrOrder = (a: Cidr, b: Cidr): number =>
  a.family !== b.family ? (a.family === 'ipv4' ? -1 : 1) : a.first < b.first ? -1 : a.first > b.first ? 1 : 0;

/** A parsed pool, the sink for its errors, and the spec index of each of its address entries. */
interface ParsedPool {
  readonly pool: Pool;
  readonly sink: ErrorSink;
  readonly entryIndex: readonly number[];
}

/** Parses one pool (P1, P2, P3, P6). */
function poolFromCr(cr: IPAddressPool, namespaces: readonly V1Namespace[], sink: ErrorSink): ParsedPool {
  const name = nameOf(cr);
  if (name === '') sink.invalid('P1', 'metadata.name', 'missing pool name');
  const { entries: addressEntries, index } = addressEntriesFor(cr, name, sink);
  const alloc = cr.spec.serviceAllocation;
  const pool: Pool = {
    name,
    labels: cr.metadata?.labels ?? {},
    addressEntries,
    cidrs: addressEntries.flat().sort(cidrOrder),
    autoAssign: cr.spec.autoAssign ?? true,
    avoidBuggyIPs: cr.spec.avoidBuggyIPs ?? false,
    ...(alloc === undefined || alloc === null ? {} : { serviceAllocation: serviceAllocationFor(alloc, name, namespaces, sink) }),
  };
  return { pool, sink, entryIndex: index };
}

/** Reports each address entry that overlaps a CIDR defined before it, in the same or an earlier pool (P5). */
function checkOverlaps(parsed: readonly ParsedPool[]): void {
  const defined: Cidr[] = [];
  for (const { pool, sink, entryIndex } of parsed) {
    pool.addressEntries.forEach((entry, k) => {
      for (const c of entry) {
        const m = defined.find((d) => cidrsOverlap(c, d));
        if (m === undefined) continue;
        sink.invalid('P5', `spec.addresses[${entryIndex[k] ?? 0}]`,
          `CIDR "${c.text}" in pool "${pool.name}" overlaps with already defined CIDR "${m.text}"`);
        break;
      }
      defined.push(...entry);
    });
  }
}

/** Parses all pools (P1–P6); duplicates of an earlier name are reported and left out. */
export function poolsFor(crs: readonly IPAddressPool[], namespaces: readonly V1Namespace[]): Checked<Pool[]> {
  const errors: ConfigError[] = [];
  const parsed: ParsedPool[] = [];
  for (const cr of byName(crs)) {
    const p = poolFromCr(cr, namespaces, sinkFor({ kind: KIND, name: nameOf(cr) }, errors));
    if (parsed.some((q) => q.pool.name === p.pool.name)) {
      p.sink.invalid('P4', 'metadata.name', `duplicate definition of pool "${p.pool.name}"`);
    } else {
      parsed.push(p);
    }
  }
  checkOverlaps(parsed);
  return { value: parsed.map((p) => p.pool), errors };
}
