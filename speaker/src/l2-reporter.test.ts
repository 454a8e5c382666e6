import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { captureLogger } from '@metallb-ts/lib/testing/capture-logger.ts';
import { FakeClock } from '@metallb-ts/lib/testing/fake-clock.ts';
import type { ExistingServiceL2, ServiceEvent } from './layer2/core/l2-reports.ts';
import { L2Reporter, type ServiceL2Port } from './l2-reporter.ts';

class FakeStatuses implements ServiceL2Port {
  readonly objects = new Map<string, ExistingServiceL2>();
  readonly writes: string[] = [];
  #seq = 0;
  async list() {
    return [...this.objects.values()];
  }
  async create(service: string, interfaces: readonly string[]) {
    const name = `l2-${this.#seq++}`;
    this.objects.set(name, { name, service, interfaces });
    this.writes.push(`create ${service}`);
  }
  async patchInterfaces(name: string, interfaces: readonly string[]) {
    this.objects.set(name, { ...this.objects.get(name)!, interfaces });
    this.writes.push(`patch ${name}`);
  }
  async delete(name: string) {
    this.objects.delete(name);
    this.writes.push(`delete ${name}`);
  }
}

describe('L2Reporter', () => {
  it('one ServiceL2Status and one nodeAssigned per Service it starts announcing; nothing when nothing changed; deleted when it stops', async () => {
    const statuses = new FakeStatuses();
    const events: ServiceEvent[] = [];
    const r = new L2Reporter({ node: 'node-1', statuses, events: { record: async (e) => void events.push(e) }, logger: captureLogger().logger, clock: new FakeClock() });
    const vip = { ip: '192.0.2.1', services: ['ns/web'], interfaces: undefined };
    r.update([vip]);
    await r.idle();
    r.update([vip]);
    await r.idle();
    assert.deepEqual(statuses.writes, ['create ns/web']);
    assert.deepEqual(events.map((e) => `${e.reason} ${e.service} ${e.note}`), ['nodeAssigned ns/web announcing from node "node-1" with protocol "layer2"']);
    r.update([]);
    await r.idle();
    assert.deepEqual(statuses.writes, ['create ns/web', 'delete l2-0']);
    assert.equal(events.length, 1);
  });

  it('a failed write is retried after a backoff without any further change', async () => {
    const statuses = new FakeStatuses();
    let failing = true;
    const list = statuses.list.bind(statuses);
    statuses.list = async () => {
      if (failing) throw new Error('429 storage is (re)initializing');
      return list();
    };
    const clock = new FakeClock();
    const r = new L2Reporter({ node: 'node-1', statuses, events: { record: async () => undefined }, logger: captureLogger().logger, clock });
    r.update([{ ip: '192.0.2.1', services: ['ns/web'], interfaces: undefined }]);
    await r.idle();
    assert.deepEqual(statuses.writes, []);
    failing = false;
    await clock.advance(1000);
    await r.idle();
    assert.deepEqual(statuses.writes, ['create ns/web']);
    await clock.advance(60_000);
    await r.idle();
    assert.deepEqual(statuses.writes, ['create ns/web'], 'no retry once written');
  });
});
