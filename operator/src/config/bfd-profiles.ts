/**
 * BFDProfiles → BfdProfile (rules B1–B2; rule ids are listed in docs/validation.md).
 */
import type { BFDProfile } from './cr-types.ts';
import { byName, nameOf, sinkFor, type Checked, type ConfigError, type ErrorSink } from './errors.ts';
import type { BfdProfile } from './types.ts';

type Spec = NonNullable<BFDProfile['spec']>;

/** A bounded numeric field: its spec key, allowed range and MetalLB's name for it. */
interface RangeField {
  readonly key: 'receiveInterval' | 'transmitInterval' | 'detectMultiplier' | 'echoInterval' | 'minimumTtl';
  readonly min: number;
  readonly max: number;
  readonly what: string;
}

const RANGES: readonly RangeField[] = [
  { key: 'detectMultiplier', min: 2, max: 255, what: 'detect multiplier' },
  { key: 'receiveInterval', min: 10, max: 60000, what: 'receive interval' },
  { key: 'transmitInterval', min: 10, max: 60000, what: 'transmit interval' },
  { key: 'minimumTtl', min: 1, max: 254, what: 'minimum ttl' },
  { key: 'echoInterval', min: 10, max: 60000, what: 'echo interval' },
];

/** Returns the field's value when set and in range; reports it (B1) when out of range. */
function bounded(spec: Spec, f: RangeField, sink: ErrorSink): number | undefined {
  const v = spec[f.key];
  if (v === undefined || v === null) return undefined;
  if (Number.isInteger(v) && v >= f.min && v <= f.max) return v;
  sink.invalid('B1', `spec.${f.key}`, `invalid ${f.what} value: invalid value ${v}, must be in ${f.min}-${f.max} range`);
  return undefined;
}

/** Parses one profile (B1). */
function profileFromCr(cr: BFDProfile, sink: ErrorSink): BfdProfile {
  const name = nameOf(cr);
  if (name === '') sink.invalid('B1', 'metadata.name', 'missing bfd profile name');
  const spec = cr.spec ?? {};
  const [detect, rx, tx, ttl, echo] = RANGES.map((f) => bounded(spec, f, sink));
  return {
    name,
    ...(rx === undefined ? {} : { receiveIntervalMs: rx }),
    ...(tx === undefined ? {} : { transmitIntervalMs: tx }),
    ...(detect === undefined ? {} : { detectMultiplier: detect }),
    ...(echo === undefined ? {} : { echoIntervalMs: echo }),
    echoMode: spec.echoMode ?? false,
    passiveMode: spec.passiveMode ?? false,
    ...(ttl === undefined ? {} : { minimumTtl: ttl }),
  };
}

/** Parses all profiles (B1, B2); a duplicate name is reported and left out. */
export function bfdProfilesFor(crs: readonly BFDProfile[]): Checked<BfdProfile[]> {
  const errors: ConfigError[] = [];
  const profiles: BfdProfile[] = [];
  for (const cr of byName(crs)) {
    const sink = sinkFor({ kind: 'BFDProfile', name: nameOf(cr) }, errors);
    const p = profileFromCr(cr, sink);
    if (profiles.some((q) => q.name === p.name)) sink.invalid('B2', 'metadata.name', `found duplicate bfd profile name ${p.name}`);
    else profiles.push(p);
  }
  return { value: profiles, errors };
}
