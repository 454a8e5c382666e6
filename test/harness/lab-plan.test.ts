import assert from 'node:assert/strict';
import { test } from 'node:test';
import { daemonArgs } from './frr.ts';
import { hostCommands } from './lab-build.ts';
import { deadPrefixes } from './lab-leftovers.ts';
import { ifaceOf, labPlanFor } from './lab-plan.ts';
import { installMessage } from './lab-prereqs.ts';
import { dropRulesetFor } from './lab-traffic.ts';
import { labPrefix, parseLabName } from './netns.ts';

test('labPlanFor follows the documented address plan', () => {
  const plan = labPlanFor(3);
  const primary = (role: string) => {
    const host = plan.hosts.find((h) => h.role === role);
    return host === undefined ? undefined : ifaceOf(host);
  };
  const cases = [
    { role: 'router', want: { v4: '192.0.2.1', v6: '2001:db8:0:1::1', iface: 'eth0' } },
    { role: 'node-0', want: { v4: '192.0.2.10', v6: '2001:db8:0:1::10', iface: 'eth0' } },
    { role: 'node-2', want: { v4: '192.0.2.12', v6: '2001:db8:0:1::12', iface: 'eth0' } },
    { role: 'client', want: { v4: '192.0.2.100', v6: '2001:db8:0:1::100', iface: 'eth0' } },
    { role: 'ext', want: { v4: '203.0.113.2', v6: '2001:db8:0:2::2', iface: 'eth0' } },
  ];
  for (const { role, want } of cases) {
    const got = primary(role);
    assert.deepEqual(got && { v4: got.v4, v6: got.v6, iface: got.iface }, want, role);
  }
  const router = plan.hosts.find((h) => h.role === 'router');
  assert.deepEqual(router && ifaceOf(router, 'ext')?.v4, '203.0.113.1');
  assert.deepEqual(plan.lanPorts.map((p) => p.port), ['rt', 'cl', 'n0', 'n1', 'n2']);
});

test('labPlanFor rejects node counts outside 1..32', () => {
  for (const n of [0, -1, 1.5, 33]) assert.throws(() => labPlanFor(n), RangeError, String(n));
});

test('hostCommands configures addresses nodad and default routes (none on the router)', () => {
  const plan = labPlanFor(1);
  const cases = [
    { role: 'client', want: ['link set eth0 up', 'addr add 192.0.2.100/24 dev eth0',
      'addr add 2001:db8:0:1::100/64 dev eth0 nodad', 'route add default via 192.0.2.1',
      'route add default via 2001:db8:0:1::1'] },
    { role: 'ext', want: ['link set eth0 up', 'addr add 203.0.113.2/24 dev eth0',
      'addr add 2001:db8:0:2::2/64 dev eth0 nodad', 'route add default via 203.0.113.1',
      'route add default via 2001:db8:0:2::1'] },
  ];
  for (const { role, want } of cases) {
    const host = plan.hosts.find((h) => h.role === role);
    assert.deepEqual(host && hostCommands(host), want, role);
  }
  const router = plan.hosts.find((h) => h.role === 'router');
  assert.equal(router && hostCommands(router).some((l) => l.startsWith('route')), false);
});

test('parseLabName recognises only lab names', () => {
  const cases = [
    { input: 'mlbts-123-ab12-node-0', want: { pid: 123, prefix: 'mlbts-123-ab12-' } },
    { input: 'mlbts-123-ab12', want: { pid: 123, prefix: 'mlbts-123-ab12-' } },
    { input: 'mlbts-123-zz12-lan', want: undefined },
    { input: 'mlbts-apt.log', want: undefined },
    { input: 'other-123-ab12-lan', want: undefined },
  ];
  for (const { input, want } of cases) assert.deepEqual(parseLabName(input), want, input);
  assert.equal(labPrefix(7, 'beef'), 'mlbts-7-beef-');
});

test('deadPrefixes keeps only labs whose owner is dead', () => {
  const names = ['mlbts-1-aaaa-lan', 'mlbts-1-aaaa-node-0', 'mlbts-1-aaaa', 'mlbts-2-bbbb-lan', 'unrelated'];
  assert.deepEqual(deadPrefixes(names, (pid) => pid === 2), ['mlbts-1-aaaa-']);
  assert.deepEqual(deadPrefixes(names, () => true), []);
});

test('dropRulesetFor drops both directions on every interface', () => {
  const rules = dropRulesetFor(['eth0', 'eth1']);
  for (const dev of ['eth0', 'eth1']) {
    assert.match(rules, new RegExp(`hook ingress device "${dev}" priority -500; policy drop;`));
    assert.match(rules, new RegExp(`hook egress device "${dev}" priority -500; policy drop;`));
  }
  assert.match(rules, /^table netdev mlbts_drop \{/);
});

test('daemonArgs points every path into the instance dir', () => {
  const cases = [
    { d: 'zebra', want: ['-s', '90000000'] },
    { d: 'bfdd', want: ['--bfdctl', '/x/bfdd.sock'] },
  ] as const;
  for (const { d, want } of cases) {
    const args = daemonArgs('/x', d);
    assert.deepEqual(args.slice(-want.length), want, d);
    assert.ok(args.includes(`/x/${d}.pid`) && args.includes('/x/zserv.api') && args.includes(`file:/x/${d}.log`));
  }
});

test('installMessage names the Debian package(s)', () => {
  assert.equal(installMessage({ what: 'arping', bin: 'arping', packages: ['iputils-arping'] }),
    'arping is not installed: run sudo hack/setup.sh (Debian package iputils-arping)');
});
