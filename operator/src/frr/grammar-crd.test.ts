/**
 * The CRD patterns (crds/metallb.io_bgppeers.yaml, both versions) and grammar.ts must give the
 * same verdict on every string that reaches frr.conf, so that neither line of defence is looser
 * on the values the tests try. The real apiserver is exercised by test/integration/crd-rules.test.ts.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { checkFrrString, type FrrStringKind } from './grammar.ts';

interface Prop { readonly pattern?: string; readonly maxLength?: number }
interface Crd { spec: { versions: { name: string; schema: { openAPIV3Schema: { properties: { spec: { properties: Record<string, Prop> } } } } }[] } }

const crd = parse(readFileSync(join(import.meta.dirname, '..', '..', '..', 'crds', 'metallb.io_bgppeers.yaml'), 'utf8')) as Crd;

/** Whether the CRD would store `value` in `field` of `version` (pattern and maxLength only). */
function crdAccepts(version: string, field: string, value: string): boolean | undefined {
  const prop = crd.spec.versions.find((v) => v.name === version)?.schema.openAPIV3Schema.properties.spec.properties[field];
  if (prop?.pattern === undefined) return undefined;
  return value.length <= (prop.maxLength ?? Infinity) && new RegExp(prop.pattern).test(value);
}

const VALUES = [
  'eth0', 'bond0.100', 'red', 'fast', 'a.b-c', 's3cret', 'ab!cd#ef"gh', 'UPPER', 'x'.repeat(15), 'x'.repeat(16), 'x'.repeat(63), 'x'.repeat(64),
  'x'.repeat(80), 'x'.repeat(81), 'eth0\n router bgp 1', 'eth\r0', 'eth!0', 'eth 0', 'eth"0', "eth'0", 'eth#0', '!eth0', '#x', '-eth0', '.eth0', 'tab\tx',
];

const FIELDS: { field: string; kind: FrrStringKind; versions: string[] }[] = [
  { field: 'interface', kind: 'interface', versions: ['v1beta2'] },
  { field: 'vrf', kind: 'vrf', versions: ['v1beta2'] },
  { field: 'bfdProfile', kind: 'bfdProfile', versions: ['v1beta2', 'v1beta1'] },
  { field: 'password', kind: 'password', versions: ['v1beta2', 'v1beta1'] },
];

describe('CRD patterns and grammar.ts agree', () => {
  for (const f of FIELDS) {
    for (const version of f.versions) {
      it(`${version} spec.${f.field}`, () => {
        const disagree = VALUES.filter((v) => crdAccepts(version, f.field, v) !== checkFrrString(f.kind, v, f.field).ok);
        assert.deepEqual(disagree, [], `CRD and grammar.ts disagree on ${JSON.stringify(disagree)}`);
        assert.equal(crdAccepts(version, f.field, ''), true, 'the CRD must keep accepting "" (unset)');
      });
    }
  }
});
