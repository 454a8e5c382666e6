/**
 * L2Advertisements → L2Advertisement (rule L1 of the reference §3).
 */
import type { L2Advertisement as L2AdvertisementCr } from './cr-types.ts';
import { targetsFor } from './advertisement-targets.ts';
import { byName, nameOf, sinkFor, type Checked, type ConfigError } from './errors.ts';
import type { L2Advertisement, Pool } from './types.ts';

/** Parses all L2 advertisements (L1) against the parsed pools. */
export function l2AdvertisementsFor(crs: readonly L2AdvertisementCr[], pools: readonly Pool[]): Checked<L2Advertisement[]> {
  const errors: ConfigError[] = [];
  const ads = byName(crs).map((cr): L2Advertisement => {
    const name = nameOf(cr);
    const spec = cr.spec ?? {};
    const targets = targetsFor(spec, name, pools, 'L1', sinkFor({ kind: 'L2Advertisement', name }, errors));
    return { name, ...targets, interfaces: [...(spec.interfaces ?? [])] };
  });
  return { value: ads, errors };
}
