import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileSelector, type LabelSelectorSpec } from './label-selector.ts';

describe('compileSelector: text and matching', () => {
  const cases: {
    desc: string;
    input: LabelSelectorSpec;
    want: { text: string; match: Record<string, string>[]; noMatch: Record<string, string>[] };
  }[] = [
    { desc: 'empty matches everything', input: {}, want: { text: '', match: [{}, { a: 'b' }], noMatch: [] } },
    {
      desc: 'matchLabels',
      input: { matchLabels: { zone: 'a', rack: '1' } },
      want: { text: 'rack=1,zone=a', match: [{ zone: 'a', rack: '1', x: 'y' }], noMatch: [{ zone: 'a' }, { zone: 'b', rack: '1' }] },
    },
    {
      desc: 'In',
      input: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['b', 'a'] }] },
      want: { text: 'zone in (a,b)', match: [{ zone: 'a' }, { zone: 'b' }], noMatch: [{}, { zone: 'c' }] },
    },
    {
      desc: 'NotIn matches an absent key',
      input: { matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] },
      want: { text: 'zone notin (a)', match: [{}, { zone: 'b' }], noMatch: [{ zone: 'a' }] },
    },
    {
      desc: 'Exists',
      input: { matchExpressions: [{ key: 'example.com/gpu', operator: 'Exists' }] },
      want: { text: 'example.com/gpu', match: [{ 'example.com/gpu': '' }], noMatch: [{}] },
    },
    {
      desc: 'DoesNotExist with matchLabels',
      input: { matchLabels: { a: 'b' }, matchExpressions: [{ key: 'c', operator: 'DoesNotExist', values: [] }] },
      want: { text: 'a=b,!c', match: [{ a: 'b' }], noMatch: [{ a: 'b', c: 'd' }] },
    },
    {
      desc: 'prototype keys are labels like any other',
      input: { matchExpressions: [{ key: 'constructor', operator: 'DoesNotExist' }] },
      want: { text: '!constructor', match: [{}], noMatch: [{ constructor: 'x' }] },
    },
  ];
  for (const c of cases) {
    it(c.desc, () => {
      const r = compileSelector(c.input);
      assert.ok(r.ok, r.ok ? '' : r.error);
      assert.equal(r.value.text, c.want.text);
      for (const l of c.want.match) assert.equal(r.value.matches(l), true, JSON.stringify(l));
      for (const l of c.want.noMatch) assert.equal(r.value.matches(l), false, JSON.stringify(l));
    });
  }
});

describe('compileSelector: validation', () => {
  const cases: { desc: string; input: LabelSelectorSpec; want: RegExp }[] = [
    { desc: 'unknown operator', input: { matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] }, want: /"Gt" is not a valid label selector operator/ },
    { desc: 'In without values', input: { matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }, want: /values set can't be empty/ },
    { desc: 'Exists with values', input: { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }, want: /values set must be empty/ },
    { desc: 'key with spaces', input: { matchLabels: { 'a b': 'c' } }, want: /invalid label key "a b"/ },
    { desc: 'empty key', input: { matchLabels: { '': 'c' } }, want: /invalid label key ""/ },
    { desc: 'key with two slashes', input: { matchLabels: { 'a/b/c': 'x' } }, want: /at most one '\/'/ },
    { desc: 'uppercase prefix', input: { matchLabels: { 'Example.com/a': 'x' } }, want: /prefix part/ },
    { desc: 'name longer than 63', input: { matchLabels: { ['a'.repeat(64)]: 'x' } }, want: /1-63 characters/ },
    { desc: 'bad value', input: { matchLabels: { a: '-x' } }, want: /invalid label value "-x"/ },
    { desc: 'bad value in expression', input: { matchExpressions: [{ key: 'a', operator: 'In', values: ['ok', 'not ok'] }] }, want: /invalid label value "not ok"/ },
  ];
  for (const c of cases) {
    it(c.desc, () => {
      const r = compileSelector(c.input);
      assert.equal(r.ok, false);
      if (!r.ok) assert.match(r.error, c.want);
    });
  }
});
