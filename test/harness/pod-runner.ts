/**
 * The kubelet's part for one pod of the chart, with podman: the pod template as the chart
 * rendered it into the apiserver (a Deployment's or DaemonSet's `spec.template.spec`) becomes
 * podman containers in a lab network namespace, so the images run exactly as the chart wires
 * them: the same command and args, env (values and the fieldRefs the chart uses), user,
 * capabilities, read-only root filesystem, supplemental groups, volumes (emptyDir and configMap
 * as host directories, the ServiceAccount token projected where the in-cluster config looks for
 * it, KUBERNETES_SERVICE_HOST/PORT set), init containers run to completion first, and a shared
 * process namespace when the pod asks for one.
 *
 * A field of the template this runner does not implement fails the start (so a chart change
 * cannot silently run differently here), except those with no effect in a lab: scheduling
 * (tolerations, nodeSelector, affinity, priorityClassName), image pull settings (images are
 * local), DNS, ports (the network namespace is the pod's), resources, probes (not run; the
 * tests wait on the same endpoints themselves), termination messages, and restartPolicy (a
 * container that exits is not restarted: the test sees it gone).
 *
 * ```
 * podman run --rm --network ns:/run/netns/<lab ns> [--pid container:<first container>]
 *   --user U[:G] --group-add G… --cap-drop all --cap-add X… --read-only --read-only-tmpfs=false
 *   --security-opt no-new-privileges -v <pod dir>/vol/<volume>:<mountPath> … -e K=V … IMAGE ARGS…
 * ```
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { V1Container, V1EnvVar, V1PodSpec, V1Volume } from '@kubernetes/client-node';
import { Container, podman, podmanOk } from './podman.ts';

/** Where the ServiceAccount token is mounted in every container (client-node's in-cluster config reads it there). */
const SA_MOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';
/** Pod template fields with no effect in the lab (see the module comment). */
const IGNORED_POD = new Set(['tolerations', 'nodeSelector', 'affinity', 'priorityClassName', 'imagePullSecrets', 'dnsPolicy', 'runtimeClassName',
  'schedulerName', 'restartPolicy']);
const POD_FIELDS = new Set([...IGNORED_POD, 'serviceAccountName', 'serviceAccount', 'hostNetwork', 'terminationGracePeriodSeconds', 'securityContext',
  'volumes', 'initContainers', 'containers', 'shareProcessNamespace']);
const IGNORED_CONTAINER = new Set(['imagePullPolicy', 'ports', 'livenessProbe', 'readinessProbe', 'startupProbe', 'resources',
  'terminationMessagePath', 'terminationMessagePolicy']);
const CONTAINER_FIELDS = new Set([...IGNORED_CONTAINER, 'name', 'image', 'command', 'args', 'env', 'securityContext', 'volumeMounts']);

/** What the runner needs besides the template. */
export interface PodRunOptions {
  /** Pod name (metadata.name); its containers are `<name>-<container>`, so it carries the lab prefix. */
  readonly name: string;
  /** metadata.namespace. */
  readonly namespace: string;
  readonly spec: V1PodSpec;
  /** spec.nodeName. */
  readonly nodeName: string;
  /** status.podIP (with hostNetwork, the node's address). */
  readonly podIP: string;
  /** `ip netns` name of the pod's network: the node's with hostNetwork, else one of the pod's own. */
  readonly netns: string;
  /** Empty directory for the pod's volumes, token and logs. */
  readonly dir: string;
  /** Data of the ConfigMaps the volumes name. */
  readonly configMaps: ReadonlyMap<string, Readonly<Record<string, string>>>;
  /** The ServiceAccount the template names, its token, and the apiserver's CA. */
  readonly serviceAccount: { readonly name: string; readonly token: string; readonly caPem: string };
  /** The apiserver's port on 127.0.0.1 of the pod's network (the lab's apiserver bridge). */
  readonly apiPort: number;
}

/** A running pod: its main containers, started in template order. */
export class PodRun {
  readonly name: string;
  readonly containers: readonly Container[];
  /** Host directory of each volume (emptyDir or configMap), by volume name. */
  readonly volumes: ReadonlyMap<string, string>;

  private constructor(name: string, containers: Container[], volumes: Map<string, string>) {
    this.name = name;
    this.containers = containers;
    this.volumes = volumes;
  }

  /** Prepares the volumes, runs the init containers to completion, starts the containers and waits until they run. */
  static async start(o: PodRunOptions): Promise<PodRun> {
    checkFields(`pod ${o.name}`, o.spec as unknown as Record<string, unknown>, POD_FIELDS);
    if (o.spec.serviceAccountName !== o.serviceAccount.name || (o.spec.serviceAccount ?? o.serviceAccount.name) !== o.serviceAccount.name) {
      throw new Error(`pod ${o.name} runs as ServiceAccount ${String(o.spec.serviceAccountName)}, the token is ${o.serviceAccount.name}'s`);
    }
    const volumes = prepareVolumes(o);
    const sa = join(o.dir, 'serviceaccount');
    mkdirSync(sa, { recursive: true });
    for (const [file, text] of [['token', o.serviceAccount.token], ['ca.crt', o.serviceAccount.caPem], ['namespace', o.namespace]] as const) {
      writeFileSync(join(sa, file), text, { mode: 0o644 });
    }
    const ctx: RunContext = { o, volumes, sa };
    for (const c of o.spec.initContainers ?? []) await runToCompletion(ctx, c);
    const started: Container[] = [];
    try {
      for (const c of o.spec.containers) {
        const pid = o.spec.shareProcessNamespace === true && started[0] !== undefined ? ['--pid', `container:${started[0].name}`] : [];
        const ct = Container.start(`${o.name}-${c.name}`, [...pid, ...await runArgs(ctx, c)], join(o.dir, `${c.name}.log`), o.spec.terminationGracePeriodSeconds ?? 30);
        started.push(ct);
        await ct.waitRunning();
      }
    } catch (e) {
      await Promise.all(started.map((c) => c.stop()));
      throw e;
    }
    return new PodRun(o.name, started, volumes);
  }

  /** The container named `name` in the template. */
  container(name: string): Container {
    const c = this.containers.find((x) => x.name === `${this.name}-${name}`);
    if (c === undefined) throw new RangeError(`pod ${this.name} has no container ${name}`);
    return c;
  }

  /** Stops the containers in reverse order (each removed by --rm). */
  async stop(): Promise<void> {
    for (const c of [...this.containers].reverse()) await c.stop();
  }
}

interface RunContext {
  readonly o: PodRunOptions;
  readonly volumes: ReadonlyMap<string, string>;
  /** Host directory of the projected ServiceAccount token. */
  readonly sa: string;
}

function checkFields(what: string, obj: Record<string, unknown>, known: ReadonlySet<string>): void {
  const unknown = Object.keys(obj).filter((k) => obj[k] !== undefined && !known.has(k));
  if (unknown.length > 0) throw new Error(`${what}: the lab's pod runner does not implement ${unknown.join(', ')}`);
}

/** emptyDir: a 0777 directory (the kubelet's mode); configMap: its keys as files of its defaultMode (0644). */
function prepareVolumes(o: PodRunOptions): Map<string, string> {
  const out = new Map<string, string>();
  for (const v of o.spec.volumes ?? []) {
    const dir = join(o.dir, 'vol', v.name);
    mkdirSync(dir, { recursive: true });
    chmodSync(dir, 0o777);
    fillVolume(v, dir, o.configMaps);
    out.set(v.name, dir);
  }
  return out;
}

function fillVolume(v: V1Volume, dir: string, configMaps: PodRunOptions['configMaps']): void {
  checkFields(`volume ${v.name}`, v as unknown as Record<string, unknown>, new Set(['name', 'emptyDir', 'configMap']));
  const name = v.configMap?.name;
  if (name === undefined) return;
  const data = configMaps.get(name);
  if (data === undefined) throw new Error(`volume ${v.name}: ConfigMap ${name} was not given`);
  checkFields(`volume ${v.name} configMap`, v.configMap as unknown as Record<string, unknown>, new Set(['name', 'defaultMode']));
  chmodSync(dir, 0o755);
  for (const [key, text] of Object.entries(data)) {
    writeFileSync(join(dir, key), text);
    chmodSync(join(dir, key), v.configMap?.defaultMode ?? 0o644);
  }
}

/** Runs an init container in the foreground; throws with its output unless it exits 0. */
async function runToCompletion(ctx: RunContext, c: V1Container): Promise<void> {
  const r = await podman(['run', '--rm', '--pull=never', '--name', `${ctx.o.name}-${c.name}`, ...await runArgs(ctx, c)], { timeoutMs: 120_000 });
  if (r.exitCode !== 0) throw new Error(`init container ${c.name} of ${ctx.o.name} exited ${String(r.exitCode)}: ${r.stdout}${r.stderr}`);
}

/** The `podman run` arguments (after the name) of one container. */
async function runArgs(ctx: RunContext, c: V1Container): Promise<string[]> {
  const { o } = ctx;
  checkFields(`container ${c.name}`, c as unknown as Record<string, unknown>, CONTAINER_FIELDS);
  if (c.image === undefined) throw new Error(`container ${c.name} has no image`);
  const user = await userArgs(o.spec, c, c.image);
  const command = c.command ?? [];
  return [
    '--network', `ns:/run/netns/${o.netns}`,
    ...user, ...securityArgs(c),
    ...(c.volumeMounts ?? []).flatMap((m) => {
      const dir = ctx.volumes.get(m.name);
      if (dir === undefined) throw new Error(`container ${c.name} mounts unknown volume ${m.name}`);
      const ro = m.readOnly === true || o.spec.volumes?.find((v) => v.name === m.name)?.configMap !== undefined;
      return ['--volume', `${dir}:${m.mountPath}${ro ? ':ro' : ''}`];
    }),
    '--volume', `${ctx.sa}:${SA_MOUNT}:ro`,
    ...envArgs(o, c.env ?? []),
    ...(command.length === 0 ? [] : ['--entrypoint', JSON.stringify(command)]),
    c.image, ...(c.args ?? []),
  ];
}

/**
 * `--user` (the container's runAsUser/runAsGroup over the pod's) and `--group-add` (the pod's
 * supplementalGroups and fsGroup); runAsNonRoot is checked against the user the container
 * would run as, the template's or the image's, as the kubelet does.
 */
async function userArgs(pod: V1PodSpec, c: V1Container, image: string): Promise<string[]> {
  const psc = pod.securityContext ?? {};
  const sc = c.securityContext ?? {};
  checkFields('pod securityContext', psc as Record<string, unknown>, new Set(['runAsUser', 'runAsGroup', 'runAsNonRoot', 'fsGroup', 'supplementalGroups']));
  const uid = sc.runAsUser ?? psc.runAsUser;
  const gid = sc.runAsGroup ?? psc.runAsGroup;
  if ((sc.runAsNonRoot ?? psc.runAsNonRoot) === true) {
    const imageUser = (await podmanOk(['image', 'inspect', '--format', '{{.Config.User}}', image])).trim().split(':')[0] ?? '';
    const effective = uid ?? (/^\d+$/.test(imageUser) ? Number(imageUser) : undefined);
    if (effective === undefined || effective === 0) throw new Error(`container ${c.name}: runAsNonRoot, but it would run as ${effective === 0 ? 'root' : `non-numeric user ${JSON.stringify(imageUser)}`}`);
  }
  const groups = [...(psc.supplementalGroups ?? []), ...(psc.fsGroup === undefined ? [] : [psc.fsGroup])];
  return [
    ...(uid === undefined ? [] : ['--user', gid === undefined ? String(uid) : `${String(uid)}:${String(gid)}`]),
    ...groups.flatMap((g) => ['--group-add', String(g)]),
  ];
}

/** Capabilities, a read-only root filesystem (no tmpfs podman would add), no privilege escalation. */
function securityArgs(c: V1Container): string[] {
  const sc = c.securityContext ?? {};
  checkFields(`container ${c.name} securityContext`, sc as Record<string, unknown>,
    new Set(['runAsUser', 'runAsGroup', 'runAsNonRoot', 'allowPrivilegeEscalation', 'readOnlyRootFilesystem', 'capabilities', 'seccompProfile']));
  if (sc.seccompProfile !== undefined && sc.seccompProfile.type !== 'RuntimeDefault') throw new Error(`container ${c.name}: seccomp ${sc.seccompProfile.type}`);
  return [
    ...(sc.capabilities?.drop ?? []).flatMap((cap) => ['--cap-drop', cap.toLowerCase()]),
    ...(sc.capabilities?.add ?? []).flatMap((cap) => ['--cap-add', cap]),
    ...(sc.readOnlyRootFilesystem === true ? ['--read-only', '--read-only-tmpfs=false'] : []),
    ...(sc.allowPrivilegeEscalation === false ? ['--security-opt', 'no-new-privileges'] : []),
  ];
}

/** `--env` for each variable: plain values and the downward-API fields the chart uses, plus the in-cluster apiserver address. */
function envArgs(o: PodRunOptions, env: readonly V1EnvVar[]): string[] {
  const fields: Record<string, string> = {
    'metadata.name': o.name, 'metadata.namespace': o.namespace, 'spec.nodeName': o.nodeName, 'status.podIP': o.podIP,
    'spec.serviceAccountName': o.serviceAccount.name,
  };
  const pairs = env.map((e): [string, string] => {
    if (e.valueFrom === undefined) return [e.name, e.value ?? ''];
    const path = e.valueFrom.fieldRef?.fieldPath;
    const value = path === undefined ? undefined : fields[path];
    if (value === undefined) throw new Error(`env ${e.name}: the lab's pod runner does not implement ${JSON.stringify(e.valueFrom)}`);
    return [e.name, value];
  });
  pairs.push(['KUBERNETES_SERVICE_HOST', '127.0.0.1'], ['KUBERNETES_SERVICE_PORT', String(o.apiPort)]);
  return pairs.flatMap(([k, v]) => ['--env', `${k}=${v}`]);
}
