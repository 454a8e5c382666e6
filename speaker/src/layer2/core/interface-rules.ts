/**
 * Which interfaces may carry layer-2 announcements (MetalLB, metallb-behaviour.md §4.4): not
 * excluded by name, UP, not enslaved to a bridge/bond, and for ARP without NOARP and with
 * BROADCAST. Pure: the shell reads the facts from /sys.
 */

/** What the kernel says about an interface. */
export interface InterfaceFacts {
  /** Interface name. */
  readonly name: string;
  /** `IFF_*` flags from /sys/class/net/<if>/flags. */
  readonly flags: number;
  /** True when /sys/class/net/<if>/master exists (bridge port, bond slave). */
  readonly enslaved: boolean;
}

const IFF_UP = 0x1;
const IFF_BROADCAST = 0x2;
const IFF_NOARP = 0x80;

/** MetalLB's default exclusion list (`announcedInterfacesToExclude`), as anchored patterns. */
export const DEFAULT_EXCLUDED_INTERFACES: readonly RegExp[] = [
  /^docker.*/, /^cbr.*/, /^dummy.*/, /^virbr.*/, /^lxcbr.*/, /^veth.*/, /^lo$/, /^cali.*/, /^tunl.*/,
  /^flannel.*/, /^kube-ipvs.*/, /^cni.*/, /^nodelocaldns.*/, /^lxc.*/,
];

/** Why an interface is not used for `family`, or undefined when it is usable. */
export function interfaceRejection(
  f: InterfaceFacts, family: 'ipv4' | 'ipv6', excluded: readonly RegExp[] = DEFAULT_EXCLUDED_INTERFACES,
): string | undefined {
  if (excluded.some((re) => re.test(f.name))) return 'excluded by name';
  if ((f.flags & IFF_UP) === 0) return 'down';
  if (f.enslaved) return 'enslaved to a master';
  if (family === 'ipv4' && (f.flags & IFF_NOARP) !== 0) return 'NOARP';
  if (family === 'ipv4' && (f.flags & IFF_BROADCAST) === 0) return 'no BROADCAST';
  return undefined;
}
