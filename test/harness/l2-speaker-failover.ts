/**
 * The layer-2 failover scenario through the product itself, for `npm run bench -- l2failover
 * --lab speakers`: a real apiserver with the chart, the operator and one speaker binary per lab
 * node (NetnsBgpTarget with layer 2, the e2e's setup), one LoadBalancer Service whose VIP every
 * node may announce. The operator writes the NodePlans, the speakers find each other through the
 * speaker Pods, gossip with the memberlist Secret's key, elect and answer. The client's kernel
 * measures, as in {@link L2FailoverScenario}: a silent death (SIGSTOP + the node's frames
 * dropped) and a graceful stop (SIGTERM, the speaker restarted afterwards). Every wait is bounded.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { CoreV1Api } from '@kubernetes/client-node';
import { rankCandidates } from '@metallb-ts/speaker/layer2/core/election.ts';
import { eventually, PLAN_NS } from './bgp-speaker-lab.ts';
import { FAILOVER_VIP, type Takeover } from './l2-failover.ts';
import { msUntilNeighborMac, pingLoss, type PingLoss } from './l2-node.ts';
import { addKubeProxyVips } from './lab-kube-proxy.ts';
import type { HostRole, Lab } from './lab.ts';
import { signal } from './netns.ts';
import { NetnsBgpTarget } from './netns-bgp-target.ts';
import { applyYaml } from './operator.ts';

const PORT = 8080;

/** The running scenario. */
export class L2SpeakerFailoverScenario {
  readonly target: NetnsBgpTarget;
  readonly #order: HostRole[];

  private constructor(target: NetnsBgpTarget) {
    this.target = target;
    this.#order = rankCandidates(this.lab.nodes.map((name) => ({ name })), FAILOVER_VIP) as HostRole[];
  }

  /** Starts the lab, waits for full gossip, creates the Service and waits until the client resolves the VIP to the leader. */
  static async create(nodes: number): Promise<L2SpeakerFailoverScenario> {
    const target = await NetnsBgpTarget.start({ nodes, layer2: true });
    try {
      const s = new L2SpeakerFailoverScenario(target);
      for (const n of s.lab.nodes) await addKubeProxyVips(s.lab, n, [FAILOVER_VIP]);
      for (const sp of target.lab.speakers) {
        await eventually(`every speaker sees ${nodes} alive members`, () => sp.metrics(),
          (m) => new RegExp(`^metallb_gossip_members\\{status="alive"\\} ${nodes}$`, 'm').test(m), 90_000);
      }
      await applyYaml(target, [
        `apiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata: {name: l2-pool, namespace: ${PLAN_NS}}\nspec: {addresses: [${FAILOVER_VIP}/32]}`,
        `apiVersion: metallb.io/v1beta1\nkind: L2Advertisement\nmetadata: {name: l2-adv, namespace: ${PLAN_NS}}\nspec: {ipAddressPools: [l2-pool]}`,
      ].join('\n---\n'));
      await target.kubeConfig.makeApiClient(CoreV1Api).createNamespacedService({ namespace: 'default', body: {
        metadata: { name: 'web', annotations: { 'metallb.io/loadBalancerIPs': FAILOVER_VIP } },
        spec: { type: 'LoadBalancer', selector: { app: 'web' }, ports: [{ port: PORT, protocol: 'TCP' }] },
      } });
      await target.createEndpointSlice('web', PORT);
      await eventually(`the client resolves ${FAILOVER_VIP} to ${s.leader}`, () => s.clientMac(), (m) => m === s.mac(s.leader), 90_000);
      return s;
    } catch (e) {
      await target.stop();
      throw e;
    }
  }

  get lab(): Lab {
    return this.target.lab.lab;
  }

  /** The node that announces while everyone is up. */
  get leader(): HostRole {
    return this.#order[0]!;
  }

  mac(role: HostRole): string {
    return this.lab.addr(role).mac.toLowerCase();
  }

  /** Resolves the VIP through the client kernel (flush + ping). */
  async clientMac(): Promise<string | undefined> {
    return (await this.lab.resolveNeighbor('client', FAILOVER_VIP))?.mac;
  }

  #speaker(role: HostRole) {
    return this.target.lab.speakers[this.lab.nodes.indexOf(role as `node-${number}`)]!;
  }

  /** SIGSTOP the leader's speaker and drop its frames; time until the client's entry points at the next node. */
  async silentFailover(timeoutMs = 10_000): Promise<Takeover> {
    const from = this.leader;
    const to = this.#order[1]!;
    await this.#expectClientAt(from);
    const t0 = performance.now();
    signal(this.#speaker(from).pid, 'SIGSTOP');
    await this.lab.dropTraffic(from);
    return { from, to, ms: await msUntilNeighborMac(this.lab, 'client', FAILOVER_VIP, this.mac(to), t0, timeoutMs) };
  }

  /**
   * Undoes {@link silentFailover}: ms until `role` is the only node answering the client's arping
   * again (until then both may answer: the interim owner keeps the VIP until the refutation
   * reaches it), and the client's entry points at it; undefined when not within the timeout.
   */
  async recover(role: HostRole, timeoutMs = 30_000): Promise<number | undefined> {
    await this.lab.restoreTraffic(role);
    const t0 = performance.now();
    signal(this.#speaker(role).pid, 'SIGCONT');
    try {
      await eventually(`only ${role} answers for ${FAILOVER_VIP}`, () => this.#arpingMacs(), (m) => m.join() === this.mac(role), timeoutMs);
      const ms = performance.now() - t0;
      await eventually(`the client resolves ${FAILOVER_VIP} to ${role}`, () => this.clientMac(), (m) => m === this.mac(role), timeoutMs);
      return ms;
    } catch {
      return undefined;
    }
  }

  /** MACs answering one bounded arping of the VIP from the client, sorted. */
  async #arpingMacs(): Promise<string[]> {
    const r = await this.lab.exec('client', 'arping', ['-c', '2', '-w', '3', '-I', this.lab.addr('client').iface, FAILOVER_VIP], { timeoutMs: 10_000 });
    return [...new Set([...r.stdout.matchAll(/\[([0-9A-F:]{17})\]/gi)].map((m) => m[1]!.toLowerCase()))].sort();
  }

  /** SIGTERM the leader's speaker while the client pings the VIP; time until the client follows, pings lost. */
  async gracefulHandover(pings = 60, intervalS = 0.05): Promise<Takeover & { readonly loss: PingLoss }> {
    const from = this.leader;
    const to = this.#order[1]!;
    await this.#expectClientAt(from);
    const ping = pingLoss(this.lab, 'client', FAILOVER_VIP, pings, intervalS);
    await sleep(500);
    const t0 = performance.now();
    const stopped = this.#speaker(from).stop(); // SIGTERM, then waits for the exit
    const ms = await msUntilNeighborMac(this.lab, 'client', FAILOVER_VIP, this.mac(to), t0, 10_000);
    await stopped;
    return { from, to, ms, loss: await ping };
  }

  /** Starts the stopped speaker of `role` again; resolves once the client resolves the VIP to it (it ranks first). */
  async restart(role: HostRole, timeoutMs = 90_000): Promise<void> {
    const i = this.lab.nodes.indexOf(role as `node-${number}`);
    this.target.lab.speakers[i] = await this.target.lab.speakers[i]!.restart();
    await eventually(`${role} back: the client resolves ${FAILOVER_VIP} to it`, () => this.clientMac(), (m) => m === this.mac(role), timeoutMs);
  }

  async #expectClientAt(role: HostRole): Promise<void> {
    const mac = await this.clientMac();
    if (mac !== this.mac(role)) throw new Error(`the client resolves ${FAILOVER_VIP} to ${String(mac)}, not to ${role} (${this.mac(role)})`);
  }

  /** Resumes and restores every node, then stops everything. */
  async destroy(): Promise<void> {
    for (const [i, role] of this.lab.nodes.entries()) {
      const sp = this.target.lab.speakers[i];
      if (sp !== undefined) signal(sp.pid, 'SIGCONT');
      await this.lab.restoreTraffic(role).catch(() => undefined);
    }
    await this.target.stop();
  }
}
