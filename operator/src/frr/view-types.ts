/**
 * The FRR view model: everything frr-templates/*.hbs print, with every string already computed
 * and every list sorted, so that the templates only iterate and the output is byte-stable.
 * Built by `frrViewFor` (view-model.ts) from the validated Config and the node's announcements.
 */

/** One `ip|ipv6 prefix-list` with its entries in order. */
export interface PrefixListView {
  /** `ip` or `ipv6`. */
  readonly family: 'ip' | 'ipv6';
  /** The list's name. */
  readonly name: string;
  /** Entry bodies after the name, e.g. `seq 1 permit 198.51.100.1/32`. */
  readonly entries: readonly string[];
}

/** One `route-map NAME permit|deny SEQ` entry. */
export interface RouteMapEntryView {
  /** The header after `route-map `, e.g. `198.51.100.1-out permit 3`. */
  readonly header: string;
  /** Its indented statements (`match …`, `set …`, `on-match next`). */
  readonly lines: readonly string[];
}

/** All entries of one route-map, in sequence order. */
export interface RouteMapView {
  /** The route-map name. */
  readonly name: string;
  /** Entries, in sequence order. */
  readonly entries: readonly RouteMapEntryView[];
}

/** One `address-family … unicast` block of a router. */
export interface AddressFamilyView {
  /** `ipv4 unicast` or `ipv6 unicast`. */
  readonly name: string;
  /** `network …` and per-neighbor `activate` / `route-map` statements. */
  readonly lines: readonly string[];
}

/** One `router bgp` instance (one per VRF). */
export interface RouterView {
  /** The header, e.g. `router bgp 64512` or `router bgp 64512 vrf red`. */
  readonly header: string;
  /** Router-level statements and neighbor session statements, in order. */
  readonly lines: readonly string[];
  /** Address families that have something in them. */
  readonly addressFamilies: readonly AddressFamilyView[];
}

/** One BFD profile under `bfd`. */
export interface BfdProfileView {
  /** Profile name (BFDProfile metadata.name). */
  readonly name: string;
  /** Its statements; only the fields that were set, so FRR's defaults apply to the rest. */
  readonly lines: readonly string[];
}

/** A password the speaker substitutes for a placeholder when it writes frr.conf. */
export interface PasswordRef {
  /** Key in the node's password Secret (the BGPPeer name). */
  readonly key: string;
  /** The exact token that stands for the password in the rendered config. */
  readonly placeholder: string;
}

/** The whole view of one node's frr.conf. */
export interface FrrView {
  /** `hostname` (the node name). */
  readonly hostname: string;
  /** FRR log level word for `log stdout`. */
  readonly logLevel: string;
  /** Prefix lists, sorted by (family, name). */
  readonly prefixLists: readonly PrefixListView[];
  /** Route maps, sorted by name. */
  readonly routeMaps: readonly RouteMapView[];
  /** BGP routers, default VRF first, then by VRF name. */
  readonly routers: readonly RouterView[];
  /** BFD profiles used by this node's peers, sorted by name. */
  readonly bfdProfiles: readonly BfdProfileView[];
  /** Password placeholders in the config, sorted by key. */
  readonly passwords: readonly PasswordRef[];
}
