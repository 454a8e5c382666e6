import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { createLogger, isSecretField, redact, redactText, REDACTED } from './log.ts';

/** A stream collecting written lines. */
function sink(): { stream: Writable; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(...chunk.toString().split('\n').filter((l) => l !== ''));
      cb();
    },
  });
  return { stream, lines };
}

/** Logs one entry and returns the parsed line and the raw text. */
async function logOnce(meta: Record<string, unknown>, component?: string): Promise<{ raw: string; entry: Record<string, unknown> }> {
  const s = sink();
  const logger = createLogger({ level: 'info', stream: s.stream, ...(component === undefined ? {} : { component }) });
  logger.info('hello', meta);
  await new Promise((r) => setImmediate(r));
  const raw = s.lines.join('\n');
  return { raw, entry: JSON.parse(s.lines[0] ?? '{}') as Record<string, unknown> };
}

describe('isSecretField', () => {
  const cases = [
    { input: 'password', want: true }, { input: 'bgpPassword', want: true }, { input: 'authSecret', want: true },
    { input: 'secretkey', want: true }, { input: 'apiToken', want: true }, { input: 'Authorization', want: true },
    { input: 'private_key', want: true }, { input: 'bearer', want: true },
    { input: 'key', want: false }, { input: 'serviceKey', want: false }, { input: 'keyring', want: false },
    { input: 'pool', want: false }, { input: 'service', want: false }, { input: 'passwordSecretName', want: false },
    { input: 'mlSecretName', want: false }, { input: 'reason', want: false },
  ];
  for (const c of cases) it(`${c.input} → ${String(c.want)}`, () => assert.equal(isSecretField(c.input), c.want));
});

describe('redactText', () => {
  const pem = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n-----END PRIVATE KEY-----';
  const cases = [
    { desc: 'FRR neighbor password', input: ' neighbor 192.0.2.1 password s3cr3t\n', want: ` neighbor 192.0.2.1 password ${REDACTED}\n`, hidden: 's3cr3t' },
    { desc: 'password=value', input: 'bad peer password=hunter2 ok', want: `bad peer password=${REDACTED} ok`, hidden: 'hunter2' },
    { desc: 'bearer token', input: 'Authorization: Bearer eyJhbGciOi.abc', want: `Authorization: ${REDACTED} ${REDACTED}`, hidden: 'eyJhbGciOi' },
    { desc: 'JSON secretkey', input: '{"secretkey":"c2VjcmV0IQ=="}', want: `{"secretkey":${REDACTED}}`, hidden: 'c2VjcmV0IQ' },
    { desc: 'token: value', input: 'token: abc.def', want: `token: ${REDACTED}`, hidden: 'abc.def' },
    { desc: 'PEM block', input: `cert ${pem} end`, want: `cert -----BEGIN PRIVATE KEY-----${REDACTED}-----END PRIVATE KEY----- end`, hidden: 'MIIEvQ' },
    { desc: 'a service key stays', input: 'reconcile failed key=ns/svc', want: 'reconcile failed key=ns/svc', hidden: undefined },
    { desc: 'plain text stays', input: 'pool lab has no free address', want: 'pool lab has no free address', hidden: undefined },
  ];
  for (const c of cases) {
    it(c.desc, () => {
      const got = redactText(c.input);
      assert.equal(got, c.want);
      if (c.hidden !== undefined) assert.ok(!got.includes(c.hidden));
    });
  }
});

describe('redact', () => {
  const cases = [
    { desc: 'top-level password', input: { password: 'hunter2', peer: 'a' }, want: { password: REDACTED, peer: 'a' } },
    { desc: 'nested secret', input: { bgp: { authSecret: 'x' } }, want: { bgp: { authSecret: REDACTED } } },
    { desc: 'token in array', input: { list: [{ Token: 't' }] }, want: { list: [{ Token: REDACTED }] } },
    { desc: 'private key, not any key', input: { privateKey: 'k', keyring: 'ok', key: 'ns/svc', serviceKey: 'ns/b' }, want: { privateKey: REDACTED, keyring: 'ok', key: 'ns/svc', serviceKey: 'ns/b' } },
    { desc: 'object value under secret key', input: { secret: { a: 1 } }, want: { secret: REDACTED } },
    { desc: 'Secret object data', input: { obj: { kind: 'Secret', metadata: { name: 'ml' }, data: { secretkey: 'c2Vj', other: 'eA==' } } }, want: { obj: { kind: 'Secret', metadata: { name: 'ml' }, data: REDACTED } } },
    { desc: 'data of other objects stays', input: { kind: 'ConfigMap', data: { a: 'b' } }, want: { kind: 'ConfigMap', data: { a: 'b' } } },
    { desc: 'strings are scanned', input: { reason: 'frr: password abc' }, want: { reason: `frr: password ${REDACTED}` } },
    { desc: 'plain scalars untouched', input: 'pool', want: 'pool' },
  ];
  for (const c of cases) it(c.desc, () => assert.deepEqual(redact(c.input), c.want));

  it('cuts cycles', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    assert.deepEqual(redact(a), { name: 'a', self: '[circular]' });
  });
});

describe('createLogger', () => {
  it('never writes a password, however deep', async () => {
    const { raw, entry } = await logOnce({ peer: '192.0.2.1', cfg: { password: 'hunter2', list: [{ token: 'abc123' }] } });
    assert.ok(!raw.includes('hunter2'), raw);
    assert.ok(!raw.includes('abc123'), raw);
    assert.deepEqual(entry.cfg, { password: REDACTED, list: [{ token: REDACTED }] });
    assert.equal(entry.peer, '192.0.2.1');
  });

  it('shows key, serviceKey and pool; hides a secret in the message', async () => {
    const s = sink();
    createLogger({ level: 'info', stream: s.stream }).error('reload failed: neighbor 192.0.2.1 password hunter2', { key: 'ns/svc', serviceKey: 'ns/b', pool: 'lab' });
    await new Promise((r) => setImmediate(r));
    const entry = JSON.parse(s.lines[0] ?? '{}') as Record<string, unknown>;
    assert.deepEqual([entry.key, entry.serviceKey, entry.pool], ['ns/svc', 'ns/b', 'lab']);
    assert.equal(entry.message, `reload failed: neighbor 192.0.2.1 password ${REDACTED}`);
    assert.ok(!s.lines.join('').includes('hunter2'));
  });

  it('writes JSON with level, message and the default component', async () => {
    const { entry } = await logOnce({ service: 'ns/svc' }, 'allocator');
    assert.equal(entry.level, 'info');
    assert.equal(entry.message, 'hello');
    assert.equal(entry.component, 'allocator');
    assert.equal(entry.service, 'ns/svc');
  });

  it('child loggers add their component and keep redacting', async () => {
    const s = sink();
    createLogger({ level: 'debug', stream: s.stream }).child({ component: 'leader' }).debug('x', { apiToken: 'zzz' });
    await new Promise((r) => setImmediate(r));
    const entry = JSON.parse(s.lines[0] ?? '{}') as Record<string, unknown>;
    assert.equal(entry.component, 'leader');
    assert.equal(entry.apiToken, REDACTED);
  });

  it("a child's component overrides the logger's default component", async () => {
    const s = sink();
    createLogger({ level: 'info', stream: s.stream, component: 'controller' }).child({ component: 'allocator' }).info('x');
    await new Promise((r) => setImmediate(r));
    const entry = JSON.parse(s.lines[0] ?? '{}') as Record<string, unknown>;
    assert.equal(entry.component, 'allocator');
  });

  it('drops entries below the level', async () => {
    const s = sink();
    createLogger({ level: 'warn', stream: s.stream }).info('quiet');
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(s.lines, []);
  });
});
