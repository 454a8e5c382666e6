import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { createLogger, redact, REDACTED } from './log.ts';

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

describe('redact', () => {
  const cases = [
    { desc: 'top-level password', input: { password: 'hunter2', peer: 'a' }, want: { password: REDACTED, peer: 'a' } },
    { desc: 'nested secret', input: { bgp: { authSecret: 'x' } }, want: { bgp: { authSecret: REDACTED } } },
    { desc: 'token in array', input: { list: [{ Token: 't' }] }, want: { list: [{ Token: REDACTED }] } },
    { desc: 'key suffix only', input: { privateKey: 'k', keyring: 'ok' }, want: { privateKey: REDACTED, keyring: 'ok' } },
    { desc: 'object value under secret key', input: { secret: { a: 1 } }, want: { secret: REDACTED } },
    { desc: 'scalars untouched', input: 'password', want: 'password' },
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
