import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { err, ok } from '../result.ts';
import { EventRecorder, eventName, type EventSeries, type EventSink, type KubeEvent } from './events.ts';
import { FakeClock } from '../testing/fake-clock.ts';
import { captureLogger, FakeCounter } from '../testing/capture-logger.ts';

/** Records calls; events can be "expired" to exercise the not-found path; `fail` makes create throw. */
class FakeSink implements EventSink {
  created: KubeEvent[] = [];
  series = new Map<string, EventSeries>();
  fail = false;
  async create(namespace: string, event: KubeEvent): Promise<KubeEvent> {
    if (this.fail) throw new Error('apiserver down');
    const stored = { ...event, metadata: { ...event.metadata, namespace } };
    this.created.push(stored);
    return stored;
  }
  async patchSeries(_ns: string, name: string, series: EventSeries) {
    if (!this.created.some((e) => e.metadata?.name === name)) return err('not-found' as const);
    this.series.set(name, series);
    return ok(this.created.find((e) => e.metadata?.name === name) as KubeEvent);
  }
}

const svc = { apiVersion: 'v1', kind: 'Service', namespace: 'default', name: 'web', uid: 'u-1' };
const allocated = { type: 'Normal' as const, reason: 'IPAllocated', note: 'Assigned IP ["192.0.2.10"]' };

function recorder(windowMs = 360_000) {
  const sink = new FakeSink();
  const clock = new FakeClock();
  const rec = new EventRecorder({ sink, clock, windowMs, reportingController: 'metallb.io/controller', reportingInstance: 'controller-0' });
  return { sink, clock, rec };
}

describe('EventRecorder', () => {
  it('creates an events.k8s.io/v1 Event regarding the object', async () => {
    const { sink, rec } = recorder();
    assert.deepEqual(await rec.record(svc, allocated), ok('created'));
    const ev = sink.created[0];
    assert.deepEqual(ev?.regarding, svc);
    assert.equal(ev?.reportingController, 'metallb.io/controller');
    assert.equal(ev?.reportingInstance, 'controller-0');
    assert.equal(ev?.action, 'IPAllocated');
    assert.equal(ev?.metadata?.namespace, 'default');
    assert.match(JSON.stringify(ev?.eventTime), /\.\d{6}Z"$/, 'microsecond eventTime');
    assert.match(ev?.metadata?.name ?? '', /^web\.[0-9a-f]+$/);
  });

  it('names events uniquely, as valid DNS subdomains', () => {
    const names = [0, 1, 2].map((seq) => eventName('web', 1_700_000_000_000, seq));
    assert.equal(new Set(names).size, 3);
    for (const n of names) assert.match(n, /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/);
  });

  const repeats = [
    { desc: 'same event twice: one object, series count 2', second: allocated, advance: 1_000, wantCreated: 1, wantCount: 2 },
    { desc: 'different note: two objects', second: { ...allocated, note: 'Assigned IP ["192.0.2.11"]' }, advance: 1_000, wantCreated: 2, wantCount: undefined },
    { desc: 'different reason: two objects', second: { ...allocated, reason: 'ClearAssignment' }, advance: 1_000, wantCreated: 2, wantCount: undefined },
    { desc: 'after the window: a new object', second: allocated, advance: 400_000, wantCreated: 2, wantCount: undefined },
  ];
  for (const c of repeats) {
    it(c.desc, async () => {
      const { sink, clock, rec } = recorder();
      await rec.record(svc, allocated);
      await clock.advance(c.advance);
      await rec.record(svc, c.second);
      assert.equal(sink.created.length, c.wantCreated);
      assert.equal(sink.series.get(sink.created[0]?.metadata?.name ?? '')?.count, c.wantCount);
    });
  }

  it('concurrent repeats are serialized into one object with a growing series', async () => {
    const { sink, rec } = recorder();
    const results = await Promise.all([1, 2, 3, 4].map(() => rec.record(svc, allocated)));
    assert.deepEqual(results, [ok('created'), ok('series'), ok('series'), ok('series')]);
    assert.equal(sink.created.length, 1);
    assert.equal(sink.series.get(sink.created[0]?.metadata?.name ?? '')?.count, 4);
  });

  it('recreates the event when the original is gone', async () => {
    const { sink, rec } = recorder();
    await rec.record(svc, allocated);
    sink.created = [];
    assert.deepEqual(await rec.record(svc, allocated), ok('created'));
    assert.equal(sink.created.length, 1);
  });

  it('returns API failures instead of throwing', async () => {
    const { sink, rec } = recorder();
    sink.fail = true;
    const r = await rec.record(svc, allocated);
    assert.equal(r.ok, false);
  });

  it('truncates an overlong note to 1 kB', async () => {
    const { sink, rec } = recorder();
    await rec.record(svc, { ...allocated, note: 'x'.repeat(5000) });
    assert.equal(sink.created[0]?.note?.length, 1024);
  });

  it('runs at most maxInFlight writes at once and still writes every occurrence, in order', async () => {
    let running = 0;
    let peak = 0;
    const release: Array<() => void> = [];
    const created: string[] = [];
    const sink: EventSink = {
      create: async (_ns, event) => {
        running++;
        peak = Math.max(peak, running);
        await new Promise<void>((resolve) => release.push(resolve));
        running--;
        created.push(event.regarding?.name ?? '');
        return event;
      },
      patchSeries: async () => err('not-found' as const),
    };
    const rec = new EventRecorder({ sink, clock: new FakeClock(), maxInFlight: 2, reportingController: 'metallb.io/controller', reportingInstance: 'c' });
    const names = Array.from({ length: 7 }, (_, i) => `svc-${String(i)}`);
    const done = names.map((name) => rec.record({ ...svc, name, uid: name }, allocated));
    for (let i = 0; i < 50 && created.length < names.length; i++) {
      await new Promise((r) => setImmediate(r));
      assert.ok(running <= 2, `running ${String(running)} > 2`);
      release.splice(0).forEach((r) => r());
    }
    assert.deepEqual((await Promise.all(done)).map((r) => r.ok), names.map(() => true));
    assert.equal(peak, 2);
    assert.deepEqual(created, names);
  });
});

/** A sink whose creates wait until `release()`; counts the creates that reached it. */
class GatedSink extends FakeSink {
  #open: Array<() => void> = [];
  override async create(namespace: string, event: KubeEvent): Promise<KubeEvent> {
    await new Promise<void>((resolve) => this.#open.push(resolve));
    return super.create(namespace, event);
  }
  release(): void {
    for (const r of this.#open.splice(0)) r();
  }
  get waiting(): number {
    return this.#open.length;
  }
}

describe('EventRecorder.flush (a stopping replica keeps its events)', () => {
  const subjects = Array.from({ length: 10 }, (_, i) => ({ ...svc, name: `web-${String(i)}`, uid: `u-${String(i)}` }));

  it('resolves only after every queued occurrence is written, draining drainInFlight at once', async () => {
    const sink = new GatedSink();
    const rec = new EventRecorder({ sink, maxInFlight: 2, drainInFlight: 4, reportingController: 'metallb.io/controller', reportingInstance: 'controller-0' });
    for (const s of subjects) void rec.record(s, allocated);
    await new Promise((r) => setImmediate(r));
    assert.equal(sink.waiting, 2, 'before the flush: maxInFlight writes at once');
    let flushed: number | undefined;
    const done = rec.flush(60_000).then((n) => (flushed = n));
    let peak = 0;
    for (let round = 0; round < 20 && flushed === undefined; round++) {
      await new Promise((r) => setImmediate(r));
      peak = Math.max(peak, sink.waiting);
      assert.ok(sink.waiting <= 4, `at most drainInFlight writes at once, saw ${String(sink.waiting)}`);
      sink.release();
    }
    await done;
    assert.equal(flushed, 0);
    assert.equal(peak, 4, 'the flush widened the writes to drainInFlight');
    assert.deepEqual(sink.created.map((e) => e.regarding?.uid).sort(), subjects.map((s) => s.uid).sort());
  });

  it('goes back to maxInFlight once the flush is over', async () => {
    const sink = new GatedSink();
    const rec = new EventRecorder({ sink, maxInFlight: 1, drainInFlight: 4, reportingController: 'metallb.io/controller', reportingInstance: 'controller-0' });
    assert.equal(await rec.flush(10), 0);
    for (const s of subjects.slice(0, 3)) void rec.record(s, allocated);
    await new Promise((r) => setImmediate(r));
    assert.equal(sink.waiting, 1);
    sink.release();
  });

  it('gives up after its timeout and says how many were not written', async () => {
    const sink = new GatedSink();
    const rec = new EventRecorder({ sink, maxInFlight: 2, reportingController: 'metallb.io/controller', reportingInstance: 'controller-0' });
    for (const s of subjects.slice(0, 3)) void rec.record(s, allocated);
    assert.equal(await rec.flush(20), 3);
    sink.release();
  });

  it('returns 0 at once when nothing is queued', async () => {
    const { rec } = recorder();
    assert.equal(await rec.flush(10), 0);
  });
});

describe('EventRecorder failures', () => {
  it('a failed write is returned, logged with its reason and counted', async () => {
    const sink = new FakeSink();
    sink.fail = true;
    const log = captureLogger();
    const errors = new FakeCounter();
    const rec = new EventRecorder({
      sink, clock: new FakeClock(), reportingController: 'metallb.io/controller', reportingInstance: 'c-0', logger: log.logger, errors,
    });
    const r = await rec.record(svc, allocated);
    assert.equal(r.ok, false);
    assert.equal(errors.value, 1);
    const entry = (await log.entries()).find((e) => e.message === 'writing event failed');
    assert.equal(entry?.reason, 'Error: apiserver down');
    assert.equal(entry?.service, 'default/web');
  });
});
