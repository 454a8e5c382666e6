/**
 * Runs the shipped CLI, `node bin/metallb-ts.ts explain …`, as a separate process with a user's
 * kubeconfig, as `kubectl metallb explain …` would: the e2e asserts what a user reads.
 */
import { join } from 'node:path';
import { execa } from 'execa';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'metallb-ts.ts');

/** Exit status and output of one explain run. */
export interface ExplainRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `metallb-ts explain <args…> --kubeconfig <kubeconfigPath>` (bounded at 60 s). */
export async function explainCli(kubeconfigPath: string, ...args: string[]): Promise<ExplainRun> {
  const r = await execa(process.execPath, [BIN, 'explain', ...args, '--kubeconfig', kubeconfigPath], { reject: false, stdin: 'ignore', timeout: 60_000 });
  return { code: r.exitCode ?? -1, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
}

/** The JSON document of `explain … --output json` (throws with the output when it is not JSON). */
export async function explainJson<T>(kubeconfigPath: string, ...args: string[]): Promise<T> {
  const r = await explainCli(kubeconfigPath, ...args, '--output', 'json');
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`explain ${args.join(' ')} printed no JSON (exit ${r.code}): ${r.stdout.slice(0, 500)}${r.stderr.slice(0, 500)}`);
  }
}
