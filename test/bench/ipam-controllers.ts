/**
 * The two controllers the IPAM bench compares, behind one shape: this project's operator (a child
 * `node operator/src/main.ts`) and, for `--vs-metallb`, the real MetalLB controller: the binary
 * named by `METALLB_TS_METALLB_CONTROLLER=/path/to/controller`, else the one hack/build-metallb.sh
 * builds from MetalLB's Go module (cached after the first build; docs/metallb-side-by-side.md).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import type { ControlPlane } from '../harness/control-plane.ts';
import { freePorts, spawnLogged, stopProcess, type ManagedProcess } from '../harness/control-plane-process.ts';
import { OperatorProcess, rssKiBOf } from '../harness/operator-process.ts';
import { MEMORY_PROBE_PRELOAD, memorySamplesOf, type MemorySample } from './memory-probe.ts';

/** Environment variable naming a MetalLB controller binary. */
export const METALLB_CONTROLLER_ENV = 'METALLB_TS_METALLB_CONTROLLER';

/** A started controller. */
export interface RunningController {
  readonly pid: number;
  readonly logFile: string;
  /** Resident memory in KiB, undefined once exited. */
  rssKiB(): number | undefined;
  /** Node memory samples (our operator only; [] for MetalLB). */
  memorySamples(): MemorySample[];
  stop(): Promise<void>;
}

/** Which controller, and how to start it on a control plane. */
export interface ControllerUnderTest {
  readonly name: 'metallb-ts' | 'metallb';
  start(cp: ControlPlane, namespace: string): Promise<RunningController>;
}

/** Options of {@link oursController}. */
export interface OursOptions {
  /** Further node flags (e.g. `--max-old-space-size=…`). */
  readonly nodeFlags?: readonly string[];
  readonly logLevel?: string;
}

/** This project's operator, with the memory probe preloaded. */
export function oursController(o: OursOptions = {}): ControllerUnderTest {
  return {
    name: 'metallb-ts',
    start: async (cp, namespace) => {
      const op = await OperatorProcess.start({
        kubeconfigPath: cp.kubeconfigPath, namespace, identity: 'bench', logFile: join(cp.dir, 'operator.log'),
        logLevel: o.logLevel ?? 'warn', nodeFlags: [`--import=${MEMORY_PROBE_PRELOAD}`, ...(o.nodeFlags ?? [])],
      });
      return {
        pid: op.pid, logFile: op.logFile, rssKiB: () => op.rssKiB(),
        memorySamples: () => memorySamplesOf(op.logFile), stop: () => op.stop(),
      };
    },
  };
}

/** The script that builds (or finds cached) the MetalLB controller; prints its path last. */
export const BUILD_METALLB_SCRIPT = join(import.meta.dirname, '..', '..', 'hack', 'build-metallb.sh');

/** Runs {@link BUILD_METALLB_SCRIPT} (progress on our stderr) and returns the path it printed. */
export function buildMetallb(): string {
  const stdout = execFileSync('bash', [BUILD_METALLB_SCRIPT], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return stdout.trim().split('\n').at(-1) ?? '';
}

/**
 * The MetalLB controller binary `--vs-metallb` runs: `METALLB_TS_METALLB_CONTROLLER` when set,
 * else whatever `build` returns (the build script by default). Throws when the file is missing.
 */
export function metallbBinary(env: NodeJS.ProcessEnv = process.env, build: () => string = buildMetallb): string {
  const named = env[METALLB_CONTROLLER_ENV];
  const bin = named === undefined || named === '' ? build() : named;
  const origin = bin === named ? `${METALLB_CONTROLLER_ENV}=${bin}` : `${BUILD_METALLB_SCRIPT} printed ${JSON.stringify(bin)}`;
  if (!existsSync(bin)) throw new Error(`${origin}: no such file (see docs/metallb-side-by-side.md)`);
  return bin;
}

/** The MetalLB controller pod name the bench creates (the controller reads its own Pod). */
const METALLB_POD = 'metallb-controller-bench';

/** The real MetalLB controller at `binary`, webhooks and metrics off. */
export function metallbController(binary: string): ControllerUnderTest {
  return {
    name: 'metallb',
    start: async (cp, namespace) => {
      await ensurePod(cp, namespace, METALLB_POD);
      const [health] = await freePorts(1);
      const proc: ManagedProcess = spawnLogged('metallb-controller', binary, [
        `--kubeconfig=${cp.kubeconfigPath}`, `--namespace=${namespace}`, `--pod-name=${METALLB_POD}`,
        '--webhook-mode=disabled', '--port=0',
        `--health-probe-port=${String(health ?? 0)}`, '--log-level=warn',
      ], join(cp.dir, 'metallb-controller.log'));
      return {
        pid: proc.pid, logFile: proc.logFile, rssKiB: () => rssKiBOf(proc.pid),
        memorySamples: () => [], stop: () => stopProcess(proc, 10_000),
      };
    },
  };
}

/** Creates a (never scheduled) Pod object named `name`, if missing. */
async function ensurePod(cp: ControlPlane, namespace: string, name: string): Promise<void> {
  const core = cp.kubeConfig.makeApiClient(CoreV1Api);
  try {
    await core.createNamespacedPod({ namespace, body: { metadata: { name, namespace, labels: { app: 'metallb', component: 'controller' } }, spec: { containers: [{ name: 'controller', image: 'metallb/controller:v0.16.2' }] } } });
  } catch (e) {
    if ((e as { code?: number }).code !== 409) throw e;
  }
}
