/** Reads what the layer-2 code needs to know about an interface from sysfs (its own netns). */
import { existsSync, readFileSync } from 'node:fs';
import type { InterfaceFacts } from './core/interface-rules.ts';

/** Facts and MAC of one interface. */
export interface InterfaceInfo extends InterfaceFacts {
  /** MAC, lower case. */
  readonly mac: string;
}

/** Reads `/sys/class/net/<name>`; throws when the interface does not exist. */
export function readInterface(name: string): InterfaceInfo {
  if (!/^[\w.@-]{1,15}$/.test(name)) throw new RangeError(`not an interface name: ${JSON.stringify(name)}`);
  const dir = `/sys/class/net/${name}`;
  const read = (f: string): string => readFileSync(`${dir}/${f}`, 'utf8').trim();
  return { name, mac: read('address').toLowerCase(), flags: parseInt(read('flags'), 16), enslaved: existsSync(`${dir}/master`) };
}
