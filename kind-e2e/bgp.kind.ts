/**
 * The shared BGP e2e suite (test/e2e/suite/bgp-service.ts) on the kind target. Run by
 * kind-e2e/run.sh, which creates the cluster and the router and sets the KIND_E2E_* variables;
 * not a `*.test.ts` file, so `npm test` (which runs the suite on the namespace lab) never picks
 * it up on a machine without Docker.
 */
import { bgpServiceSuite } from '../test/e2e/suite/bgp-service.ts';
import { kindConfigFrom } from './kind-target-core.ts';
import { KindBgpTarget } from './kind-target.ts';

bgpServiceSuite('kind target: operator + speakers (chart pods) → NodePlans → FRR → router container', async () => {
  const c = kindConfigFrom(process.env);
  if (!c.ok) throw new Error(c.error);
  return KindBgpTarget.start(c.value);
});
