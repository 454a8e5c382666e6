/**
 * Operator and speakers together, end to end, in the namespace lab: a real apiserver with the Helm
 * chart installed, the operator as a child process and one speaker per lab node (inside the node's
 * namespace), both authenticating with TokenRequest tokens of the chart's own ServiceAccounts, so
 * the flow runs under exactly the RBAC the chart grants; every node runs FRR, the router peers
 * with all of them (eBGP, ECMP). Nodes and EndpointSlices are created by hand (a bare apiserver
 * has no kubelet and no EndpointSlice controller). The assertions are the shared suite's
 * (test/e2e/suite/bgp-service.ts), which kind-e2e/ runs against a kind cluster too.
 */
import { NetnsBgpTarget } from '../harness/netns-bgp-target.ts';
import { bgpServiceSuite } from './suite/bgp-service.ts';

bgpServiceSuite('operator + speakers on the chart\'s tokens: BGPPeer/BGPAdvertisement/Service → NodePlans → FRR → router',
  () => NetnsBgpTarget.start({ nodes: 2 }));
