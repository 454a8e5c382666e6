import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeFrame, type L2Frame } from '../codec/frame.ts';
import { gratuitousFrames, probeFrame } from './announce-frames.ts';
import { claimOf, conflictingClaim, type Claim } from './claims.ts';
import { interfaceRejection, type InterfaceFacts } from './interface-rules.ts';

const FOREIGN = '02:00:00:00:00:99';
const OWN = '02:00:00:00:00:0a';
const frame = (b: Uint8Array): L2Frame => {
  const r = decodeFrame(b);
  assert.ok(r.ok);
  return r.value;
};

describe('claimOf', () => {
  const cases: { desc: string; input: L2Frame; want: Claim | undefined }[] = [
    { desc: 'gratuitous ARP', input: frame(gratuitousFrames('192.0.2.200', FOREIGN)[1]!), want: { ip: '192.0.2.200', mac: FOREIGN } },
    { desc: 'ARP probe claims nothing', input: frame(probeFrame('192.0.2.200', FOREIGN)), want: undefined },
    { desc: 'unsolicited NA', input: frame(gratuitousFrames('2001:db8::5', FOREIGN)[0]!), want: { ip: '2001:db8::5', mac: FOREIGN } },
    { desc: 'DAD NS claims nothing', input: frame(probeFrame('2001:db8::5', FOREIGN)), want: undefined },
  ];
  for (const c of cases) it(c.desc, () => assert.deepEqual(claimOf(c.input), c.want));
});

describe('conflictingClaim', () => {
  const watched = (ip: string) => ip === '192.0.2.200';
  const cases: { desc: string; mac: string; ip: string; want: boolean }[] = [
    { desc: 'another MAC announcing a watched VIP', mac: FOREIGN, ip: '192.0.2.200', want: true },
    { desc: 'our own announcement', mac: OWN, ip: '192.0.2.200', want: false },
    { desc: 'another MAC announcing an address we do not watch', mac: FOREIGN, ip: '192.0.2.201', want: false },
  ];
  for (const c of cases) {
    it(c.desc, () => {
      const got = conflictingClaim(frame(gratuitousFrames(c.ip, c.mac)[0]!), watched, new Set([OWN]));
      assert.deepEqual(got, c.want ? { ip: c.ip, mac: c.mac } : undefined);
    });
  }
});

describe('interfaceRejection', () => {
  const up = 0x1003; // UP | BROADCAST | MULTICAST
  const cases: { desc: string; input: InterfaceFacts; family: 'ipv4' | 'ipv6'; want: string | undefined }[] = [
    { desc: 'plain uplink', input: { name: 'eth0', flags: up, enslaved: false }, family: 'ipv4', want: undefined },
    { desc: 'veth by name', input: { name: 'veth12', flags: up, enslaved: false }, family: 'ipv4', want: 'excluded by name' },
    { desc: 'down', input: { name: 'eth1', flags: 0x1002, enslaved: false }, family: 'ipv4', want: 'down' },
    { desc: 'bond slave', input: { name: 'eth2', flags: up, enslaved: true }, family: 'ipv6', want: 'enslaved to a master' },
    { desc: 'NOARP for IPv4', input: { name: 'wg0', flags: 0x1083, enslaved: false }, family: 'ipv4', want: 'NOARP' },
    { desc: 'NOARP is fine for IPv6', input: { name: 'wg0', flags: 0x1083, enslaved: false }, family: 'ipv6', want: undefined },
    { desc: 'point-to-point without BROADCAST', input: { name: 'ppp0', flags: 0x1001, enslaved: false }, family: 'ipv4', want: 'no BROADCAST' },
  ];
  for (const c of cases) it(c.desc, () => assert.equal(interfaceRejection(c.input, c.family), c.want));
});
