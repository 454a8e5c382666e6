/**
 * Turns a {@link LabPlan} into namespaces, a bridge, veths, addresses and routes. Every veth is
 * created inside a lab namespace with its peer placed directly into another lab namespace, so
 * no interface ever exists in the host's own namespace.
 */
import type { HostPlan, HostRole, LabPlan, LabRole } from './lab-plan.ts';
import { addNetns, run, runOk } from './netns.ts';

/** Interface name → MAC address, per host. */
export type MacTable = ReadonlyMap<HostRole, ReadonlyMap<string, string>>;

/** Name of the bridge in the `lan` namespace. */
export const LAN_BRIDGE = 'br0';

/** Creates the whole topology; `nsOf` maps a role to its namespace name. Returns the MACs. */
export async function buildLab(plan: LabPlan, nsOf: (role: LabRole) => string): Promise<MacTable> {
  const roles: LabRole[] = ['lan', ...plan.hosts.map((h) => h.role)];
  await Promise.all(roles.map((r) => initNamespace(nsOf(r), r === 'router')));
  await ipBatch(nsOf('lan'), [
    `link add ${LAN_BRIDGE} type bridge stp_state 0 mcast_snooping 0`,
    `link set ${LAN_BRIDGE} up`,
    ...plan.lanPorts.flatMap((p) => [
      `link add ${p.port} type veth peer name eth0 netns ${nsOf(p.host)}`,
      `link set ${p.port} master ${LAN_BRIDGE} up`,
    ]),
  ]);
  await ipBatch(nsOf('router'), ['link add eth1 type veth peer name eth0 netns ' + nsOf('ext')]);
  await Promise.all(plan.hosts.map((h) => ipBatch(nsOf(h.role), hostCommands(h))));
  const macs = await Promise.all(plan.hosts.map(async (h) => [h.role, await macsIn(nsOf(h.role))] as const));
  return new Map(macs);
}

/**
 * `ip -batch` lines that configure one host: links up, addresses (IPv6 `nodad`), default routes.
 * Pure, so the address plan can be checked without root.
 */
export function hostCommands(host: HostPlan): string[] {
  const ifaceLines = host.ifaces.flatMap((i) => [
    `link set ${i.iface} up`,
    `addr add ${i.v4}/24 dev ${i.iface}`,
    `addr add ${i.v6}/64 dev ${i.iface} nodad`,
  ]);
  const gw = host.gateway;
  const routes = gw === undefined ? [] : [`route add default via ${gw.v4}`, `route add default via ${gw.v6}`];
  return [...ifaceLines, ...routes];
}

/** Creates a namespace, brings lo up, turns DAD off and (for the router) forwarding on. */
async function initNamespace(ns: string, forwarding: boolean): Promise<void> {
  await addNetns(ns);
  await ipBatch(ns, ['link set lo up']);
  // Set before interfaces appear so link-local addresses skip DAD too (no 1 s wait).
  const sysctls = ['net.ipv6.conf.all.accept_dad=0', 'net.ipv6.conf.default.accept_dad=0'];
  if (forwarding) sysctls.push('net.ipv4.ip_forward=1', 'net.ipv6.conf.all.forwarding=1');
  await runOk('ip', ['netns', 'exec', ns, 'sysctl', '-q', '-w', ...sysctls]);
}

/** Runs `ip` commands in a namespace in one process; fails with the first error. */
async function ipBatch(ns: string, lines: readonly string[]): Promise<void> {
  await runOk('ip', ['-n', ns, '-batch', '-'], { input: lines.join('\n') + '\n' });
}

/** Interface name → MAC of every non-loopback link in a namespace. */
async function macsIn(ns: string): Promise<Map<string, string>> {
  const r = await run('ip', ['-n', ns, '-j', 'link', 'show']);
  const links = JSON.parse(r.stdout) as Array<{ ifname: string; address?: string; link_type?: string }>;
  return new Map(links.filter((l) => l.link_type !== 'loopback').map((l) => [l.ifname, l.address ?? '']));
}
