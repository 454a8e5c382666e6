import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cidrsOverlap, formatIp, goMaskLength, parseAddressEntry, parseCidr, parseIp, summarizeRange } from './ip.ts';

describe('parseIp', () => {
  const cases: { desc: string; input: string; want: string | undefined }[] = [
    { desc: 'ipv4', input: '192.0.2.1', want: '192.0.2.1' },
    { desc: 'ipv4 zero', input: '0.0.0.0', want: '0.0.0.0' },
    { desc: 'ipv4 leading zero rejected (Go ≥ 1.17)', input: '192.0.2.01', want: undefined },
    { desc: 'ipv4 octet > 255', input: '192.0.2.256', want: undefined },
    { desc: 'ipv4 three parts', input: '192.0.2', want: undefined },
    { desc: 'ipv6 compressed', input: '2001:DB8::1', want: '2001:db8::1' },
    { desc: 'ipv6 full form is canonicalised', input: '2001:db8:0:0:0:0:0:1', want: '2001:db8::1' },
    { desc: 'ipv6 single zero group not compressed', input: '2001:db8:0:1:1:1:1:1', want: '2001:db8:0:1:1:1:1:1' },
    { desc: 'ipv6 unspecified', input: '::', want: '::' },
    { desc: 'ipv4-mapped ipv6 is ipv4 (Go prints it dotted)', input: '::ffff:192.0.2.1', want: '192.0.2.1' },
    { desc: 'ipv4-mapped in hex groups is ipv4 too', input: '::ffff:c000:201', want: '192.0.2.1' },
    { desc: 'ipv4-compatible (not mapped) stays ipv6', input: '::192.0.2.1', want: '::c000:201' },
    { desc: 'ipv6 two ::', input: '1::2::3', want: undefined },
    { desc: 'ipv6 too many groups', input: '1:2:3:4:5:6:7:8:9', want: undefined },
    { desc: 'ipv6 :: with eight groups', input: '1:2:3:4::5:6:7:8', want: undefined },
    { desc: 'ipv6 zone rejected', input: 'fe80::1%eth0', want: undefined },
    { desc: 'garbage', input: 'not-an-ip', want: undefined },
    { desc: 'empty', input: '', want: undefined },
  ];
  for (const c of cases) {
    it(c.desc, () => assert.equal(parseIp(c.input)?.text, c.want));
  }
});

describe('parseCidr', () => {
  const cases: { desc: string; input: string; want: string | undefined }[] = [
    { desc: 'v4 network', input: '10.0.0.0/24', want: '10.0.0.0/24' },
    { desc: 'v4 host bits masked like Go', input: '10.0.0.7/24', want: '10.0.0.0/24' },
    { desc: 'v6', input: '2001:db8::/64', want: '2001:db8::/64' },
    { desc: 'v4 length too long', input: '10.0.0.0/33', want: undefined },
    { desc: 'no length', input: '10.0.0.0', want: undefined },
    { desc: 'length with leading zeros: Go accepts them (dtoi)', input: '10.0.0.0/024', want: '10.0.0.0/24' },
    { desc: 'v6 length with a leading zero', input: '2001:db8::/0120', want: '2001:db8::/120' },
    { desc: 'many leading zeros', input: '10.0.0.0/00000000024', want: '10.0.0.0/24' },
    { desc: 'leading zeros do not lift the limit', input: '203.0.113.0/0120', want: undefined },
    { desc: 'sign rejected', input: '10.0.0.0/+24', want: undefined },
    { desc: 'empty length', input: '10.0.0.0/', want: undefined },
    { desc: 'ipv4-mapped /125 is the ipv4 /29', input: '::ffff:203.0.113.176/125', want: '203.0.113.176/29' },
    { desc: 'ipv4-mapped /96 is ipv4 0.0.0.0/0', input: '::ffff:1.2.3.4/96', want: '0.0.0.0/0' },
    { desc: 'ipv4-mapped /95 loses the mapping: ipv6', input: '::ffff:1.2.3.4/95', want: '::fffe:0:0/95' },
    { desc: 'ipv4-mapped takes a 128-bit length', input: '::ffff:1.2.3.4/129', want: undefined },
    { desc: 'bad address', input: '10.0.0/8', want: undefined },
  ];
  for (const c of cases) {
    it(c.desc, () => {
      const r = parseCidr(c.input);
      assert.equal(r.ok ? r.value.text : undefined, c.want);
    });
  }
});

describe('parseAddressEntry', () => {
  const cases: { desc: string; input: string; want: string[] | string }[] = [
    { desc: 'cidr', input: '192.0.2.0/28', want: ['192.0.2.0/28'] },
    { desc: 'aligned range', input: '192.0.2.0-192.0.2.255', want: ['192.0.2.0/24'] },
    { desc: 'range with spaces', input: '192.0.2.1 - 192.0.2.4', want: ['192.0.2.1/32', '192.0.2.2/31', '192.0.2.4/32'] },
    { desc: 'single-address range', input: '192.0.2.9-192.0.2.9', want: ['192.0.2.9/32'] },
    { desc: 'v6 range', input: '2001:db8::-2001:db8::ff', want: ['2001:db8::/120'] },
    { desc: 'full v4 space', input: '0.0.0.0-255.255.255.255', want: ['0.0.0.0/0'] },
    { desc: 'bad start', input: 'x-192.0.2.1', want: 'invalid IP range "x-192.0.2.1": invalid start IP "x"' },
    { desc: 'bad end', input: '192.0.2.1-y', want: 'invalid IP range "192.0.2.1-y": invalid end IP "y"' },
    {
      desc: 'start after end',
      input: '192.0.2.9-192.0.2.1',
      want: 'invalid IP range "192.0.2.9-192.0.2.1": start IP "192.0.2.9" is after the end IP "192.0.2.1"',
    },
    { desc: 'mixed families (MetalLB: accepted, no addresses; docs/differences.md)', input: '192.0.2.1-2001:db8::1', want: 'invalid IP range "192.0.2.1-2001:db8::1": start IP "192.0.2.1" and end IP "2001:db8::1" are of different families' },
    { desc: 'ipv6 start, ipv4 end: after, comparing 16-byte forms as Go', input: '2001:db8::1-192.0.2.1', want: 'invalid IP range "2001:db8::1-192.0.2.1": start IP "2001:db8::1" is after the end IP "192.0.2.1"' },
    { desc: 'ipv4-mapped range is an ipv4 range', input: '::ffff:192.0.2.1-::ffff:192.0.2.4', want: ['192.0.2.1/32', '192.0.2.2/31', '192.0.2.4/32'] },
    { desc: 'ipv4 start, ipv4-mapped end', input: '192.0.2.0-::ffff:192.0.2.255', want: ['192.0.2.0/24'] },
    { desc: 'ipv4-mapped cidr entry', input: '::ffff:203.0.113.176/125', want: ['203.0.113.176/29'] },
    { desc: 'bad cidr', input: '192.0.2.0/40', want: 'invalid CIDR "192.0.2.0/40"' },
  ];
  for (const c of cases) {
    it(c.desc, () => {
      const r = parseAddressEntry(c.input);
      assert.deepEqual(r.ok ? r.value.map((x) => x.text) : r.error, c.want);
    });
  }
});

describe('summarizeRange', () => {
  it('covers exactly the range, with no gaps or overlaps', () => {
    const first = 0x0a000003n;
    const last = 0x0a0001f0n;
    const blocks = summarizeRange('ipv4', first, last);
    let next = first;
    for (const b of blocks) {
      assert.equal(b.first, next);
      next = b.last + 1n;
    }
    assert.equal(next, last + 1n);
  });
});

describe('cidrsOverlap', () => {
  const c = (t: string) => {
    const r = parseCidr(t);
    assert.ok(r.ok);
    return r.value;
  };
  const cases: { desc: string; input: [string, string]; want: boolean }[] = [
    { desc: 'contained', input: ['10.0.0.0/8', '10.1.0.0/16'], want: true },
    { desc: 'equal', input: ['10.0.0.0/24', '10.0.0.0/24'], want: true },
    { desc: 'adjacent', input: ['10.0.0.0/24', '10.0.1.0/24'], want: false },
    { desc: 'different families', input: ['0.0.0.0/0', '::/0'], want: false },
    { desc: 'ipv4-mapped block overlaps the same ipv4 block', input: ['::ffff:203.0.113.176/125', '203.0.113.176/29'], want: true },
    { desc: 'ipv4-mapped block inside an ipv4 block', input: ['::ffff:203.0.113.176/125', '203.0.113.0/24'], want: true },
    { desc: 'ipv6 ::/64 never overlaps ipv4 (Go: different lengths of IP)', input: ['::/64', '0.0.0.0/0'], want: false },
  ];
  for (const t of cases) {
    it(t.desc, () => assert.equal(cidrsOverlap(c(t.input[0]), c(t.input[1])), t.want));
  }
});

describe('goMaskLength', () => {
  const cases: { desc: string; input: string; want: [number, number] }[] = [
    { desc: 'ipv4', input: '203.0.113.176/29', want: [29, 29] },
    { desc: 'ipv4-mapped keeps Go\'s 128-bit mask length', input: '::ffff:203.0.113.176/125', want: [29, 125] },
    { desc: 'ipv6', input: '2001:db8::/64', want: [64, 64] },
  ];
  for (const t of cases) {
    it(t.desc, () => {
      const r = parseCidr(t.input);
      assert.ok(r.ok);
      assert.deepEqual([r.value.prefixLength, goMaskLength(r.value)], t.want);
    });
  }
});

describe('formatIp', () => {
  it('compresses the first longest zero run', () => {
    assert.equal(formatIp('ipv6', 0x20010db8000000000001000000000001n), '2001:db8::1:0:0:1');
  });
});
