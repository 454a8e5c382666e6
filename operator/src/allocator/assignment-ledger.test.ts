import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1Service } from '@kubernetes/client-node';
import { AssignmentLedger, olderThan } from './assignment-ledger.ts';
import { POOL_ANNOTATION } from '../service/annotations.ts';
import { testService } from '../testing/test-services.ts';
import type { ServiceKey } from '@metallb-ts/lib/ids/ids.ts';

const KEY = 'default/svc' as ServiceKey;
const svc = (uid: string, rv: string, ingress: readonly string[] = []): V1Service => {
  const s = testService({ ingress });
  return { ...s, metadata: { ...s.metadata, uid, resourceVersion: rv } };
};
/** The identity the ledger records (a parsed Service has it). */
const id = (uid: string): { key: ServiceKey; uid: string } => ({ key: KEY, uid });
const ips = (s: V1Service): string[] => (s.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? '');

describe('olderThan', () => {
  const cases = [
    { desc: 'smaller integer', input: ['99', '100'], want: true },
    { desc: 'equal', input: ['100', '100'], want: false },
    { desc: 'larger', input: ['101', '100'], want: false },
    { desc: 'beyond 2^53', input: ['18446744073709551614', '18446744073709551615'], want: true },
    { desc: 'unparseable counts as caught up', input: ['abc', '100'], want: false },
    { desc: 'missing counts as caught up', input: [undefined, '100'], want: false },
  ] as const;
  for (const c of cases) it(c.desc, () => assert.equal(olderThan(c.input[0], c.input[1]), c.want));
});

describe('AssignmentLedger.view', () => {
  const cases = [
    { desc: 'nothing written: the cache as is', write: false, cached: svc('u1', '5'), want: { ips: [], pool: undefined } },
    { desc: 'cache older than the write: the write applied', write: true, cached: svc('u1', '5'), want: { ips: ['192.0.2.7'], pool: 'p' } },
    { desc: 'cache older, showing an old ingress: the write wins', write: true, cached: svc('u1', '5', ['192.0.2.1']), want: { ips: ['192.0.2.7'], pool: 'p' } },
    { desc: 'cache at the write: the cache', write: true, cached: svc('u1', '10', ['192.0.2.7']), want: { ips: ['192.0.2.7'], pool: undefined } },
    { desc: 'cache past the write, status cleared meanwhile: the cache', write: true, cached: svc('u1', '11'), want: { ips: [], pool: undefined } },
    { desc: 'another Service (UID) under the name: the cache', write: true, cached: svc('u2', '5'), want: { ips: [], pool: undefined } },
  ];
  for (const c of cases) {
    it(c.desc, () => {
      const l = new AssignmentLedger();
      if (c.write) l.wrote(id('u1'), { ingress: ['192.0.2.7'], pool: 'p' }, '10');
      const v = l.view(c.cached);
      assert.deepEqual({ ips: ips(v), pool: v.metadata?.annotations?.[POOL_ANNOTATION] }, c.want);
      assert.equal(v.spec, c.cached.spec, 'spec always comes from the cache');
    });
  }

  it('once the cache caught up, an older object is no longer overlaid', () => {
    const l = new AssignmentLedger();
    l.wrote(id('u1'), { ingress: ['192.0.2.7'], pool: 'p' }, '10');
    l.view(svc('u1', '10', ['192.0.2.7']));
    assert.deepEqual(ips(l.view(svc('u1', '5'))), []);
    assert.equal(l.ownerOf(KEY), 'u1', 'the owner stays');
  });
});

describe('AssignmentLedger owners', () => {
  it('own keeps a pending write of the same Service, replaces another one, forget drops it', () => {
    const l = new AssignmentLedger();
    l.wrote(id('u1'), { ingress: ['192.0.2.7'], pool: 'p' }, '10');
    l.own(id('u1'));
    assert.deepEqual(ips(l.view(svc('u1', '5'))), ['192.0.2.7']);
    l.own(id('u2'));
    assert.equal(l.ownerOf(KEY), 'u2');
    assert.deepEqual(ips(l.view(svc('u2', '5'))), []);
    l.forget(KEY);
    assert.equal(l.ownerOf(KEY), undefined);
  });
});
