/**
 * The committed API types must be exactly what hack/gen-api-types.ts renders from crds/*.yaml, so
 * that a CRD change cannot ship without the matching TypeScript change.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { GENERATED_PATH, readCrdTexts, renderApiTypes } from '../../../hack/gen-api-types.ts';

const repoRoot = join(import.meta.dirname, '..', '..', '..');

test('types.generated.ts matches the CRDs', () => {
  const committed = readFileSync(join(repoRoot, GENERATED_PATH), 'utf8');
  const fresh = renderApiTypes(readCrdTexts(repoRoot));
  assert.ok(committed === fresh, `${GENERATED_PATH} is stale: run: node hack/gen-api-types.ts`);
});

test('every kind has its coordinates and types', async () => {
  const api = await import('./types.generated.ts');
  const kinds = api.METALLB_RESOURCES.map((r) => `${r.kind}/${r.version}`).sort();
  assert.deepEqual(kinds, [
    'BFDProfile/v1beta1', 'BGPAdvertisement/v1beta1', 'BGPPeer/v1beta1', 'BGPPeer/v1beta2',
    'Community/v1beta1', 'ConfigurationState/v1beta1', 'IPAddressPool/v1beta1',
    'L2Advertisement/v1beta1', 'NodePlan/v1alpha1', 'ServiceBGPStatus/v1beta1', 'ServiceL2Status/v1beta1',
  ]);
  assert.deepEqual(api.BGPPEER, { group: 'metallb.io', version: 'v1beta2', plural: 'bgppeers', kind: 'BGPPeer' });
});
