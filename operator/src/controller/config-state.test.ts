import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConfigError } from '../config/errors.ts';
import { rfc3339, sameStatus, stateStatusFor, verdictOf, type StateCondition } from './config-state.ts';

const poolError: ConfigError = {
  kind: 'invalid', object: { kind: 'IPAddressPool', name: 'x' }, field: 'spec.addresses[0]', message: 'invalid CIDR "nope"', rule: 'P3',
};
const peerError: ConfigError = {
  kind: 'transient', object: { kind: 'BGPPeer', name: 'r' }, field: 'spec.bfdProfile', message: 'peer r referencing non existing bfd profile f', rule: 'R10',
};
const T0 = Date.UTC(2025, 0, 1, 12, 0, 0, 500);
const T1 = T0 + 60_000;

describe('verdictOf', () => {
  const cases = [
    { desc: 'no errors', input: [], want: 'valid' },
    { desc: 'only transient', input: [peerError], want: 'transient' },
    { desc: 'any invalid wins', input: [peerError, poolError], want: 'invalid' },
  ];
  for (const c of cases) it(c.desc, () => assert.equal(verdictOf(c.input).kind, c.want));
});

describe('stateStatusFor', () => {
  it('valid: Valid, empty summary, both conditions Reconciled at now (whole seconds)', () => {
    const s = stateStatusFor(verdictOf([]), [], T0);
    assert.equal(s.result, 'Valid');
    assert.equal(s.errorSummary, '');
    assert.deepEqual(s.conditions.map((c) => [c.type, c.status, c.reason, c.lastTransitionTime]), [
      ['poolReconcilerValid', 'True', 'Reconciled', '2025-01-01T12:00:00Z'],
      ['configReconcilerValid', 'True', 'Reconciled', '2025-01-01T12:00:00Z'],
    ]);
  });

  it('invalid: summary joins every error; only the pool condition sees pool errors', () => {
    const s = stateStatusFor(verdictOf([peerError]), [], T0);
    assert.equal(s.result, 'Invalid');
    assert.equal(s.errorSummary, 'BGPPeer/r spec.bfdProfile: peer r referencing non existing bfd profile f');
    assert.deepEqual(s.conditions.map((c) => `${c.type}=${c.status}/${c.reason}`), [
      'poolReconcilerValid=True/Reconciled', 'configReconcilerValid=False/ConfigurationError',
    ]);
    const both = stateStatusFor(verdictOf([poolError, peerError]), [], T0);
    assert.equal(both.errorSummary, 'IPAddressPool/x spec.addresses[0]: invalid CIDR "nope"; BGPPeer/r spec.bfdProfile: peer r referencing non existing bfd profile f');
  });

  it('keeps lastTransitionTime while a condition status stays, moves it when it flips', () => {
    const first = stateStatusFor(verdictOf([]), [], T0);
    const again = stateStatusFor(verdictOf([]), first.conditions, T1);
    assert.equal(sameStatus(first, again), true);
    const flipped = stateStatusFor(verdictOf([peerError]), first.conditions, T1);
    const byType = (cs: readonly StateCondition[], t: string): string | undefined => cs.find((c) => c.type === t)?.lastTransitionTime;
    assert.equal(byType(flipped.conditions, 'poolReconcilerValid'), rfc3339(T0));
    assert.equal(byType(flipped.conditions, 'configReconcilerValid'), rfc3339(T1));
    assert.equal(sameStatus(first, flipped), false);
  });
});
