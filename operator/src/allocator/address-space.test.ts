import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ip, testPool } from '../testing/test-pools.ts';
import { CidrSpace, isBuggyIp, sharingIdentity, SpaceIndex } from './address-space.ts';

const v = (text: string): bigint => ip(text).value;
const space = (cidr: string, avoidBuggyIPs = false): CidrSpace => {
  const pool = testPool('p', [cidr], { avoidBuggyIPs });
  const block = pool.cidrs[0];
  if (block === undefined) throw new Error(`no block for ${cidr}`);
  return new CidrSpace(pool, block);
};

describe('isBuggyIp', () => {
  const cases = [
    { input: '192.0.2.0', want: true }, { input: '192.0.2.255', want: true }, { input: '192.0.2.1', want: false },
    { input: '192.0.2.254', want: false }, { input: '2001:db8::ff', want: false }, { input: '2001:db8::', want: false },
  ];
  for (const c of cases) it(`${c.input} → ${String(c.want)}`, () => assert.equal(isBuggyIp(ip(c.input).family, ip(c.input).value), c.want));
});

describe('CidrSpace', () => {
  const usable = [
    { desc: '/24', cidr: '192.0.2.0/24', buggy: false, want: 256n },
    { desc: '/24 avoiding .0/.255', cidr: '192.0.2.0/24', buggy: true, want: 254n },
    { desc: '/23 avoiding buggy: two .0 and two .255 gone', cidr: '198.51.100.0/23', buggy: true, want: 508n },
    { desc: '/32 on .0 avoiding buggy: nothing usable', cidr: '192.0.2.0/32', buggy: true, want: 0n },
    { desc: '/31 on .254 avoiding buggy: only .254', cidr: '192.0.2.254/31', buggy: true, want: 1n },
    { desc: 'IPv6 ignores avoidBuggyIPs', cidr: '2001:db8::/120', buggy: true, want: 256n },
    { desc: 'an IPv6 /64 is exact', cidr: '2001:db8::/64', buggy: false, want: 1n << 64n },
  ];
  for (const c of usable) it(`usable: ${c.desc}`, () => assert.equal(space(c.cidr, c.buggy).usable, c.want));

  it('slots and addresses round-trip over a buggy-skipping /23, in order, without .0/.255', () => {
    const s = space('198.51.100.0/23', true);
    const seen: bigint[] = [];
    for (let slot = s.low; slot <= s.high; slot++) seen.push(s.addressOf(slot));
    assert.equal(BigInt(seen.length), s.usable);
    for (const a of seen) {
      assert.equal(s.slotOf(a), s.low + BigInt(seen.indexOf(a)));
      assert.equal(isBuggyIp('ipv4', a), false);
      assert.equal(s.contains(a), true);
    }
    assert.deepEqual([seen[0], seen[253], seen[254], seen.at(-1)], [v('198.51.100.1'), v('198.51.100.254'), v('198.51.101.1'), v('198.51.101.254')]);
    assert.equal(s.contains(v('198.51.100.255')), false);
    assert.equal(s.contains(v('198.51.102.1')), false);
  });

  it('lowestFree skips used addresses (and buggy ones), then reports none when full', () => {
    const s = space('192.0.2.0/30', true);
    assert.equal(s.lowestFree(), v('192.0.2.1'));
    s.markUsed(v('192.0.2.1'), undefined);
    assert.equal(s.lowestFree(), v('192.0.2.2'));
    s.markUsed(v('192.0.2.2'), undefined);
    assert.equal(s.lowestFree(), v('192.0.2.3'));
    s.markUsed(v('192.0.2.3'), undefined);
    assert.equal(s.lowestFree(), undefined);
    s.markFree(v('192.0.2.2'), undefined);
    assert.equal(s.lowestFree(), v('192.0.2.2'));
  });

  it('the shareable index follows markUsed/markFree and forgets empty identities', () => {
    const s = space('192.0.2.0/28');
    const id = sharingIdentity('k', 'backend');
    assert.ok(id !== undefined);
    s.markUsed(v('192.0.2.9'), id);
    s.markUsed(v('192.0.2.3'), id);
    s.markUsed(v('192.0.2.5'), sharingIdentity('other', 'backend'));
    assert.deepEqual([...s.sharedUnder(id)], [v('192.0.2.3'), v('192.0.2.9')]);
    s.markFree(v('192.0.2.3'), id);
    s.markFree(v('192.0.2.9'), id);
    assert.deepEqual([...s.sharedUnder(id)], []);
    assert.equal(s.shared.has(id), false);
    assert.equal(s.shared.size, 1);
  });
});

describe('sharingIdentity', () => {
  const cases = [
    { desc: 'no sharing key never shares', sharing: '', backend: 'b', want: undefined },
    { desc: 'sharing and backend both matter', sharing: 'k', backend: 'b', want: 'k\u0000b' },
  ];
  for (const c of cases) it(c.desc, () => assert.equal(sharingIdentity(c.sharing, c.backend), c.want));
});

describe('SpaceIndex', () => {
  const index = new SpaceIndex([
    testPool('a', ['192.0.2.0/28', '2001:db8::/126']),
    testPool('b', ['198.51.100.0/24'], { avoidBuggyIPs: true }),
    testPool('c', ['203.0.113.10-203.0.113.20']),
  ]);
  const cases = [
    { desc: 'an address of pool a', input: '192.0.2.7', want: 'a' },
    { desc: 'an IPv6 address of pool a', input: '2001:db8::3', want: 'a' },
    { desc: 'a range entry (several CIDRs) of pool c', input: '203.0.113.17', want: 'c' },
    { desc: 'the start of a range', input: '203.0.113.10', want: 'c' },
    { desc: 'just outside the range', input: '203.0.113.21', want: undefined },
    { desc: 'a buggy address of an avoiding pool belongs to none', input: '198.51.100.255', want: undefined },
    { desc: 'between blocks', input: '192.0.2.16', want: undefined },
  ];
  for (const c of cases) it(c.desc, () => assert.equal(index.find(ip(c.input).family, ip(c.input).value)?.pool, c.want));

  it('keeps spec.addresses order per pool', () => {
    assert.deepEqual(index.byPool.get('a')?.map((s) => s.cidr.family), ['ipv4', 'ipv6']);
    assert.ok((index.byPool.get('c')?.length ?? 0) > 1);
  });
});
