/**
 * The operator binary's entry:
 *
 *   node operator/src/main.ts --kubeconfig ~/.kube/config --namespace metallb-system
 *
 * It first re-executes itself with the operator's V8 heap flags and turns on the compile cache
 * (see @metallb-ts/lib/runtime/relaunch.ts and docs/operator-memory.md), then loads the operator
 * (run-operator.ts). Nothing heavy may be imported statically here.
 */
import { relaunchWithHeapFlags } from '@metallb-ts/lib/runtime/relaunch.ts';

relaunchWithHeapFlags();
await import('./run-operator.ts');
