/**
 * The validation rules configFor enforces, by id. Every error carries one of these ids; every
 * id is explained in docs/validation.md (rules.test.ts fails when the two drift apart, or when a
 * comment or message anywhere in the code cites an id that is not here).
 */

/** Rule id → one-line summary (the document says more). */
export const RULES = {
  P1: 'IPAddressPool without a name',
  P2: 'IPAddressPool without addresses',
  P3: 'malformed CIDR or address range',
  P4: 'two IPAddressPools with the same name',
  P5: 'an address block overlaps one defined before it (same or other pool)',
  P6: 'serviceAllocation: duplicate namespaces or selectors, invalid selector',
  B1: 'BFDProfile without a name, or a value out of range',
  B2: 'two BFDProfiles with the same name',
  R1: 'BGPPeer myASN is 0',
  R2: 'BGPPeer needs exactly one of peerASN and dynamicASN (internal or external)',
  R3: 'ebgpMultiHop on an iBGP peer',
  R4: 'exactly one of peerAddress and interface; no line break in interface or vrf',
  R5: 'hold and keepalive timers',
  R6: 'peerAddress, routerID or sourceAddress is not an IP address',
  R7: 'BGPPeer nodeSelectors: duplicates or an invalid selector',
  R8: 'password together with passwordSecret, or a password with a line break',
  R9: 'passwordSecret: Secret missing (transient), wrong type, no or unusable password',
  R10: 'bfdProfile names a BFDProfile that does not exist (transient)',
  F1: 'peers that can share a node: same routerID, no repeated neighbor, same myASN per VRF',
  C1: 'Community alias value does not parse',
  C2: 'two Community aliases with the same name',
  A1: 'BGPAdvertisement: duplicate list entries or an invalid selector',
  A2: 'serviceSelectors together with a non-default aggregation length',
  A3: 'aggregation length longer than the family allows',
  A4: 'community that is neither a known alias nor a valid value',
  A5: 'two identical BGPAdvertisements',
  A6: 'aggregation length shorter than a targeted pool entry allows',
  A7: 'conflicting localPref on a shared pool, peer and node',
  A8: 'conflicting asPathPrepend on a shared pool, peer and node',
  A9: 'asPathPrepend out of range',
  L1: 'L2Advertisement: duplicate list entries or an invalid selector',
  V1: 'IPv6 pool advertised to a peer whose BFD profile has echo mode on',
} as const;

/** A rule id. */
export type RuleId = keyof typeof RULES;
