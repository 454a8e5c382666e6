/**
 * How a NodePlan's bulky per-Service sections (`spec.bgpServices`, `spec.l2`) travel: as the
 * fields themselves while they are small, packed into `spec.packed` (gzip + base64 of their JSON
 * with each Service name once in a table, plus its sha256 and size) above {@link PACK_LIMIT_BYTES}. At 10,000 dual-stack Services with
 * long names on every node the two fields hold ≈ 5 MB of JSON, far over the 1.5 MiB an object
 * may have; packed they are a few hundred KiB (operator/src/plan/plan-size.test.ts measures it).
 * The operator packs, the speaker unpacks where the plan enters; both import this one module,
 * and an unpacked spec is exactly the spec that was packed.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import type { NodePlanSpec, NodePlanSpecBgpService, NodePlanSpecL2, NodePlanSpecL2Vip, NodePlanSpecPacked } from '../api/types.generated.ts';
import { err, ok, type Result } from '../result.ts';
import { GZIP_LEVEL, sha256Hex } from './frr-config-codec.ts';

/** Sections whose JSON is up to this many bytes stay plain, readable with kubectl. */
export const PACK_LIMIT_BYTES = 256 * 1024;

/** The fields {@link packPlanSpec} moves into `spec.packed`. */
type Sections = Pick<NodePlanSpec, 'bgpServices' | 'l2'>;

/**
 * What `spec.packed` holds once decoded: the two sections with every Service name replaced by
 * its index into `services` (sorted, each name once). A dual-stack Service is named three times
 * in the plain sections (once per address in l2, once in bgpServices), too far apart for gzip's
 * 32 KiB window to notice; the table halves the packed size.
 */
interface PackedForm {
  readonly services: string[];
  readonly bgpServices?: Array<Omit<NodePlanSpecBgpService, 'services'> & { services: number[] }>;
  readonly l2?: Omit<NodePlanSpecL2, 'vips'> & { vips: Array<Omit<NodePlanSpecL2Vip, 'services'> & { services: number[] }> };
}

const sectionsOf = (spec: NodePlanSpec): Sections => ({
  ...(spec.bgpServices === undefined ? {} : { bgpServices: spec.bgpServices }),
  ...(spec.l2 === undefined ? {} : { l2: spec.l2 }),
});

function packedFormOf(s: Sections): PackedForm {
  const names = new Set<string>();
  for (const g of s.bgpServices ?? []) for (const n of g.services) names.add(n);
  for (const v of s.l2?.vips ?? []) for (const n of v.services) names.add(n);
  const services = [...names].sort();
  const index = new Map(services.map((n, i) => [n, i]));
  const ix = (ns: readonly string[]): number[] => ns.map((n) => index.get(n)!);
  return {
    services,
    ...(s.bgpServices === undefined ? {} : { bgpServices: s.bgpServices.map((g) => ({ ...g, services: ix(g.services) })) }),
    ...(s.l2 === undefined ? {} : { l2: { ...s.l2, vips: s.l2.vips.map((v) => ({ ...v, services: ix(v.services) })) } }),
  };
}

/** `spec` with bgpServices and l2 packed when their JSON exceeds `limitBytes`; deterministic. */
export function packPlanSpec(spec: NodePlanSpec, limitBytes: number = PACK_LIMIT_BYTES): NodePlanSpec {
  if (spec.packed !== undefined) throw new Error('packPlanSpec: spec is packed already');
  const sections = sectionsOf(spec);
  if (Buffer.byteLength(JSON.stringify(sections)) <= limitBytes) return spec;
  const text = JSON.stringify(packedFormOf(sections));
  const bytes = Buffer.from(text, 'utf8');
  const { bgpServices: _b, l2: _l, ...rest } = spec;
  const packed: NodePlanSpecPacked = { encoding: 'gzip+base64', data: gzipSync(bytes, { level: GZIP_LEVEL }).toString('base64'), sha256: sha256Hex(text), size: bytes.length };
  return { ...rest, packed };
}

/** Why `spec.packed` could not be used. */
export interface PlanUnpackError {
  /** `corrupt`: not gzip/base64/JSON of the sections; `hashMismatch`: not what the sha256 says. */
  readonly kind: 'corrupt' | 'hashMismatch';
  readonly message: string;
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

const isIndexList = (x: unknown, n: number): x is number[] => Array.isArray(x) && x.every((i) => Number.isInteger(i) && i >= 0 && i < n);

/** The plain sections of a decoded `spec.packed`, or what is wrong with it. */
function sectionsOfPacked(x: unknown): Result<Sections, string> {
  if (!isObject(x) || !Array.isArray(x['services']) || !x['services'].every((n) => typeof n === 'string')) return err('no services table');
  const extra = Object.keys(x).filter((k) => k !== 'services' && k !== 'bgpServices' && k !== 'l2');
  if (extra.length > 0) return err(`unexpected fields ${extra.join(', ')}`);
  const names = x['services'] as string[];
  const { bgpServices, l2 } = x as { bgpServices?: unknown; l2?: unknown };
  if (bgpServices !== undefined && !(Array.isArray(bgpServices) && bgpServices.every((g) => isObject(g) && Array.isArray(g['peers']) && isIndexList(g['services'], names.length)))) {
    return err('bgpServices is not a list of peers and Service indices');
  }
  if (l2 !== undefined && !(isObject(l2) && Array.isArray(l2['candidateSets']) && Array.isArray(l2['vips'])
    && l2['vips'].every((v) => isObject(v) && isIndexList(v['services'], names.length)))) {
    return err('l2 lacks candidateSets, or vips with Service indices');
  }
  const named = (ixs: readonly number[]): string[] => ixs.map((i) => names[i]!);
  const f = x as unknown as PackedForm;
  return ok({
    ...(f.bgpServices === undefined ? {} : { bgpServices: f.bgpServices.map((g) => ({ ...g, services: named(g.services) })) }),
    ...(f.l2 === undefined ? {} : { l2: { ...f.l2, vips: f.l2.vips.map((v) => ({ ...v, services: named(v.services) })) } }),
  });
}

/** `spec` with `spec.packed` (if any) expanded back into bgpServices and l2, verified. */
export function unpackPlanSpec(spec: NodePlanSpec): Result<NodePlanSpec, PlanUnpackError> {
  const p = spec.packed;
  if (p === undefined) return ok(spec);
  let text: string;
  let decoded: unknown;
  try {
    text = gunzipSync(Buffer.from(p.data, 'base64')).toString('utf8');
    decoded = JSON.parse(text);
  } catch (e) {
    return err({ kind: 'corrupt', message: `cannot unpack spec.packed: ${(e as Error).message}` });
  }
  const got = sha256Hex(text);
  if (got !== p.sha256) return err({ kind: 'hashMismatch', message: `spec.packed sha256 ${got} does not match the plan's ${p.sha256}` });
  const sections = sectionsOfPacked(decoded);
  if (!sections.ok) return err({ kind: 'corrupt', message: `spec.packed: ${sections.error}` });
  const { packed: _p, ...rest } = spec;
  return ok({ ...rest, ...sections.value });
}
