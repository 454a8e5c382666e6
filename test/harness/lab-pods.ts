/**
 * The chart's pods in the namespace lab, from the project's images (hack/build-images.sh): the
 * speaker DaemonSet's pod on a lab node (hostNetwork: the node's namespace; the speaker and FRR
 * sidecar containers sharing /etc/frr and /var/run/frr as the template says), and the controller
 * Deployment's pod in a namespace of its own. Both templates are read back from the apiserver the
 * chart was installed into and run by pod-runner.ts; each pod reaches the apiserver in-cluster
 * style (KUBERNETES_SERVICE_HOST=127.0.0.1 through the namespace's apiserver bridge, its
 * ServiceAccount's token projected).
 */
import { join } from 'node:path';
import { AppsV1Api, CoreV1Api, type V1PodSpec } from '@kubernetes/client-node';
import { pollUntil } from '@metallb-ts/lib/time/poll.ts';
import { logTail } from './control-plane-process.ts';
import type { ControlPlane } from './control-plane.ts';
import { FrrInstance } from './frr.ts';
import { startApiBridge, type ApiBridge } from './lab-api-bridge.ts';
import type { HostRole, Lab } from './lab.ts';
import { addNetns, run, runOk } from './netns.ts';
import { PodRun } from './pod-runner.ts';

/** The chart's object names for release `metallb-ts` (templates/_helpers.tpl). */
const SPEAKER_DAEMONSET = 'metallb-ts-speaker';
const CONTROLLER_DEPLOYMENT = 'metallb-ts-controller';

/** A chart pod and its apiserver bridge. */
export interface LabPod {
  readonly pod: PodRun;
  /** Log files of the pod's containers. */
  readonly logFiles: readonly string[];
  stop(): Promise<void>;
}

/** The speaker pod on a node; {@link frr} reads the sidecar's FRR through the shared socket directory. */
export interface SpeakerPod extends LabPod {
  readonly frr: FrrInstance;
}

/** Options shared by both pods. */
export interface LabPodOptions {
  readonly cp: ControlPlane;
  readonly lab: Lab;
  /** The chart's release namespace. */
  readonly namespace: string;
  /** Lifetime of the ServiceAccount token (default 1 h). */
  readonly tokenSeconds?: number;
}

/** Starts the chart's speaker pod (init container, speaker, FRR sidecar) on lab node `role`. */
export async function startSpeakerPod(o: LabPodOptions & { readonly role: HostRole }): Promise<SpeakerPod> {
  const ds = await o.cp.kubeConfig.makeApiClient(AppsV1Api).readNamespacedDaemonSet({ namespace: o.namespace, name: SPEAKER_DAEMONSET });
  const spec = ds.spec?.template.spec;
  if (spec?.hostNetwork !== true) throw new Error(`DaemonSet ${SPEAKER_DAEMONSET}: no pod template with hostNetwork`);
  const ns = o.lab.ns(o.role);
  const name = `${o.lab.prefix}speaker-${o.role}`;
  const running = await startPod(o, { name, spec, netns: ns, nodeName: o.role, podIP: o.lab.addr(o.role).v4 });
  const sockets = running.pod.volumes.get(mountedVolume(spec, 'frr', '/var/run/frr'));
  if (sockets === undefined) throw new Error('the FRR sidecar has no /var/run/frr volume');
  return { ...running, frr: new FrrInstance(ns, sockets) };
}

/** Starts the chart's controller pod in a new namespace `<lab prefix>controller` (removed with the lab); waits until it leads and synced. */
export async function startControllerPod(o: LabPodOptions): Promise<LabPod> {
  const dep = await o.cp.kubeConfig.makeApiClient(AppsV1Api).readNamespacedDeployment({ namespace: o.namespace, name: CONTROLLER_DEPLOYMENT });
  const spec = dep.spec?.template.spec;
  if (spec === undefined) throw new Error(`Deployment ${CONTROLLER_DEPLOYMENT} has no pod template`);
  const ns = `${o.lab.prefix}controller`;
  await addNetns(ns);
  await runOk('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
  const running = await startPod(o, { name: `${o.lab.prefix}controller-0`, spec, netns: ns, nodeName: 'node-0', podIP: '127.0.0.1' });
  const port = healthPort(spec);
  const ready = await pollUntil(async () => {
    if (running.pod.containers.some((c) => c.hasExited())) return 'exited' as const;
    return (await getInNetns(ns, `http://127.0.0.1:${port}/readyz`)) === 200 ? ('ready' as const) : undefined;
  }, { timeoutMs: 60_000, intervalMs: 500 });
  if (!ready.ok || ready.value === 'exited') {
    const tails = running.logFiles.map((f) => logTail(f)).join('\n');
    await running.stop();
    throw new Error(`controller pod not ready (${ready.ok ? 'exited' : 'timeout'}):\n${tails}`);
  }
  return running;
}

interface PodPlacement {
  readonly name: string;
  readonly spec: V1PodSpec;
  readonly netns: string;
  readonly nodeName: string;
  readonly podIP: string;
}

async function startPod(o: LabPodOptions, p: PodPlacement): Promise<LabPod> {
  const sa = p.spec.serviceAccountName ?? 'default';
  const kc = await o.cp.kubeConfigFor(o.namespace, sa, { expirationSeconds: o.tokenSeconds ?? 3600 });
  const token = kc.getCurrentUser()?.token;
  const caData = kc.getCurrentCluster()?.caData;
  if (token === undefined || caData === undefined) throw new Error(`no token or CA for ServiceAccount ${sa}`);
  const dir = join(o.lab.dir, `pod-${p.name}`);
  const bridge: ApiBridge = await startApiBridge({ ns: p.netns, name: p.name, dir: o.lab.dir, server: o.cp.server });
  try {
    const pod = await PodRun.start({
      ...p, namespace: o.namespace, dir, configMaps: await configMapsOf(o, p.spec),
      serviceAccount: { name: sa, token, caPem: Buffer.from(caData, 'base64').toString('utf8') },
      apiPort: Number(new URL(o.cp.server).port),
    });
    return {
      pod, logFiles: pod.containers.map((c) => c.logFile),
      stop: async () => {
        await pod.stop();
        await bridge.stop();
      },
    };
  } catch (e) {
    await bridge.stop();
    throw e;
  }
}

/** The data of every ConfigMap the template's volumes name, read from the apiserver. */
async function configMapsOf(o: LabPodOptions, spec: V1PodSpec): Promise<Map<string, Record<string, string>>> {
  const core = o.cp.kubeConfig.makeApiClient(CoreV1Api);
  const out = new Map<string, Record<string, string>>();
  for (const v of spec.volumes ?? []) {
    const name = v.configMap?.name;
    if (name === undefined) continue;
    const cm = await core.readNamespacedConfigMap({ namespace: o.namespace, name });
    out.set(name, cm.data ?? {});
  }
  return out;
}

/** The volume container `container` mounts at `path`. */
function mountedVolume(spec: V1PodSpec, container: string, path: string): string {
  const m = spec.containers.find((c) => c.name === container)?.volumeMounts?.find((v) => v.mountPath === path);
  if (m === undefined) throw new Error(`container ${container} mounts nothing at ${path}`);
  return m.name;
}

/** The port of the first container's `health` port (the controller's /readyz). */
function healthPort(spec: V1PodSpec): number {
  const p = spec.containers[0]?.ports?.find((x) => x.name === 'health')?.containerPort;
  if (p === undefined) throw new Error('the controller container has no health port');
  return p;
}

/** HTTP status of a GET from inside namespace `ns` (bounded); 0 when nothing answers. */
export async function getInNetns(ns: string, url: string): Promise<number> {
  const script = `fetch(${JSON.stringify(url)},{signal:AbortSignal.timeout(2000)}).then((r)=>console.log(r.status),()=>console.log(0))`;
  const r = await run('ip', ['netns', 'exec', ns, process.execPath, '-e', script], { timeoutMs: 5_000 });
  return Number(r.stdout.trim()) || 0;
}
