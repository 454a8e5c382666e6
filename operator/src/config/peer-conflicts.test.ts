import { describe } from 'node:test';
import { node, peer, runCases, type Case } from '../testing/config-test-kit.ts';

const R = (name: string) => `BGPPeer/${name}`;
const rack = (r: string) => ({ nodeSelectors: [{ matchLabels: { rack: r } }] });
const nodes = [node('n1', { rack: '1' }), node('n2', { rack: '2' })];

const cases: Case[] = [
  { desc: 'valid: same routerID and myASN, different addresses', input: { peers: [peer('a', { routerID: '10.0.0.1' }), peer('b', { routerID: '10.0.0.1', peerAddress: '192.0.2.2' })] }, want: [] },
  {
    desc: 'F1: different routerID on a shared node',
    input: { peers: [peer('a', { routerID: '10.0.0.1' }), peer('b', { routerID: '10.0.0.2', peerAddress: '192.0.2.2' })], nodes },
    want: [{ rule: 'F1', object: R('b'), field: 'spec.routerID', message: /peer b has RouterID "10.0.0.2" different from "10.0.0.1" of peer a/ }],
  },
  {
    desc: 'F1: same peer address twice',
    input: { peers: [peer('a'), peer('b')] },
    want: [{ rule: 'F1', object: R('b'), field: 'spec.peerAddress', message: /peer 192.0.2.1 already exists \(BGPPeer a\), FRR mode doesn't support duplicate BGPPeers/ }],
  },
  { desc: 'valid: same address in different VRFs', input: { peers: [peer('a', { vrf: 'red' }), peer('b', { vrf: 'blue', myASN: 64999 })] }, want: [] },
  {
    desc: 'F1: different myASN in the same VRF',
    input: { peers: [peer('a'), peer('b', { myASN: 64999, peerAddress: '192.0.2.2' })] },
    want: [{ rule: 'F1', object: R('b'), field: 'spec.myASN', message: /peer b has myAsn 64999 different from 64500 of peer a/ }],
  },
  { desc: 'valid: disjoint node selectors exempt the pair', input: { peers: [peer('a', { ...rack('1'), routerID: '10.0.0.1' }), peer('b', { ...rack('2'), routerID: '10.0.0.2', myASN: 64999 })], nodes }, want: [] },
  {
    desc: 'F1: disjoint selectors still conflict when nodes are unknown (offline)',
    input: { peers: [peer('a', rack('1')), peer('b', rack('2'))], nodes },
    opts: { nodesKnown: false },
    want: [{ rule: 'F1', object: R('b'), field: 'spec.peerAddress' }],
  },
  {
    desc: 'F1: no Node objects means every pair may share a node',
    input: { peers: [peer('a', rack('1')), peer('b', { ...rack('2'), interface: 'eth0', peerAddress: undefined, routerID: '10.9.9.9' })] },
    want: [{ rule: 'F1', object: R('b'), field: 'spec.routerID' }],
  },
];

describe('same-node peer conflicts (F1)', () => runCases(cases));
