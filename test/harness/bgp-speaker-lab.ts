/**
 * A BGP lab with the speaker as a real process: a ControlPlane (CRDs installed), a Lab with N
 * nodes and a router, FRR on every node and on the router (eBGP, AS 64512 nodes → 64513 router,
 * IPv4 and IPv6 sessions, optional TCP-MD5 password and BFD), and one speaker process per node
 * inside the node's namespace. Tests write NodePlans and password Secrets by hand and read the
 * router's tables. Used by test/e2e/bgp-speaker.test.ts and test/bench/bgp.bench.ts.
 *
 * With `chart: true` the Helm chart is installed instead of the bare CRDs (`helm install` into
 * the apiserver), and the speakers — and the operator, {@link BgpSpeakerLab.startOperator} —
 * authenticate with TokenRequest tokens of the chart's own ServiceAccounts, so they run under
 * exactly the RBAC the chart grants (test/e2e/bgp-operator-speaker.test.ts and the demo).
 *
 * With `pods: n` as well, the first n nodes run the chart's speaker pod instead (the speaker and
 * FRR sidecar images as containers in the node's namespace, lab-pods.ts), and the operator runs
 * as the chart's controller pod (test/e2e/images.test.ts); the images must have been built.
 *
 * With `layer2: true` the speakers also run layer 2 as the chart's DaemonSet sets it up
 * (METALLB_ML_BIND_ADDR = the node's LAN address, METALLB_ML_LABELS = the chart's speaker pod
 * labels), and a Pod per node carries those labels and the node's address as its podIP (a bare
 * apiserver has no kubelet): the speakers find their gossip seeds through the API
 * (test/e2e/layer2-operator-speaker.test.ts).
 */
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { NODEPLAN, type NodePlan, type NodePlanSpec } from '@metallb-ts/lib/api/types.generated.ts';
import { orMissing } from '@metallb-ts/lib/k8s/api-errors.ts';
import { mergePatch } from '@metallb-ts/lib/k8s/client-node-options.ts';
import { encodeFrrConfig } from '@metallb-ts/lib/plan/frr-config-codec.ts';
import { placeholderKeysOf, passwordPlaceholder } from '@metallb-ts/lib/plan/password-placeholder.ts';
import { pollUntil } from '@metallb-ts/lib/time/poll.ts';
import { CHART_NAMES, installChart } from './chart.ts';
import { startControllerPod, startSpeakerPod, type LabPod, type SpeakerPod } from './lab-pods.ts';
import { ControlPlane } from './control-plane.ts';
import { installCrds } from './crds.ts';
import type { FrrInstance, FrrVersion } from './frr.ts';
import { Lab } from './lab.ts';
import { OperatorProcess, type OperatorProcessOptions } from './operator-process.ts';
import { SpeakerProcess } from './speaker-process.ts';

/** The namespace of plans and Secrets. */
export const PLAN_NS = 'metallb-system';
export const ROUTER4 = '192.0.2.1';
export const ROUTER6 = '2001:db8:0:1::1';
const BFD_PROFILE = ['bfd', ' profile fast', '  receive-interval 100', '  transmit-interval 100', '  detect-multiplier 3', ' exit', 'exit'];

/** Polls `read` every 100 ms (bounded, 30 s unless told) until `holds`; fails with the last observation. */
export async function eventually<T>(what: string, read: () => Promise<T>, holds: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  let last: T | undefined;
  const r = await pollUntil(async () => {
    last = await read();
    return holds(last) ? last : undefined;
  }, { timeoutMs, intervalMs: 100 });
  assert.ok(r.ok, `${what}; last seen: ${JSON.stringify(last)}`);
  return r.value;
}

/** What one node's config holds. */
export interface NodeConfOptions {
  readonly index: number;
  readonly v4: readonly string[];
  /** Also peer with the router over IPv6 (a second session). */
  readonly v6Peer?: boolean;
  /** Secret key of the IPv4 session's password. */
  readonly passwordKey?: string;
  readonly bfd?: boolean;
}

/** A node's frr.conf as MetalLB's FRR mode lays it out (fast timers for tests). */
export function speakerNodeConf(o: NodeConfOptions): string {
  const peers = [ROUTER4, ...(o.v6Peer === true ? [ROUTER6] : [])];
  return [
    'frr defaults traditional',
    `hostname node-${o.index}`,
    'router bgp 64512',
    ` bgp router-id 192.0.2.${10 + o.index}`,
    ' no bgp ebgp-requires-policy', ' no bgp network import-check', ' no bgp default ipv4-unicast',
    ...peers.flatMap((p) => [` neighbor ${p} remote-as 64513`, ` neighbor ${p} timers 1 3`, ` neighbor ${p} timers connect 1`,
      ...(o.bfd === true ? [` neighbor ${p} bfd`, ` neighbor ${p} bfd profile fast`] : [])]),
    ...(o.passwordKey === undefined ? [] : [` neighbor ${ROUTER4} password ${passwordPlaceholder(o.passwordKey)}`]),
    ' address-family ipv4 unicast', ...o.v4.map((n) => `  network ${n}`), `  neighbor ${ROUTER4} activate`, ' exit-address-family',
    ...(o.v6Peer === true ? [' address-family ipv6 unicast', `  neighbor ${ROUTER6} activate`, ' exit-address-family'] : []),
    'exit',
    ...(o.bfd === true ? BFD_PROFILE : []),
    '',
  ].join('\n');
}

/** The router: one IPv4 and one IPv6 session per node, ECMP over the nodes, optional password/BFD. */
export function speakerRouterConf(nodes: number, o: { readonly password?: string; readonly bfd?: boolean } = {}): string {
  const n4 = Array.from({ length: nodes }, (_, i) => `192.0.2.${10 + i}`);
  const n6 = Array.from({ length: nodes }, (_, i) => `2001:db8:0:1::${10 + i}`);
  return [
    'frr defaults traditional',
    'router bgp 64513',
    ' bgp router-id 192.0.2.1',
    ' no bgp ebgp-requires-policy', ' no bgp default ipv4-unicast',
    ...[...n4, ...n6].flatMap((n) => [` neighbor ${n} remote-as 64512`, ` neighbor ${n} timers 1 3`, ` neighbor ${n} timers connect 1`,
      ...(o.bfd === true ? [` neighbor ${n} bfd`, ` neighbor ${n} bfd profile fast`] : [])]),
    ...(o.password === undefined ? [] : [` neighbor ${n4[0]} password ${o.password}`]),
    ' address-family ipv4 unicast', '  maximum-paths 8', ...n4.map((n) => `  neighbor ${n} activate`), ' exit-address-family',
    ' address-family ipv6 unicast', '  maximum-paths 8', ...n6.map((n) => `  neighbor ${n} activate`), ' exit-address-family',
    'exit',
    ...(o.bfd === true ? BFD_PROFILE : []),
    '',
  ].join('\n');
}

/** FRR's `show ip route <prefix> json`, the fields read here. */
export type RouteJson = Record<string, Array<{ selected?: boolean; nexthops?: Array<{ ip?: string; active?: boolean }> }>>;

/** The active next hops of the selected routes for `prefix` in `show ip route <prefix> json`, sorted. */
export function activeNextHops(j: RouteJson, prefix: string): string[] {
  const routes = j[prefix] ?? [];
  return routes.filter((r) => r.selected === true).flatMap((r) => (r.nexthops ?? []).filter((n) => n.active === true).map((n) => n.ip ?? '')).sort();
}

/** The memberlist Secret the operator creates (the chart's default speaker.memberlist.secretName). */
const MEMBERLIST_SECRET = 'memberlist';

/** Waits (bounded) until Secret `name` exists. */
async function waitForSecret(cp: ControlPlane, namespace: string, name: string): Promise<void> {
  const core = cp.kubeConfig.makeApiClient(CoreV1Api);
  await eventually(`Secret ${namespace}/${name} exists`, () => orMissing(core.readNamespacedSecret({ namespace, name }), undefined), (s) => s !== undefined);
}

const optionalTokenSeconds = (o: BgpSpeakerLabOptions): { tokenSeconds?: number } => (o.tokenSeconds === undefined ? {} : { tokenSeconds: o.tokenSeconds });

/** Options of {@link BgpSpeakerLab.start}. */
export interface BgpSpeakerLabOptions {
  readonly nodes: number;
  /** TCP-MD5 password of the router's session with node-0 (default router config only). */
  readonly routerPassword?: string;
  /** BFD 100 ms × 3 on the router's sessions (default router config only). */
  readonly bfd?: boolean;
  /** The speakers' FRR state poll interval. */
  readonly stateIntervalMs?: number;
  /** The router's frr.conf instead of {@link speakerRouterConf}. */
  readonly routerConf?: string;
  /** Extra topology (links, loopback addresses), run before any FRR starts. */
  readonly prepare?: (lab: Lab) => Promise<void>;
  /** Install the Helm chart and run the binaries with its ServiceAccounts' tokens (see the module comment). */
  readonly chart?: boolean;
  /** Lifetime of those tokens (default 1 h; the demo runs longer). */
  readonly tokenSeconds?: number;
  /** Told what is being started or waited for, before each step (the demo prints it). */
  readonly progress?: (what: string) => void;
  /** With `chart`: how many nodes (from node-0) run the chart's speaker pod, and the operator as its controller pod (see the module comment). */
  readonly pods?: number;
  /** Layer 2 in the speakers, gossip seeds from speaker Pods (see the module comment). */
  readonly layer2?: boolean;
  /** The FRR build of each node by index (default the machine's 8.4 everywhere); the router runs 8.4. */
  readonly nodeFrr?: readonly FrrVersion[];
}

/** The speaker pods' labels as the chart sets them and passes them in METALLB_ML_LABELS. */
export const SPEAKER_POD_LABELS = { 'app.kubernetes.io/name': 'metallb-ts', 'app.kubernetes.io/component': 'speaker' } as const;

/** What kubelet would do for the DaemonSet: one speaker Pod per node, Running, its podIP the node's LAN address. */
async function createSpeakerPods(cp: ControlPlane, lab: Lab): Promise<void> {
  const core = cp.kubeConfig.makeApiClient(CoreV1Api);
  for (const node of lab.nodes) {
    const name = `speaker-${node}`;
    await core.createNamespacedPod({ namespace: PLAN_NS, body: {
      metadata: { name, labels: { ...SPEAKER_POD_LABELS } },
      spec: { nodeName: node, hostNetwork: true, serviceAccountName: CHART_NAMES.speakerServiceAccount, containers: [{ name: 'speaker', image: 'localhost/metallb-ts-speaker' }] },
    } });
    const ip = lab.addr(node).v4;
    await core.patchNamespacedPodStatus({ namespace: PLAN_NS, name, body: { status: { phase: 'Running', podIP: ip, podIPs: [{ ip }] } } }, mergePatch);
  }
}

/** The chart DaemonSet's layer-2 environment for a speaker on `node`. */
function layer2Env(lab: Lab, node: string): Record<string, string> {
  return {
    METALLB_ML_BIND_ADDR: lab.addr(node as `node-${number}`).v4,
    METALLB_ML_LABELS: Object.entries(SPEAKER_POD_LABELS).map(([k, v]) => `${k}=${v}`).join(','),
  };
}

/** One path of a prefix in an FRR BGP table (`show bgp ipv4 unicast <prefix> json`), fields as FRR 8.4 names them. */
export interface BgpPath {
  readonly locPrf?: number;
  readonly stale?: boolean;
  readonly valid?: boolean;
  readonly community?: { readonly string: string };
  readonly largeCommunity?: { readonly string: string };
  readonly nexthops?: ReadonlyArray<{ readonly ip?: string; readonly interface?: string }>;
  readonly peer?: { readonly peerId?: string; readonly interface?: string; readonly type?: string };
}

/** The paths `frr` holds for an IPv4 prefix (none when the prefix is absent). */
export async function bgpPaths(frr: FrrInstance, prefix: string): Promise<BgpPath[]> {
  const j = await frr.vtyshJson<{ paths?: BgpPath[] }>(`show bgp ipv4 unicast ${prefix} json`);
  return j.paths ?? [];
}

/** Optional plan fields. */
export type PlanExtras = Pick<NodePlanSpec, 'passwordSecretName' | 'bgpPeers' | 'bgpServices'>;

/** The running lab. */
export class BgpSpeakerLab {
  readonly cp: ControlPlane;
  readonly lab: Lab;
  readonly router: FrrInstance;
  readonly nodes: FrrInstance[];
  /** The speaker processes, of the nodes that run no speaker pod. */
  readonly speakers: SpeakerProcess[];
  /** The chart's speaker pods, of the first `pods` nodes. */
  readonly speakerPods: SpeakerPod[];
  /** The kubeconfig the operator runs with: the chart controller's token, or the admin's. */
  readonly operatorKubeconfigPath: string;
  #operator: OperatorProcess | undefined;
  #controllerPod: LabPod | undefined;

  private constructor(cp: ControlPlane, lab: Lab, router: FrrInstance, nodes: FrrInstance[], speakers: SpeakerProcess[],
    speakerPods: SpeakerPod[], controllerPod: LabPod | undefined, operatorKubeconfigPath: string) {
    this.#controllerPod = controllerPod;
    this.cp = cp;
    this.lab = lab;
    this.router = router;
    this.nodes = nodes;
    this.speakers = speakers;
    this.speakerPods = speakerPods;
    this.operatorKubeconfigPath = operatorKubeconfigPath;
  }

  /** Starts everything; node FRRs start empty (the speakers configure them). */
  static async start(o: BgpSpeakerLabOptions): Promise<BgpSpeakerLab> {
    const progress = o.progress ?? (() => undefined);
    progress('starting etcd and kube-apiserver');
    const cp = await ControlPlane.start();
    let lab: Lab | undefined;
    const speakers: SpeakerProcess[] = [];
    const speakerPods: SpeakerPod[] = [];
    let controllerPod: LabPod | undefined;
    if (o.pods !== undefined && o.chart !== true) throw new Error('pods need the chart (chart: true)');
    try {
      const tokens = { expirationSeconds: o.tokenSeconds ?? 3600 };
      let speakerKubeconfig = cp.kubeconfigPath;
      let operatorKubeconfig = cp.kubeconfigPath;
      if (o.chart === true) {
        progress(`helm install ${PLAN_NS} chart (CRDs, RBAC, ServiceAccounts) and waiting for the CRDs to be Established`);
        await installChart(cp, PLAN_NS);
        progress('minting ServiceAccount tokens (TokenRequest) for the chart\'s controller and speaker');
        speakerKubeconfig = await cp.kubeconfigFileFor(PLAN_NS, CHART_NAMES.speakerServiceAccount, tokens);
        operatorKubeconfig = await cp.kubeconfigFileFor(PLAN_NS, CHART_NAMES.controllerServiceAccount, tokens);
      } else {
        await installCrds(cp.kubeConfig);
        await cp.ensureNamespace(PLAN_NS);
      }
      progress(`building the namespace lab (${String(o.nodes)} nodes, router, clients)`);
      lab = await Lab.create({ nodes: o.nodes });
      await o.prepare?.(lab);
      if (o.pods !== undefined) {
        // First, so the memberlist Secret it creates exists before a speaker pod starts: the
        // speaker exits without it, and this lab's pod runner restarts no container.
        progress('starting the chart\'s controller pod (operator image) and waiting until it leads and has synced');
        controllerPod = await startControllerPod({ cp, lab, namespace: PLAN_NS, ...optionalTokenSeconds(o) });
        await waitForSecret(cp, PLAN_NS, MEMBERLIST_SECRET);
      }
      if (o.layer2 === true) await createSpeakerPods(cp, lab);
      progress('starting FRR on the router');
      // Configured after start: bgpd starts before bfdd, and a BFD profile named in the startup
      // file is not applied to sessions bgpd registered before bfdd read it.
      const router = await lab.startFrr('router', 'frr defaults traditional\n');
      await router.reload(o.routerConf ?? speakerRouterConf(o.nodes, {
        ...(o.routerPassword === undefined ? {} : { password: o.routerPassword }), ...(o.bfd === undefined ? {} : { bfd: o.bfd }),
      }));
      const nodes: FrrInstance[] = [];
      for (const [i, role] of lab.nodes.entries()) {
        if (i < (o.pods ?? 0)) {
          progress(`starting the chart's speaker pod (speaker + FRR sidecar images) on ${role}`);
          const pod = await startSpeakerPod({ cp, lab, role, namespace: PLAN_NS, ...optionalTokenSeconds(o) });
          speakerPods.push(pod);
          nodes.push(pod.frr);
          continue;
        }
        const version = o.nodeFrr?.[i] ?? '8.4';
        progress(`starting FRR ${version} and the speaker on ${role}`);
        const frr = await lab.startFrr(role, 'frr defaults traditional\n', version);
        nodes.push(frr);
        speakers.push(await SpeakerProcess.start({
          lab, role, frr, kubeconfigPath: speakerKubeconfig, server: cp.server, namespace: PLAN_NS,
          ...(o.layer2 === true ? { env: layer2Env(lab, role) } : {}),
          ...(o.stateIntervalMs === undefined ? {} : { stateIntervalMs: o.stateIntervalMs }),
        }));
      }
      return new BgpSpeakerLab(cp, lab, router, nodes, speakers, speakerPods, controllerPod, operatorKubeconfig);
    } catch (e) {
      await controllerPod?.stop();
      await Promise.all([...speakers, ...speakerPods].map((s) => s.stop()));
      await lab?.destroy();
      await cp.stop();
      throw e;
    }
  }

  /** Creates or updates node `index`'s NodePlan with `conf`; returns the config's sha256. */
  async writePlan(index: number, conf: string, extras: PlanExtras = {}): Promise<string> {
    const name = `node-${index}`;
    const api = this.cp.kubeConfig.makeApiClient(CustomObjectsApi);
    const ref = { group: NODEPLAN.group, version: NODEPLAN.version, plural: NODEPLAN.plural, namespace: PLAN_NS };
    const frr = encodeFrrConfig(conf);
    const keys = placeholderKeysOf(conf);
    const spec: NodePlanSpec = {
      nodeName: name, frr,
      ...(keys.length === 0 ? {} : { passwords: keys.map((key) => ({ key, placeholder: passwordPlaceholder(key) })) }),
      ...extras,
    };
    const patched = await orMissing(api.patchNamespacedCustomObject({ ...ref, name, body: { spec } }, mergePatch), undefined);
    if (patched === undefined) {
      await api.createNamespacedCustomObject({ ...ref, body: { apiVersion: `${NODEPLAN.group}/${NODEPLAN.version}`, kind: NODEPLAN.kind, metadata: { name }, spec } });
    }
    return frr.sha256;
  }

  /** Reads node `index`'s NodePlan. */
  async plan(index: number): Promise<NodePlan> {
    const api = this.cp.kubeConfig.makeApiClient(CustomObjectsApi);
    return (await api.getNamespacedCustomObject({ group: NODEPLAN.group, version: NODEPLAN.version, plural: NODEPLAN.plural, namespace: PLAN_NS, name: `node-${index}` })) as NodePlan;
  }

  /** Creates or replaces a password Secret. */
  async writeSecret(name: string, data: Readonly<Record<string, string>>): Promise<void> {
    const core = this.cp.kubeConfig.makeApiClient(CoreV1Api);
    const body = { metadata: { name, namespace: PLAN_NS }, stringData: { ...data } };
    const had = await orMissing(core.readNamespacedSecret({ namespace: PLAN_NS, name }), undefined);
    if (had === undefined) await core.createNamespacedSecret({ namespace: PLAN_NS, body });
    else await core.replaceNamespacedSecret({ namespace: PLAN_NS, name, body: { ...body, data: {} } });
  }

  /** The router's (or `at`'s) installed next hops for an IPv4 prefix (zebra's view: what ECMP forwards to). */
  async nextHops(prefix: string, at: FrrInstance = this.router): Promise<string[]> {
    return activeNextHops(await at.vtyshJson<RouteJson>(`show ip route ${prefix} json`), prefix);
  }

  /** The chart's controller pod, started with the lab under `pods`. */
  get controllerPod(): LabPod | undefined {
    return this.#controllerPod;
  }

  /** The operator once {@link startOperator} started it. */
  get operator(): OperatorProcess | undefined {
    return this.#operator;
  }

  /** Creates one Node per lab node (a bare apiserver has no kubelet to register them). */
  async createNodes(): Promise<void> {
    const core = this.cp.kubeConfig.makeApiClient(CoreV1Api);
    for (const name of this.lab.nodes) await core.createNode({ body: { metadata: { name, labels: { 'kubernetes.io/hostname': name } } } });
  }

  /**
   * Starts the operator as a child process with {@link operatorKubeconfigPath} (the chart's
   * controller token under `chart: true`), its lease and Deployment named as the chart names
   * them, and waits until it is ready. Stopped by {@link stop}.
   */
  async startOperator(o: Partial<Omit<OperatorProcessOptions, 'kubeconfigPath' | 'namespace'>> = {}): Promise<OperatorProcess> {
    if (this.#operator !== undefined) throw new Error('the operator is already running');
    this.#operator = await OperatorProcess.start({
      kubeconfigPath: this.operatorKubeconfigPath, namespace: PLAN_NS, leaseName: CHART_NAMES.lease, logFile: join(this.lab.dir, 'operator.log'),
      ...o, extraArgs: ['--deployment', CHART_NAMES.deployment, ...(o.extraArgs ?? [])],
    });
    await this.#operator.waitReady();
    return this.#operator;
  }

  /** Log files of the operator (process or controller pod) and of every speaker (process or pod containers). */
  binaryLogs(): string[] {
    return [
      ...(this.#operator === undefined ? [] : [this.#operator.logFile]), ...(this.#controllerPod?.logFiles ?? []),
      ...this.speakers.map((s) => s.logFile), ...this.speakerPods.flatMap((p) => p.logFiles),
    ];
  }

  /** Stops the operator, the speakers, the lab and the control plane. */
  async stop(): Promise<void> {
    await this.#operator?.stop();
    await this.#controllerPod?.stop();
    await Promise.all([...this.speakers, ...this.speakerPods].map((s) => s.stop()));
    await this.lab.destroy();
    await this.cp.stop();
  }
}
