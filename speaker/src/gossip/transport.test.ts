import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { joinHostPort, splitHostPort } from './transport.ts';

describe('host:port', () => {
  const cases = [
    { desc: 'IPv4', input: '192.0.2.1:7946', want: { host: '192.0.2.1', port: 7946 } },
    { desc: 'IPv6 in brackets', input: '[2001:db8::1]:7946', want: { host: '2001:db8::1', port: 7946 } },
    { desc: 'name', input: 'node-a:1', want: { host: 'node-a', port: 1 } },
    { desc: 'IPv6 without brackets', input: '2001:db8::1:7946', want: undefined },
    { desc: 'port 0', input: '192.0.2.1:0', want: undefined },
    { desc: 'port too large', input: '192.0.2.1:65536', want: undefined },
    { desc: 'no port', input: '192.0.2.1', want: undefined },
    { desc: 'empty', input: '', want: undefined },
  ];
  for (const c of cases) it(`split: ${c.desc}`, () => assert.deepEqual(splitHostPort(c.input), c.want));
  it('join brackets IPv6 only, and round-trips', () => {
    assert.equal(joinHostPort('2001:db8::1', 7946), '[2001:db8::1]:7946');
    assert.equal(joinHostPort('192.0.2.1', 7946), '192.0.2.1:7946');
    assert.deepEqual(splitHostPort(joinHostPort('2001:db8::1', 7946)), { host: '2001:db8::1', port: 7946 });
  });
});
