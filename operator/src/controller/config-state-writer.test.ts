import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { captureLogger, FakeCounter } from '@metallb-ts/lib/testing/capture-logger.ts';
import { FakeClock } from '@metallb-ts/lib/testing/fake-clock.ts';
import type { ConfigError } from '../config/errors.ts';
import { FakeConfigStatePort, FakeEventPort } from '../testing/controller-fakes.ts';
import { verdictOf } from './config-state.ts';
import { ConfigStateWriter } from './config-state-writer.ts';

const poolError: ConfigError = { kind: 'invalid', object: { kind: 'IPAddressPool', name: 'x' }, field: 'spec.addresses[0]', message: 'invalid CIDR "nope"', rule: 'P3' };

function harness() {
  const port = new FakeConfigStatePort();
  const events = new FakeEventPort();
  const metrics = { updates: new FakeCounter(), updateErrors: new FakeCounter() };
  const log = captureLogger();
  const writer = new ConfigStateWriter({ port, namespace: 'metallb-system', name: 'controller', events, clock: new FakeClock(), metrics, logger: log.logger });
  return { port, events, metrics, log, writer };
}

describe('ConfigStateWriter', () => {
  it('creates the object when missing, labelled, then writes its status', async () => {
    const h = harness();
    assert.equal(await h.writer.report(verdictOf([])), 'written');
    assert.deepEqual(h.port.calls, ['read', 'create', 'patchStatus']);
    assert.equal(h.port.obj?.metadata?.labels?.['metallb.io/component-type'], 'controller');
    assert.equal(h.port.obj?.status?.result, 'Valid');
    assert.equal(h.metrics.updates.value, 1);
    assert.deepEqual(h.events.events, []);
  });

  it('an unchanged verdict writes nothing', async () => {
    const h = harness();
    await h.writer.report(verdictOf([]));
    assert.equal(await h.writer.report(verdictOf([])), 'unchanged');
    assert.deepEqual(h.port.calls, ['read', 'create', 'patchStatus', 'read']);
    assert.equal(h.metrics.updates.value, 1);
  });

  it('an invalid verdict writes Invalid and records a Warning ConfigurationError regarding the object', async () => {
    const h = harness();
    assert.equal(await h.writer.report(verdictOf([poolError])), 'written');
    assert.equal(h.port.obj?.status?.result, 'Invalid');
    assert.deepEqual(h.events.events.map((e) => [e.input.type, e.input.reason, e.input.note, e.subject.kind, e.subject.uid]), [
      ['Warning', 'ConfigurationError', 'IPAddressPool/x spec.addresses[0]: invalid CIDR "nope"', 'ConfigurationState', 'cs-uid'],
    ]);
  });

  const failures = [
    { desc: 'read fails', set: (p: FakeConfigStatePort) => { p.fail = 'read'; }, code: 'write-failed', reason: /read: apiserver down/ },
    { desc: 'create fails', set: (p: FakeConfigStatePort) => { p.fail = 'create'; }, code: 'write-failed', reason: /create: apiserver down/ },
    { desc: 'patch fails', set: (p: FakeConfigStatePort) => { p.fail = 'patchStatus'; }, code: 'write-failed', reason: /patchStatus: apiserver down/ },
    { desc: 'deleted while writing', set: (p: FakeConfigStatePort) => { p.vanish = true; }, code: 'deleted-while-writing', reason: /deleted while writing/ },
  ];
  for (const c of failures) {
    it(`${c.desc}: 'failed', logged with the reason and counted`, async () => {
      const h = harness();
      c.set(h.port);
      assert.equal(await h.writer.report(verdictOf([])), 'failed');
      assert.equal(h.metrics.updateErrors.value, 1);
      assert.equal(h.metrics.updates.value, 0);
      const entry = (await h.log.entries()).find((e) => e.message === 'writing ConfigurationState failed');
      assert.match(String(entry?.reason), c.reason);
      assert.equal(entry?.code, c.code);
    });
  }
});
