/**
 * The namespace-lab target of the shared BGP e2e suite (test/e2e/suite/bgp-service.ts), also what
 * the demo (hack/demo.ts) runs on: a BgpSpeakerLab with the chart installed and the speakers on
 * the chart speaker's token, a Node per lab node, and the operator on the chart controller's
 * token. A bare apiserver has no kubelet, no EndpointSlice controller and no kube-proxy, so this
 * target plays them: EndpointSlices written by hand, an HTTP server per node, the VIPs on each
 * node's `lo` with strict ARP (lab-kube-proxy.ts).
 */
import { readFileSync } from 'node:fs';
import { CustomObjectsApi, DiscoveryV1Api, type KubeConfig } from '@kubernetes/client-node';
import { NODEPLAN, type NodePlan } from '@metallb-ts/lib/api/types.generated.ts';
import { REFUSED_CALL, type BgpTarget } from '../e2e/suite/bgp-service.ts';
import { BgpSpeakerLab, PLAN_NS, ROUTER4, type BgpSpeakerLabOptions } from './bgp-speaker-lab.ts';
import type { CommandResult } from './control-plane.ts';
import { addKubeProxyVips, httpGet, startWhoAmIServer } from './lab-kube-proxy.ts';

/** The suite's VIP in the lab (BGP range, reached through the router). */
export const NETNS_BGP_VIP = '198.51.100.5';

/** The running target; {@link NetnsBgpTarget.lab} is the whole lab for what the suite does not cover (the demo). */
export class NetnsBgpTarget implements BgpTarget {
  readonly lab: BgpSpeakerLab;
  readonly namespace = PLAN_NS;
  readonly routerV4 = ROUTER4;
  readonly vip = NETNS_BGP_VIP;
  readonly nodes: ReadonlyArray<{ readonly name: string; readonly v4: string }>;
  readonly #servers: { stop(): Promise<void> }[] = [];

  private constructor(lab: BgpSpeakerLab) {
    this.lab = lab;
    this.nodes = lab.lab.nodes.map((name) => ({ name, v4: lab.lab.addr(name).v4 }));
  }

  /** Lab with the chart, Nodes, speakers and a ready operator, all on the chart's tokens. */
  static async start(o: Omit<BgpSpeakerLabOptions, 'chart'>): Promise<NetnsBgpTarget> {
    const lab = await BgpSpeakerLab.start({ ...o, chart: true });
    try {
      await lab.createNodes();
      if (o.pods === undefined) {
        o.progress?.('starting the operator (chart controller token) and waiting until it leads and has synced');
        await lab.startOperator();
      }
      return new NetnsBgpTarget(lab);
    } catch (e) {
      await lab.stop();
      throw e;
    }
  }

  get kubeConfig(): KubeConfig {
    return this.lab.cp.kubeConfig;
  }

  kubectl(args: readonly string[], input?: string): Promise<CommandResult> {
    return this.lab.cp.kubectl(args, input);
  }

  /**
   * The EndpointSlice controller's part: one ready endpoint per node (its LAN address) for Service
   * `name`; the port named as the Service's port is (`kubectl describe` matches them by name).
   */
  async createEndpointSlice(name: string, port: number, o: { readonly namespace?: string; readonly portName?: string } = {}): Promise<void> {
    await this.kubeConfig.makeApiClient(DiscoveryV1Api).createNamespacedEndpointSlice({ namespace: o.namespace ?? 'default', body: {
      metadata: { name: `${name}-1`, labels: { 'kubernetes.io/service-name': name } }, addressType: 'IPv4',
      ports: [{ port, protocol: 'TCP', ...(o.portName === undefined ? {} : { name: o.portName }) }],
      endpoints: this.nodes.map((n) => ({ addresses: [n.v4], nodeName: n.name, conditions: { ready: true, serving: true } })),
    } });
  }

  /** An HTTP server on `port` on every node, answering with the node's name. */
  async startServers(port: number): Promise<void> {
    this.#servers.push(...await Promise.all(this.lab.lab.nodes.map((node) => startWhoAmIServer(this.lab.lab, node, port, { http: true }))));
  }

  async startBackends(name: string, port: number): Promise<void> {
    await this.createEndpointSlice(name, port);
    await this.startServers(port);
  }

  async exposeVip(vip: string): Promise<void> {
    for (const node of this.lab.lab.nodes) await addKubeProxyVips(this.lab.lab, node, [vip]);
  }

  /** Every node runs a server that answers with its name. */
  backendAnswers(): Promise<readonly string[]> {
    return Promise.resolve(this.lab.lab.nodes);
  }

  /** A node's NodePlan. */
  async plan(node: string): Promise<NodePlan> {
    return (await this.kubeConfig.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({
      group: NODEPLAN.group, version: NODEPLAN.version, plural: NODEPLAN.plural, namespace: PLAN_NS, name: node,
    })) as NodePlan;
  }

  /** Lines of the operator's and the speakers' logs that record a refused API call. */
  async refusedCalls(): Promise<readonly string[]> {
    const logs = this.lab.binaryLogs();
    return logs.flatMap((f) => readFileSync(f, 'utf8').split('\n').filter((line) => REFUSED_CALL.test(line)).map((line) => `${f}: ${line}`));
  }

  routerNextHops(prefix: string): Promise<string[]> {
    return this.lab.nextHops(prefix);
  }

  getFromOutside(url: string): Promise<{ status: number; body: string } | undefined> {
    return httpGet(this.lab.lab, 'ext', url);
  }

  /** Stops the servers, the operator, the speakers, the lab and the control plane. */
  async stop(): Promise<void> {
    await Promise.all(this.#servers.splice(0).map((s) => s.stop()));
    await this.lab.stop();
  }
}
