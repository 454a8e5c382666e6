import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { guardedMergePatch, mergePatchOf } from './merge-patch.ts';

describe('mergePatchOf', () => {
  const cases: ReadonlyArray<{ name: string; base: unknown; next: unknown; want: unknown }> = [
    { name: 'equal objects: no patch', base: { a: 1, b: { c: [1, 2] } }, next: { a: 1, b: { c: [1, 2] } }, want: undefined },
    { name: 'a changed scalar', base: { a: 1, b: 2 }, next: { a: 1, b: 3 }, want: { b: 3 } },
    { name: 'an added nested key', base: { m: { x: '1' } }, next: { m: { x: '1', y: '2' } }, want: { m: { y: '2' } } },
    { name: 'a removed key becomes null', base: { m: { x: '1', y: '2' } }, next: { m: { x: '1' } }, want: { m: { y: null } } },
    { name: 'undefined-valued keys count as absent', base: { a: 1, u: undefined }, next: { a: 1 }, want: undefined },
    { name: 'arrays are replaced whole', base: { l: [{ ip: '192.0.2.1' }] }, next: { l: [{ ip: '192.0.2.1' }, { ip: '2001:db8::1' }] }, want: { l: [{ ip: '192.0.2.1' }, { ip: '2001:db8::1' }] } },
    { name: 'a new subtree whole', base: { metadata: {} }, next: { metadata: {}, status: { lb: { ingress: [{ ip: '192.0.2.7' }] } } }, want: { status: { lb: { ingress: [{ ip: '192.0.2.7' }] } } } },
    { name: 'an emptied list stays an empty list', base: { l: [1] }, next: { l: [] }, want: { l: [] } },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(mergePatchOf(c.base, c.next), c.want));
});

describe('guardedMergePatch', () => {
  it("carries the base's resourceVersion next to the changes", () => {
    const base = { metadata: { name: 's', resourceVersion: '41', annotations: { 'metallb.io/ip-allocated-from-pool': 'a' } } };
    const next = { metadata: { name: 's', resourceVersion: '41', annotations: {} }, status: { loadBalancer: { ingress: [{ ip: '192.0.2.1' }] } } };
    assert.deepEqual(guardedMergePatch(base, next), {
      metadata: { annotations: { 'metallb.io/ip-allocated-from-pool': null }, resourceVersion: '41' },
      status: { loadBalancer: { ingress: [{ ip: '192.0.2.1' }] } },
    });
  });
  it('nothing to change, or no resourceVersion to guard with: no patch', () => {
    assert.equal(guardedMergePatch({ metadata: { resourceVersion: '1' } }, { metadata: { resourceVersion: '1' } }), undefined);
    assert.equal(guardedMergePatch({ metadata: {} }, { metadata: {}, status: { x: 1 } }), undefined);
  });
});
