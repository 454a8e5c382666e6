import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubernetesObject } from '@kubernetes/client-node';
import { captureLogger, FakeCounter } from '@metallb-ts/lib/testing/capture-logger.ts';
import { FakeClock } from '@metallb-ts/lib/testing/fake-clock.ts';
import { FakeSecretPort } from '../testing/controller-fakes.ts';
import { MemberlistPipeline, type SecretEvents } from './memberlist-pipeline.ts';
import { MemberlistSecretReconciler } from './memberlist-secret.ts';

const KEY = Uint8Array.from({ length: 16 }, (_, i) => i);

function harness(deployment?: string) {
  const port = new FakeSecretPort();
  const updateErrors = new FakeCounter();
  const log = captureLogger();
  const reconciler = new MemberlistSecretReconciler({
    port, namespace: 'metallb-system', name: 'memberlist', randomBytes: (n) => KEY.slice(0, n), updateErrors, logger: log.logger,
    ...(deployment === undefined ? {} : { deployment }),
  });
  return { port, updateErrors, log, reconciler };
}

describe('MemberlistSecretReconciler', () => {
  const cases = [
    { desc: 'missing, no deployment named: created without owner', deployment: undefined, present: false, owner: undefined },
    { desc: 'missing, deployment found: created owned by it', deployment: 'controller', present: true, owner: 'controller/d-uid' },
    { desc: 'missing, deployment not found: created without owner', deployment: 'controller', present: false, owner: undefined },
  ];
  for (const c of cases) {
    it(c.desc, async () => {
      const h = harness(c.deployment);
      if (c.present) h.port.deployments.set('controller', { metadata: { name: 'controller', uid: 'd-uid' } });
      assert.equal(await h.reconciler.reconcile(), 'success');
      const s = h.port.secrets.get('memberlist');
      assert.equal(s?.data?.secretkey, Buffer.from(KEY).toString('base64'));
      const ref = s?.metadata?.ownerReferences?.[0];
      assert.equal(ref === undefined ? undefined : `${ref.name}/${ref.uid}`, c.owner);
    });
  }

  it('an existing Secret is left alone', async () => {
    const h = harness();
    h.port.secrets.set('memberlist', { metadata: { name: 'memberlist' }, data: { secretkey: 'old' } });
    assert.equal(await h.reconciler.reconcile(), 'success');
    assert.equal(h.port.secrets.get('memberlist')?.data?.secretkey, 'old');
  });

  it('a failure retries, is logged with the reason (never the key) and counted', async () => {
    const h = harness();
    h.port.failures = 1;
    assert.equal(await h.reconciler.reconcile(), 'retry');
    assert.equal(h.updateErrors.value, 1);
    const entries = await h.log.entries();
    const entry = entries.find((e) => e.message === 'creating the memberlist secret failed; retrying');
    assert.deepEqual([entry?.object, entry?.reason], ['Secret/metallb-system/memberlist', 'Error: apiserver down']);
    assert.equal(await h.reconciler.reconcile(), 'success');
    assert.ok(!JSON.stringify(entries).includes(Buffer.from(KEY).toString('base64')));
  });
});

/** Secret events a test can fire. */
class FakeSecretEvents implements SecretEvents {
  readonly #deletes: Array<(obj: KubernetesObject) => void> = [];
  readonly #resyncs: Array<() => void> = [];
  on(event: 'delete' | 'resync', cb: ((obj: KubernetesObject) => void) | (() => void)): void {
    if (event === 'delete') this.#deletes.push(cb as (obj: KubernetesObject) => void);
    else this.#resyncs.push(cb as () => void);
  }
  delete(name: string): void {
    for (const cb of this.#deletes) cb({ metadata: { name } });
  }
}

describe('MemberlistPipeline', () => {
  function pipeline() {
    const h = harness();
    const clock = new FakeClock();
    const secrets = new FakeSecretEvents();
    const p = new MemberlistPipeline({
      settings: { clock, logger: h.log.logger, updateErrors: new FakeCounter(), retryBaseMs: 100, retryMaxMs: 1000 },
      reconciler: h.reconciler, name: 'memberlist', secrets,
    });
    return { ...h, clock, secrets, p };
  }

  it('retries a failed creation with backoff until it succeeds', async () => {
    const t = pipeline();
    t.port.failures = 3;
    t.p.start();
    await t.p.idle();
    assert.equal(t.port.secrets.has('memberlist'), false);
    await t.clock.advance(100 + 200 + 400);
    await t.p.idle();
    assert.equal(t.port.secrets.has('memberlist'), true);
    assert.equal(t.updateErrors.value, 3);
    await t.p.shutdown();
  });

  it('creates the Secret again when it is deleted; other Secrets do not matter', async () => {
    const t = pipeline();
    t.p.start();
    await t.p.idle();
    const first = t.port.secrets.get('memberlist');
    assert.ok(first);
    t.port.secrets.delete('memberlist');
    t.secrets.delete('other');
    await t.p.idle();
    assert.equal(t.port.secrets.has('memberlist'), false);
    t.secrets.delete('memberlist');
    await t.p.idle();
    assert.equal(t.port.secrets.has('memberlist'), true);
    await t.p.shutdown();
  });

  it('ignores deletions before start', async () => {
    const t = pipeline();
    t.secrets.delete('memberlist');
    await t.p.idle();
    assert.equal(t.port.secrets.size, 0);
    await t.p.shutdown();
  });
});
