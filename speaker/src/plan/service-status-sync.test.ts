import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { captureLogger } from '@metallb-ts/lib/testing/capture-logger.ts';
import { FakeClock } from '@metallb-ts/lib/testing/fake-clock.ts';
import type { ExistingServiceStatus } from './core/service-bgp.ts';
import type { ServiceStatusPort } from './plan-ports.ts';
import { serviceStatusSync } from './service-status-sync.ts';

/**
 * An in-memory ServiceBGPStatus store behind the port. `lagNextList` makes the next list answer
 * with the objects as they were before the last write (a create the apiserver committed after
 * the list, or a read served from a cache that has not caught up yet).
 */
class FakeStore implements ServiceStatusPort {
  objects = new Map<string, ExistingServiceStatus>();
  lists = 0;
  writes: string[] = [];
  lagNextList = false;
  failCreateOf = new Set<string>();
  #before = new Map<string, ExistingServiceStatus>();
  #n = 0;

  async list(): Promise<ExistingServiceStatus[]> {
    this.lists++;
    const from = this.lagNextList ? this.#before : this.objects;
    this.lagNextList = false;
    return [...from.values()];
  }

  async create(service: string, peers: readonly string[]): Promise<void> {
    if (this.failCreateOf.has(service)) throw new Error(`create ${service}: 422`);
    this.#remember();
    const name = `bgp-${++this.#n}`;
    this.objects.set(name, { name, service, peers });
    this.writes.push(`create ${service}`);
  }

  async patchPeers(name: string, service: string, peers: readonly string[]): Promise<void> {
    this.#remember();
    this.objects.set(name, { name, service, peers });
    this.writes.push(`patch ${service}`);
  }

  async delete(name: string): Promise<void> {
    this.#remember();
    this.writes.push(`delete ${this.objects.get(name)?.service ?? name}`);
    this.objects.delete(name);
  }

  services(): string[] {
    return [...this.objects.values()].map((o) => o.service).sort();
  }

  #remember(): void {
    this.#before = new Map(this.objects);
  }
}

const WEB = new Map([['default/web', ['router']]]);
const NONE = new Map<string, readonly string[]>();

function setup(): { store: FakeStore; clock: FakeClock; sync: ReturnType<typeof serviceStatusSync> } {
  const store = new FakeStore();
  const clock = new FakeClock();
  return { store, clock, sync: serviceStatusSync({ port: store, clock, logger: captureLogger().logger, settleMs: 10_000, resyncMs: 300_000 }) };
}

describe('serviceStatusSync', () => {
  it('a list that misses the previous pass\'s create does not leave the object behind once the Service is dropped', async () => {
    const { store, clock, sync } = setup();
    await sync.sync(WEB);
    assert.deepEqual(store.services(), ['default/web']);
    // The BGPAdvertisement is deleted right after: the plan drops the Service, and the next list
    // does not show the create yet. It finds nothing to delete (the old writer stopped here for good).
    await clock.advance(500);
    store.lagNextList = true;
    await sync.sync(NONE);
    assert.deepEqual(store.services(), ['default/web'], 'the stale read hid it');
    // The next poll lists again (still settling) and deletes it.
    await clock.advance(500);
    await sync.sync(NONE);
    assert.deepEqual(store.services(), []);
    assert.deepEqual(store.writes, ['create default/web', 'delete default/web']);
  });

  it('settled: no list and no write until the resync interval; the resync restores an object deleted by someone else', async () => {
    const { store, clock, sync } = setup();
    await sync.sync(WEB);
    for (let i = 0; i < 30; i++) {
      await clock.advance(500);
      await sync.sync(WEB);
    }
    const listsWhenSettled = store.lists;
    assert.ok(listsWhenSettled >= 21 && listsWhenSettled <= 22, `lists during the 10 s settle window: ${listsWhenSettled}`);
    store.objects.clear(); // kubectl delete servicebgpstatus …
    for (let i = 0; i < 10; i++) {
      await clock.advance(1000);
      await sync.sync(WEB);
    }
    assert.equal(store.lists, listsWhenSettled, 'nothing listed while settled');
    assert.deepEqual(store.writes, ['create default/web']);
    await clock.advance(300_000);
    await sync.sync(WEB);
    assert.deepEqual(store.writes, ['create default/web', 'create default/web']);
    assert.deepEqual(store.services(), ['default/web']);
  });

  it('a failed create does not keep another Service\'s stale object; the failure is thrown and retried', async () => {
    const { store, clock, sync } = setup();
    await sync.sync(WEB);
    store.failCreateOf.add('default/other');
    await clock.advance(500);
    await assert.rejects(sync.sync(new Map([['default/other', ['router']]])), /1 of 2 ServiceBGPStatus writes failed/);
    assert.deepEqual(store.services(), [], 'default/web deleted although the create failed');
    store.failCreateOf.clear();
    await clock.advance(500);
    await sync.sync(new Map([['default/other', ['router']]]));
    assert.deepEqual(store.services(), ['default/other']);
  });

  it('peers change: one patch; reset (a new plan object) lists again at once', async () => {
    const { store, clock, sync } = setup();
    await sync.sync(WEB);
    await clock.advance(20_000);
    await sync.sync(WEB);
    await clock.advance(1000);
    await sync.sync(new Map([['default/web', ['router', 'router-mh']]]));
    assert.deepEqual([...store.objects.values()].map((o) => o.peers), [['router', 'router-mh']]);
    await clock.advance(20_000);
    await sync.sync(new Map([['default/web', ['router', 'router-mh']]]));
    const lists = store.lists;
    await clock.advance(1000);
    await sync.sync(new Map([['default/web', ['router', 'router-mh']]]));
    assert.equal(store.lists, lists, 'settled');
    sync.reset();
    await sync.sync(new Map([['default/web', ['router', 'router-mh']]]));
    assert.equal(store.lists, lists + 1);
    assert.deepEqual(store.writes, ['create default/web', 'patch default/web']);
  });
});
