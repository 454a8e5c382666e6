/**
 * Request options of @kubernetes/client-node's generated API, for the code that still uses it
 * (the speaker, the test harness). The operator uses the raw client (kube-client.ts) and must
 * not import this module: it loads client-node.
 */
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';

/** Request option of the generated client that sends a body as a JSON merge patch. */
export const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
