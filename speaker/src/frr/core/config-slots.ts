/**
 * FRR semantics the differ needs beyond the tree: which statements are single-valued settings
 * (a new value replaces the old one, so no `no` line is sent and nothing is reset), how a
 * statement is removed, and which neighbors a `router bgp` defines.
 */
import { BFD_DEFAULTS } from './config-normalise.ts';
import type { StanzaKind } from './config-tree.ts';

/** [pattern, slot] rules per context; the slot is built from the pattern's capture groups. */
const SLOT_RULES: Partial<Record<StanzaKind, ReadonlyArray<RegExp>>> = {
  'root': [/^(ip(?:v6)? prefix-list \S+ seq \d+) /, /^(log timestamp precision) /],
  'router-bgp': [
    /^(bgp router-id) /,
    /^(neighbor \S+ timers connect) /,
    /^(neighbor \S+ timers) \d+ \d+$/,
    /^(neighbor \S+ (?:interface )?remote-as) /,
    /^(neighbor \S+ (?:password|port|update-source|ebgp-multihop|local-as|description|bfd profile)) /,
  ],
  'address-family': [/^(neighbor \S+ route-map) \S+ (in|out)$/],
  'route-map': [
    /^(set (?:local-preference|metric|weight|community|large-community|as-path prepend|ip next-hop|ipv6 next-hop \S+)) /,
    /^(match ip(?:v6)? address) /,
    /^(on-match) /,
    /^(description) /,
  ],
  'bfd-profile': [/^(receive-interval|transmit-interval|detect-multiplier|echo receive-interval|echo transmit-interval|minimum-ttl) /],
  'bfd-peer': [/^(receive-interval|transmit-interval|detect-multiplier|echo receive-interval|echo transmit-interval|minimum-ttl|profile) /],
};

/**
 * The setting a statement assigns, when it is single-valued in FRR (e.g. `neighbor X timers`),
 * or undefined for statements that are members of a set (e.g. `network P`).
 */
export function slotOf(kind: StanzaKind, line: string): string | undefined {
  for (const re of SLOT_RULES[kind] ?? []) {
    const m = re.exec(line);
    if (m !== null) return m.slice(1).join(' ');
  }
  return undefined;
}

/**
 * The command that undoes a statement: a `no …` setting is re-enabled without `no`, BFD timers
 * (which FRR 8.4 cannot `no`) go back to their default value, anything else gets `no`.
 */
export function removalOf(kind: StanzaKind, line: string): string {
  if (line.startsWith('no ')) return line.slice(3);
  if (kind === 'bfd-profile' || kind === 'bfd-peer') {
    const slot = slotOf(kind, line);
    const def = slot === undefined ? undefined : BFD_DEFAULTS[slot];
    if (def !== undefined && slot !== 'minimum-ttl') return `${slot} ${def}`;
  }
  return `no ${line}`;
}

/** The command that removes a whole context (an address family cannot be removed as one). */
export function stanzaRemovalOf(kind: StanzaKind, header: string): string | undefined {
  return kind === 'address-family' ? undefined : `no ${header}`;
}

/** Neighbor ids (address, interface or peer-group name) a `router bgp` body defines → how. */
export function neighborsDefined(lines: readonly string[]): Map<string, 'plain' | 'interface'> {
  const out = new Map<string, 'plain' | 'interface'>();
  for (const l of lines) {
    const m = /^neighbor (\S+) (remote-as|interface|peer-group)\b/.exec(l);
    if (m === null) continue;
    // `neighbor X peer-group PG` makes X a member; only `neighbor PG peer-group` defines one.
    if (m[2] === 'peer-group' && l.split(' ').length > 3) continue;
    out.set(m[1] as string, m[2] === 'interface' ? 'interface' : 'plain');
  }
  return out;
}

/** The neighbor id a statement configures, if it is a `neighbor X …` line. */
export function neighborOf(line: string): string | undefined {
  return /^neighbor (\S+) /.exec(line)?.[1];
}
