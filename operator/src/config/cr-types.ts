/**
 * The metallb.io custom resources as configFor reads them: the generated API types (MetalLB's
 * exact JSON field names). This is the one place config/ names its input shapes.
 */
import type { V1LabelSelector } from '@kubernetes/client-node';

export type {
  BFDProfile, BGPAdvertisement, BGPPeer, BGPPeerV1beta1, Community, IPAddressPool, L2Advertisement,
} from '@metallb-ts/lib/api/types.generated.ts';

/** A metav1.LabelSelector as written in a manifest. */
export type LabelSelectorCr = V1LabelSelector;
