import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sortDocuments } from './documents.ts';

describe('sortDocuments', () => {
  const cases: { desc: string; input: unknown[]; want: { lists: Record<string, number>; ignored: number } }[] = [
    { desc: 'empty', input: [], want: { lists: {}, ignored: 0 } },
    {
      desc: 'every kind, both BGPPeer versions',
      input: ['IPAddressPool', 'BGPPeer', 'BGPPeer', 'BFDProfile', 'Community', 'L2Advertisement', 'BGPAdvertisement', 'Secret', 'Node', 'Namespace']
        .map((kind, i) => ({ kind, apiVersion: i === 2 ? 'metallb.io/v1beta1' : 'x', metadata: { name: `n${i}` } })),
      want: { lists: { pools: 1, peers: 2, bfdProfiles: 1, communities: 1, l2Advertisements: 1, bgpAdvertisements: 1, secrets: 1, nodes: 1, namespaces: 1 }, ignored: 0 },
    },
    { desc: 'null documents skipped, other kinds and scalars ignored', input: [null, { kind: 'ConfigMap' }, 'text', { kind: 'IPAddressPool' }], want: { lists: { pools: 1 }, ignored: 2 } },
    { desc: 'List items expanded', input: [{ kind: 'List', items: [{ kind: 'Node' }, { kind: 'List', items: [{ kind: 'Node' }] }] }], want: { lists: { nodes: 2 }, ignored: 0 } },
  ];
  for (const c of cases) {
    it(c.desc, () => {
      const { resources, ignored } = sortDocuments(c.input);
      const sizes = Object.fromEntries(Object.entries(resources).filter(([, v]) => (v as unknown[]).length > 0).map(([k, v]) => [k, (v as unknown[]).length]));
      assert.deepEqual({ lists: sizes, ignored }, c.want);
    });
  }
});
