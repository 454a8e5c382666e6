/**
 * configFor: the one validator. Cluster resources in, parsed Config or every error out. Used by
 * the controller's config reconciler and the offline `validate` command alike (FRR-backed
 * modes); an admission webhook would call it too, but none exists yet.
 */
import { err, ok, type Result } from '@metallb-ts/lib/result.ts';
import { bfdProfilesFor } from './bfd-profiles.ts';
import { checkAdvertisementPools, checkBfdEcho } from './bgp-advertisement-checks.ts';
import { bgpAdvertisementsFor } from './bgp-advertisements.ts';
import { communitiesFor } from './communities.ts';
import { sortErrors, type ConfigError } from './errors.ts';
import { l2AdvertisementsFor } from './l2-advertisements.ts';
import { peerConflicts } from './peer-conflicts.ts';
import { peersFor } from './peers.ts';
import { poolsFor } from './pools.ts';
import type { ClusterResources } from './resources.ts';
import { nodeOverlapFor } from './selectors.ts';
import type { Config } from './types.ts';

/** Options of {@link configFor}. */
export interface ConfigForOptions {
  /**
   * Whether `nodes` is the real node list. When false, every pair of peers or advertisements
   * is treated as able to share a node (F1, A7). Default: true when any Node was given.
   */
  readonly nodesKnown?: boolean;
}

/**
 * Parses and validates the MetalLB configuration. MetalLB stops at the first error; this
 * returns all of them, sorted by object, field and rule, so results are byte-stable.
 */
export function configFor(res: ClusterResources, opts: ConfigForOptions = {}): Result<Config, readonly ConfigError[]> {
  const overlap = nodeOverlapFor(res.nodes, opts.nodesKnown ?? res.nodes.length > 0);
  const bfd = bfdProfilesFor(res.bfdProfiles);
  const peers = peersFor(res.peers, new Set(bfd.value.map((b) => b.name)), res.secrets);
  const pools = poolsFor(res.pools, res.namespaces);
  const communities = communitiesFor(res.communities);
  const l2 = l2AdvertisementsFor(res.l2Advertisements, pools.value);
  const bgp = bgpAdvertisementsFor(res.bgpAdvertisements, { pools: pools.value, aliases: communities.value });
  const config: Config = {
    pools: pools.value,
    bfdProfiles: bfd.value,
    peers: peers.value.map((p) => p.peer),
    communities: communities.value,
    bgpAdvertisements: bgp.value,
    l2Advertisements: l2.value,
  };
  const errors = [
    ...bfd.errors, ...peers.errors, ...peerConflicts(peers.value, overlap), ...pools.errors, ...communities.errors,
    ...l2.errors, ...bgp.errors, ...checkAdvertisementPools(bgp.value, pools.value, overlap),
    ...checkBfdEcho(bgp.value, pools.value, config),
  ];
  return errors.length === 0 ? ok(config) : err(sortErrors(errors));
}
