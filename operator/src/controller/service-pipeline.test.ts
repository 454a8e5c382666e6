import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubernetesObject, V1Service } from '@kubernetes/client-node';
import { captureLogger, FakeCounter } from '@metallb-ts/lib/testing/capture-logger.ts';
import { FakeClock, flushPromises } from '@metallb-ts/lib/testing/fake-clock.ts';
import { ServicePipeline } from './service-pipeline.ts';

/** Service events the test fires by hand. */
class FakeServices {
  readonly #subs: Array<(obj: KubernetesObject) => void> = [];
  list(): readonly V1Service[] {
    return [];
  }
  on(event: string, cb: (obj: KubernetesObject) => void): void {
    if (event === 'add') this.#subs.push(cb);
  }
  add(name: string): void {
    for (const cb of this.#subs) cb({ metadata: { namespace: 'ns', name } });
  }
}

describe('ServicePipeline.waiting (what Events yield to)', () => {
  it('counts Services queued for a worker, not the ones being reconciled', async () => {
    const services = new FakeServices();
    const gates: Array<() => void> = [];
    const p = new ServicePipeline({
      settings: { clock: new FakeClock(), logger: captureLogger().logger, updateErrors: new FakeCounter() },
      reconcile: () => new Promise((resolve) => gates.push(() => resolve('success'))),
      services, allocated: () => [], active: () => true, workers: 2,
    });
    p.start();
    assert.equal(p.waiting, 0);
    for (const name of ['a', 'b', 'c', 'd', 'e']) services.add(name);
    await flushPromises();
    assert.equal(gates.length, 2, 'two workers busy');
    assert.equal(p.waiting, 3);
    for (let i = 0; i < 10 && (gates.length > 0 || p.waiting > 0); i++) {
      gates.splice(0).forEach((g) => g());
      await flushPromises();
    }
    assert.equal(p.waiting, 0);
    await p.idle();
    await p.shutdown();
  });
});
