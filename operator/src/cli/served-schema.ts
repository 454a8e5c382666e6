/**
 * What the apiserver does to a metallb.io object before the operator (or MetalLB) sees it, so
 * that offline `validate` judges the object the cluster would store: prune the fields the
 * served version's schema does not have, apply that version's defaults, then store it as the
 * storage version (our CRDs convert with `strategy: None`: only apiVersion changes) and apply
 * the storage version's defaults, as a read from etcd does. The schemas come from crds/*.yaml.
 *
 * BGPPeer v1beta1 is the case that matters: `vrf`, `dynamicASN`, `interface`,
 * `passwordSecret`… are dropped, and `holdTime`/`keepaliveTime` default to `0s` there, which is
 * what MetalLB's conversion webhook stores for them (docs/validation.md, "BGPPeer v1beta1").
 */

/** The part of an OpenAPI v3 structural schema that pruning and defaulting read. */
export interface StructuralSchema {
  readonly type?: string;
  readonly properties?: Readonly<Record<string, StructuralSchema>>;
  readonly additionalProperties?: StructuralSchema | boolean;
  readonly items?: StructuralSchema;
  readonly default?: unknown;
  readonly 'x-kubernetes-preserve-unknown-fields'?: boolean;
}

/** One CRD: its storage version and the schema of each served version. */
export interface ServedCrd {
  /** Name of the storage version. */
  readonly storage: string;
  /** Served version name → its openAPIV3Schema. */
  readonly served: ReadonlyMap<string, StructuralSchema>;
}

/** CRDs by `<group>/<kind>`. */
export type ServedCrds = ReadonlyMap<string, ServedCrd>;

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads the CustomResourceDefinition documents among `docs` (anything else is skipped). */
export function servedCrdsOf(docs: readonly unknown[]): ServedCrds {
  const out = new Map<string, ServedCrd>();
  for (const d of docs) {
    if (!isObject(d) || d['kind'] !== 'CustomResourceDefinition' || !isObject(d['spec'])) continue;
    const spec = d['spec'];
    const names = isObject(spec['names']) ? spec['names'] : {};
    const versions = Array.isArray(spec['versions']) ? spec['versions'].filter(isObject) : [];
    const served = new Map<string, StructuralSchema>();
    let storage = '';
    for (const v of versions) {
      const schema = isObject(v['schema']) && isObject(v['schema']['openAPIV3Schema']) ? v['schema']['openAPIV3Schema'] : {};
      if (v['served'] === true) served.set(String(v['name']), schema as StructuralSchema);
      if (v['storage'] === true) storage = String(v['name']);
    }
    out.set(`${String(spec['group'])}/${String(names['kind'])}`, { storage, served });
  }
  return out;
}

/** Prunes `value` to `schema` and fills defaults, recording each dropped field path in `dropped`. */
function pruneAndDefault(value: unknown, schema: StructuralSchema, path: string, dropped: string[]): unknown {
  if (Array.isArray(value)) {
    const items = schema.items;
    return items === undefined ? value : value.map((v, i) => pruneAndDefault(v, items, `${path}[${i}]`, dropped));
  }
  if (!isObject(value) || schema['x-kubernetes-preserve-unknown-fields'] === true) return value;
  const props = schema.properties;
  const extra = schema.additionalProperties;
  if (props === undefined) {
    if (!isObject(extra)) return value;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, pruneAndDefault(v, extra, `${path}.${k}`, dropped)]));
  }
  const out: Json = {};
  for (const [k, v] of Object.entries(value)) {
    const sub = props[k];
    if (sub === undefined) dropped.push(`${path}.${k}`.replace(/^\./, ''));
    else out[k] = pruneAndDefault(v, sub, `${path}.${k}`, dropped);
  }
  for (const [k, sub] of Object.entries(props)) {
    if (!(k in out) && sub.default !== undefined) out[k] = pruneAndDefault(structuredClone(sub.default), sub, `${path}.${k}`, dropped);
  }
  return out;
}

/** The object as the cluster stores it, and the fields the served schema dropped. */
export interface Stored {
  /** The object, pruned, defaulted and in the storage version. */
  readonly doc: unknown;
  /** Field paths the served version's schema does not have (dropped by the apiserver). */
  readonly dropped: readonly string[];
}

/** Judges `doc` as the apiserver would store it; documents of kinds without a CRD pass unchanged. */
export function asStored(doc: unknown, crds: ServedCrds): Stored {
  if (!isObject(doc) || typeof doc['apiVersion'] !== 'string') return { doc, dropped: [] };
  const [group, version] = doc['apiVersion'].includes('/') ? doc['apiVersion'].split('/') : ['', doc['apiVersion']];
  const crd = crds.get(`${group ?? ''}/${String(doc['kind'])}`);
  const schema = crd?.served.get(version ?? '');
  if (crd === undefined || schema === undefined) return { doc, dropped: [] };
  const { apiVersion, kind, metadata, ...rest } = doc;
  const dropped: string[] = [];
  const pruned = pruneAndDefault(rest, schema, '', dropped) as Json;
  const storageSchema = crd.served.get(crd.storage) ?? schema;
  const stored = crd.storage === version ? pruned : (pruneAndDefault(pruned, storageSchema, '', []) as Json);
  return { doc: { apiVersion: `${group}/${crd.storage}`, kind, metadata, ...stored }, dropped };
}
