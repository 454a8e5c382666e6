/**
 * BGP community values and Community alias CRs (rules C1–C2; rule ids are listed in docs/validation.md).
 */
import { err, ok, type Result } from '@metallb-ts/lib/result.ts';
import type { Community } from './cr-types.ts';
import { byName, nameOf, sinkFor, type Checked, type ConfigError } from './errors.ts';
import type { BgpCommunity, CommunityAlias } from './types.ts';

/** Why a community string did not parse: a bad `value` is a hard error; a bad `format` may be an alias. */
export interface CommunityProblem {
  /** `value`: right shape, bad numbers. `format`: neither `A:B` nor `large:A:B:C`. */
  readonly kind: 'value' | 'format';
  /** MetalLB's message. */
  readonly message: string;
}

/** Parses a decimal unsigned integer of at most `max` as Go's strconv.ParseUint(s, 10, bits). */
function parseUint(section: string, max: number, whole: string): Result<number, CommunityProblem> {
  const n = /^[0-9]+$/.test(section) ? Number(section) : Number.NaN;
  if (Number.isNaN(n) || n > max) {
    const why = Number.isNaN(n) ? 'invalid syntax' : 'value out of range';
    return err({ kind: 'value', message: `invalid community value: invalid section "${section}" of community "${whole}": ${why}` });
  }
  return ok(n);
}

/** Parses `A:B` (uint16 each) or `large:G:L1:L2` (uint32 each), as MetalLB's community.New. */
export function parseCommunity(text: string): Result<BgpCommunity, CommunityProblem> {
  const fs = text.split(':');
  if (fs.length === 2) {
    const [a, b] = [parseUint(fs[0] ?? '', 0xffff, text), parseUint(fs[1] ?? '', 0xffff, text)];
    if (!a.ok) return a;
    if (!b.ok) return b;
    return ok({ kind: 'legacy', asn: a.value, value: b.value, text: `${a.value}:${b.value}` });
  }
  if (fs.length !== 4) return err({ kind: 'format', message: `invalid community format: ${text}` });
  if (fs[0] !== 'large') {
    return err({ kind: 'value', message: `invalid community value: invalid marker for large community, expected community to be of format large:<uint32>:<uint32>:<uint32> but got "${text}" instead` });
  }
  const parts = fs.slice(1).map((f) => parseUint(f, 0xffffffff, text));
  const bad = parts.find((p) => !p.ok);
  if (bad !== undefined && !bad.ok) return bad;
  const [g, l1, l2] = parts.map((p) => (p.ok ? p.value : 0));
  return ok({ kind: 'large', global: g ?? 0, local1: l1 ?? 0, local2: l2 ?? 0, text: `large:${g}:${l1}:${l2}` });
}

/** Parses every alias of every Community CR (C1, C2); the first definition of a name wins. */
export function communitiesFor(crs: readonly Community[]): Checked<CommunityAlias[]> {
  const errors: ConfigError[] = [];
  const aliases: CommunityAlias[] = [];
  for (const cr of byName(crs)) {
    const sink = sinkFor({ kind: 'Community', name: nameOf(cr) }, errors);
    (cr.spec?.communities ?? []).forEach((entry, i) => {
      const name = entry.name ?? '';
      const value = parseCommunity(entry.value ?? '');
      if (!value.ok) {
        sink.invalid('C1', `spec.communities[${i}].value`, `parsing community "${name}": ${value.error.message}`);
      } else if (aliases.some((a) => a.name === name)) {
        sink.invalid('C2', `spec.communities[${i}].name`, `duplicate definition of community "${name}"`);
      } else {
        aliases.push({ name, value: value.value });
      }
    });
  }
  return { value: aliases.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)), errors };
}
