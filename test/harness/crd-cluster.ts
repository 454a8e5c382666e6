/**
 * The shared set-up of the CRD-level integration suites: one control plane per suite, every CRD
 * of crds/ installed, one namespace. Kept apart from crds.ts so that benches importing the CRD
 * helpers do not load node:test.
 */
import { after, before } from 'node:test';
import { ControlPlane } from './control-plane.ts';
import { installCrds } from './crds.ts';

/**
 * Registers `before`/`after` hooks on the current suite: a control plane with every CRD of crds/
 * installed and `namespace` created, stopped after the suite. Returns an accessor for it (valid
 * inside the suite's tests and later hooks).
 */
export function useCrdCluster(namespace: string): () => ControlPlane {
  let cp: ControlPlane | undefined;
  before(async () => {
    cp = await ControlPlane.start();
    await installCrds(cp.kubeConfig);
    await cp.ensureNamespace(namespace);
  });
  after(async () => {
    await cp?.stop();
  });
  return () => {
    if (cp === undefined) throw new Error('useCrdCluster: the control plane is used before its before() hook ran');
    return cp;
  };
}
