/** The chart's CRDs must be exact copies of crds/ (plus the generated header). */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CHART_CRDS_DIR, renderChartCrds, yamlFiles } from './sync-chart-crds.ts';

const repoRoot = join(import.meta.dirname, '..');
const hint = 'run: node hack/sync-chart-crds.ts';

test('the chart (charts/metallb-ts/charts/crds/crds) holds exactly the copies of crds/', () => {
  const want = renderChartCrds(repoRoot);
  const dir = join(repoRoot, CHART_CRDS_DIR);
  assert.deepEqual(yamlFiles(dir), [...want.keys()], `chart CRD files differ from crds/: ${hint}`);
  for (const [name, text] of want) {
    assert.ok(readFileSync(join(dir, name), 'utf8') === text, `${CHART_CRDS_DIR}/${name} is stale: ${hint}`);
  }
});
