/**
 * L2Advertisements → L2Advertisement (rule L1; rule ids are listed in docs/validation.md).
 */
import { compileSelector } from '@metallb-ts/lib/selector/label-selector.ts';
import type { L2Advertisement as L2AdvertisementCr } from './cr-types.ts';
import { targetsFor } from './advertisement-targets.ts';
import { byName, nameOf, sinkFor, type Checked, type ConfigError, type ErrorSink } from './errors.ts';
import type { L2Advertisement, Pool, PreferredNodes } from './types.ts';

/** Compiles `spec.preferredNodeSelectors` (L1: each preference must be a valid selector). */
function preferencesFor(cr: L2AdvertisementCr, sink: ErrorSink): PreferredNodes[] {
  const out: PreferredNodes[] = [];
  (cr.spec?.preferredNodeSelectors ?? []).forEach((p, i) => {
    const sel = compileSelector(p.preference ?? {});
    if (sel.ok) out.push({ weight: p.weight, selector: sel.value });
    else sink.invalid('L1', `spec.preferredNodeSelectors[${i}].preference`, `failed to parse preferred node selectors for ${nameOf(cr)}: ${sel.error}`);
  });
  return out;
}

/** Parses all L2 advertisements (L1) against the parsed pools. */
export function l2AdvertisementsFor(crs: readonly L2AdvertisementCr[], pools: readonly Pool[]): Checked<L2Advertisement[]> {
  const errors: ConfigError[] = [];
  const ads = byName(crs).map((cr): L2Advertisement => {
    const name = nameOf(cr);
    const spec = cr.spec ?? {};
    const sink = sinkFor({ kind: 'L2Advertisement', name }, errors);
    const targets = targetsFor(spec, name, pools, 'L1', sink);
    return { name, ...targets, interfaces: [...(spec.interfaces ?? [])], preferredNodes: preferencesFor(cr, sink) };
  });
  return { value: ads, errors };
}
