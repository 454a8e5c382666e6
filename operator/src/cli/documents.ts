/**
 * Sorting parsed YAML documents into ClusterResources by kind. metallb.io kinds, Secrets, Nodes
 * and Namespaces are kept (BGPPeer v1beta1 too: its fields are a subset of v1beta2, and its
 * legacy nodeSelectors serialise like LabelSelectors); everything else is counted and ignored.
 */
import type { ClusterResources } from '../config/resources.ts';

type Lists = { -readonly [K in keyof ClusterResources]: unknown[] };

const LIST_FOR_KIND: Readonly<Record<string, keyof ClusterResources>> = {
  IPAddressPool: 'pools', BGPPeer: 'peers', BFDProfile: 'bfdProfiles', Community: 'communities',
  L2Advertisement: 'l2Advertisements', BGPAdvertisement: 'bgpAdvertisements', Secret: 'secrets',
  Node: 'nodes', Namespace: 'namespaces',
};

/** The resources found, and how many documents were of some other kind. */
export interface SortedDocuments {
  /** The documents, by list. */
  readonly resources: ClusterResources;
  /** Documents of kinds configFor does not read. */
  readonly ignored: number;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Expands `kind: List` documents into their items. */
function flatten(docs: readonly unknown[]): unknown[] {
  return docs.flatMap((d) => (isObject(d) && d['kind'] === 'List' && Array.isArray(d['items']) ? flatten(d['items']) : [d]));
}

/** Sorts documents by kind; null documents (empty YAML documents) are skipped. */
export function sortDocuments(docs: readonly unknown[]): SortedDocuments {
  const lists: Lists = {
    pools: [], peers: [], bfdProfiles: [], communities: [], l2Advertisements: [], bgpAdvertisements: [],
    secrets: [], nodes: [], namespaces: [],
  };
  let ignored = 0;
  for (const doc of flatten(docs)) {
    if (doc === null || doc === undefined) continue;
    const kind = isObject(doc) && typeof doc['kind'] === 'string' ? doc['kind'] : '';
    const list = Object.hasOwn(LIST_FOR_KIND, kind) ? LIST_FOR_KIND[kind] : undefined;
    if (list === undefined) ignored++;
    else lists[list].push(doc);
  }
  // The YAML is only shape-checked by configFor itself; the CLI reports a crash on a document
  // that is not even object-shaped as unreadable input (exit 2).
  return { resources: lists as unknown as ClusterResources, ignored };
}
