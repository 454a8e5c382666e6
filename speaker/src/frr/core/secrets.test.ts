import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fillSecrets, redactConfig, secretKeysOf } from './secrets.ts';

const TEXT = ' neighbor 192.0.2.1 password @@password:node-a.peer1@@\n neighbor 192.0.2.2 password @@password:peer2@@\n';

test('fillSecrets fills placeholders or names what is wrong', () => {
  const cases = [
    { desc: 'all present', values: [['node-a.peer1', 's3cret'], ['peer2', 'x-y']], want: { ok: true, text: ' neighbor 192.0.2.1 password s3cret\n neighbor 192.0.2.2 password x-y\n' } },
    { desc: "the operator's grammar: ! # and quotes inside a word are fine (real FRR takes them)", values: [['node-a.peer1', 'ab!cd#ef"gh'], ['peer2', 'pässwort']], want: { ok: true, text: ' neighbor 192.0.2.1 password ab!cd#ef"gh\n neighbor 192.0.2.2 password pässwort\n' } },
    { desc: 'one missing', values: [['peer2', 'x']], want: { ok: false, error: { kind: 'missing-secret', keys: ['node-a.peer1'] } } },
    { desc: 'newline would inject a command', values: [['node-a.peer1', 'a\nno router bgp 1'], ['peer2', 'x']], want: { ok: false, error: { kind: 'unsafe-secret', keys: ['node-a.peer1'] } } },
    { desc: 'space and a leading ! are refused', values: [['node-a.peer1', 'a b'], ['peer2', '!a']], want: { ok: false, error: { kind: 'unsafe-secret', keys: ['node-a.peer1', 'peer2'] } } },
    { desc: 'a leading # is refused', values: [['node-a.peer1', '#a'], ['peer2', 'x']], want: { ok: false, error: { kind: 'unsafe-secret', keys: ['node-a.peer1'] } } },
    { desc: 'over 80 bytes is refused', values: [['node-a.peer1', 'é'.repeat(41)], ['peer2', 'x']], want: { ok: false, error: { kind: 'unsafe-secret', keys: ['node-a.peer1'] } } },
  ] as const;
  for (const { desc, values, want } of cases) {
    const got = fillSecrets(TEXT, new Map(values.map(([k, v]) => [k, v])));
    assert.deepEqual(got.ok ? { ok: true, text: got.value } : { ok: false, error: got.error }, want, desc);
  }
  assert.deepEqual(secretKeysOf(TEXT), ['node-a.peer1', 'peer2']);
});

test('redactConfig hides password values wherever they appear', () => {
  const cases = [
    { input: ' neighbor 192.0.2.1 password s3cret', want: ' neighbor 192.0.2.1 password <redacted>' },
    { input: 'line 3: % Unknown command: neighbor X password  s3cret extra', want: 'line 3: % Unknown command: neighbor X password  <redacted> extra' },
    { input: 'network 198.51.100.1/32', want: 'network 198.51.100.1/32' },
  ];
  for (const { input, want } of cases) assert.equal(redactConfig(input), want);
});
