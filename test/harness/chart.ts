/**
 * Helpers for the Helm chart tests: where the chart and its fixtures are, rendering with the
 * pinned helm, and reading what a rendered manifest holds.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { CommandResult, ControlPlane } from './control-plane.ts';
import { waitCrdsEstablished } from './crds.ts';

const repoRoot = join(import.meta.dirname, '..', '..');

/** The chart directory. */
export const CHART = join(repoRoot, 'charts', 'metallb-ts');
/** Values files and stand-in CRDs for the chart tests. */
export const FIXTURES = join(repoRoot, 'test', 'fixtures', 'chart');

/** Runs helm against `cp` and fails the test, with helm's output, unless it exits 0. */
export async function helmOk(cp: ControlPlane, args: readonly string[]): Promise<CommandResult> {
  const r = await cp.helm(args);
  assert.equal(r.exitCode, 0, `helm ${args.join(' ')}:\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** The chart's release name in the tests and the demo (its objects are named `metallb-ts-…`). */
export const RELEASE = 'metallb-ts';
/** What the chart names for release {@link RELEASE}: ServiceAccounts, the operator's Deployment and Lease. */
export const CHART_NAMES = {
  controllerServiceAccount: 'metallb-ts-controller', speakerServiceAccount: 'metallb-ts-speaker',
  deployment: 'metallb-ts-controller', lease: 'metallb-ts-controller',
} as const;

/**
 * `helm install` of the chart into `namespace` (created first; a bare apiserver has no
 * namespace controller), then waits until its CRDs are Established so CRs can be applied.
 */
export async function installChart(cp: ControlPlane, namespace: string, args: readonly string[] = []): Promise<CommandResult> {
  await cp.ensureNamespace(namespace);
  const r = await helmOk(cp, ['install', RELEASE, CHART, '-n', namespace, ...args]);
  await waitCrdsEstablished(cp.kubeConfig);
  return r;
}

/** `helm template metallb-ts <chart> -n <ns> ...args`: the manifest (the test fails if helm does). */
export async function renderChart(cp: ControlPlane, namespace: string, args: readonly string[]): Promise<string> {
  return (await helmOk(cp, ['template', 'metallb-ts', CHART, '-n', namespace, ...args])).stdout;
}

/** The top-level `kind`s in a multi-document manifest. */
export function kindsOf(manifest: string): Set<string> {
  return new Set([...manifest.matchAll(/^kind: (\w+)$/gm)].map((m) => m[1] ?? ''));
}

/**
 * Dotted key paths of a values tree: only the leaves (an empty map or list is a leaf), or with
 * `everyPrefix` every map key on the way too (so `a.b` counts as set when `a.b.c` is).
 */
export function leafPaths(value: unknown, everyPrefix = false, prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || Object.keys(value).length === 0) return [prefix];
  const below = Object.entries(value).flatMap(([k, v]) => leafPaths(v, everyPrefix, prefix === '' ? k : `${prefix}.${k}`));
  return everyPrefix && prefix !== '' ? [prefix, ...below] : below;
}
