import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BroadcastQueue } from './broadcast-queue.ts';
import type { Rumour } from './messages.ts';

const suspect = (node: string, incarnation = 0): Rumour => ({ type: 'suspect', node, incarnation, from: 'x' });

describe('BroadcastQueue', () => {
  it('keeps one rumour per member, the latest', () => {
    const q = new BroadcastQueue();
    q.enqueue(suspect('a'));
    q.enqueue({ type: 'alive', node: 'a', incarnation: 1, addr: 'a:1' });
    assert.equal(q.size, 1);
    assert.deepEqual(q.take(1000, 10).rumours, [{ type: 'alive', node: 'a', incarnation: 1, addr: 'a:1' }]);
  });
  it('drops a rumour after the retransmit limit', () => {
    const q = new BroadcastQueue();
    q.enqueue(suspect('a'));
    assert.equal(q.take(1000, 2).rumours.length, 1);
    assert.equal(q.take(1000, 2).rumours.length, 1);
    assert.equal(q.take(1000, 2).rumours.length, 0);
  });
  it('sends the least transmitted first and respects the byte budget', () => {
    const q = new BroadcastQueue();
    q.enqueue(suspect('a'));
    q.take(1000, 10);
    q.enqueue(suspect('b'));
    const one = q.take(15, 10); // one encoded suspect is 10 bytes
    assert.deepEqual(one.rumours.map((r) => r.node), ['b']);
    assert.ok(one.parts.reduce((n, p) => n + p.length, 0) <= 15);
  });
});
