/**
 * The metallb.io custom resources as configFor reads them, with MetalLB's exact JSON field
 * names (reference §1). This is the ONE place that names the input shapes: when the generated
 * `@metallb-ts/lib/api/types.generated.ts` lands, these become re-exports of it.
 */
import type { V1ObjectMeta } from '@kubernetes/client-node';
import type { LabelSelectorSpec } from '../../../lib/src/pure/label-selector.ts';

/** A metav1.LabelSelector as written in a manifest. */
export type LabelSelectorCr = LabelSelectorSpec;

/** Common envelope of every custom resource. */
interface Cr<Spec> {
  apiVersion?: string;
  kind?: string;
  metadata?: V1ObjectMeta;
  spec: Spec;
}

/** IPAddressPool (`metallb.io/v1beta1`). */
export type IPAddressPool = Cr<{
  addresses: string[];
  autoAssign?: boolean;
  avoidBuggyIPs?: boolean;
  serviceAllocation?: {
    priority?: number;
    namespaces?: string[];
    namespaceSelectors?: LabelSelectorCr[];
    serviceSelectors?: LabelSelectorCr[];
  };
}>;

/** BGPPeer (`metallb.io/v1beta2`); v1beta1 objects carry a subset of these fields. */
export type BGPPeer = Cr<{
  myASN: number;
  peerASN?: number;
  dynamicASN?: string;
  localASN?: number;
  peerAddress?: string;
  interface?: string;
  sourceAddress?: string;
  peerPort?: number;
  holdTime?: string;
  keepaliveTime?: string;
  connectTime?: string;
  routerID?: string;
  nodeSelectors?: LabelSelectorCr[];
  password?: string;
  passwordSecret?: { name?: string; namespace?: string };
  bfdProfile?: string;
  enableGracefulRestart?: boolean;
  ebgpMultiHop?: boolean;
  vrf?: string;
  disableMP?: boolean;
  dualStackAddressFamily?: boolean;
}>;

/** BFDProfile (`metallb.io/v1beta1`). */
export type BFDProfile = Cr<{
  receiveInterval?: number;
  transmitInterval?: number;
  detectMultiplier?: number;
  echoInterval?: number;
  echoMode?: boolean;
  passiveMode?: boolean;
  minimumTtl?: number;
}>;

/** Community (`metallb.io/v1beta1`): named aliases for community values. */
export type Community = Cr<{ communities?: { name?: string; value?: string }[] }>;

/** L2Advertisement (`metallb.io/v1beta1`). */
export type L2Advertisement = Cr<{
  ipAddressPools?: string[];
  ipAddressPoolSelectors?: LabelSelectorCr[];
  nodeSelectors?: LabelSelectorCr[];
  serviceSelectors?: LabelSelectorCr[];
  interfaces?: string[];
}>;

/** BGPAdvertisement (`metallb.io/v1beta1`). */
export type BGPAdvertisement = Cr<{
  aggregationLength?: number;
  aggregationLengthV6?: number;
  localPref?: number;
  communities?: string[];
  ipAddressPools?: string[];
  ipAddressPoolSelectors?: LabelSelectorCr[];
  nodeSelectors?: LabelSelectorCr[];
  peers?: string[];
  serviceSelectors?: LabelSelectorCr[];
}>;
