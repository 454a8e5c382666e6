/**
 * The normal form in which a rendered config and FRR's running config are compared and diffed:
 * lines FRR rewrites on display are rewritten the same way, values FRR does not display because
 * they are defaults are dropped, lines the speaker does not manage are dropped, and empty
 * contexts vanish (FRR prints an empty `bfd` block, or none at all).
 */
import { stanzaKindOf, type ConfigItem, type Stanza, type StanzaKind } from './config-tree.ts';

/**
 * Top-level lines that are not the speaker's business or cannot change at runtime: the version
 * banner, the defaults profile (start-up only), the hostname (`vtysh -f` does not change it),
 * forwarding (FRR adds it on its own), vtysh service lines, and vtysh's own output banner.
 */
const UNMANAGED_TOP = [
  /^Building configuration\.\.\.$/, /^Current configuration:$/,
  /^frr (version|defaults) /, /^hostname /, /^service /, /^(no )?ip(v6)? forwarding$/, /^end$/,
];

/** BFD profile/peer values FRR treats as defaults and does not print (8.4 and 10.x). */
export const BFD_DEFAULTS: Readonly<Record<string, string>> = {
  'receive-interval': '300',
  'transmit-interval': '300',
  'detect-multiplier': '3',
  'echo receive-interval': '50',
  'echo transmit-interval': '50',
  'minimum-ttl': '254',
};

/**
 * Top-level settings FRR 10 has on by default under `frr defaults traditional` (its
 * zebra_defaults.h) and therefore prints only as `no …` when off, where FRR 8.4 (off by default)
 * prints the line when on. The normal form is 8.4's: the line present exactly when it is on.
 */
export const ON_BY_DEFAULT_SINCE_10 = ['ip nht resolve-via-default', 'ipv6 nht resolve-via-default'] as const;

/**
 * Contexts that mean something even when empty. Not `vrf`: the templates never render one (a
 * VRF's BGP is `router bgp <asn> vrf <name>`), and FRR prints an empty `vrf <name>` block for
 * every VRF it knows (a kernel VRF device, or a network namespace under zebra `-w`), which the
 * diff must not answer with `no vrf <name>`.
 */
const KEEP_EMPTY: ReadonlySet<StanzaKind> = new Set(['router-bgp', 'route-map', 'bfd-profile', 'bfd-peer', 'interface']);

/** Normalises one statement in a context of `kind`; an empty list drops it. */
export function normaliseLine(kind: StanzaKind, line: string): string[] {
  if (kind === 'root' && UNMANAGED_TOP.some((re) => re.test(line))) return [];
  if (kind === 'router-bgp') {
    // `ebgp-multihop` alone is stored and shown as the maximum.
    if (/^neighbor \S+ ebgp-multihop$/.test(line)) return [`${line} 255`];
    if (/^neighbor \S+ port 179$/.test(line)) return [];
  }
  if (kind === 'bfd-profile' || kind === 'bfd-peer') {
    const echo = /^echo-interval (\d+)$/.exec(line);
    if (echo !== null) return normaliseBfd([`echo receive-interval ${echo[1]}`, `echo transmit-interval ${echo[1]}`]);
    return normaliseBfd([line]);
  }
  return [line];
}

function normaliseBfd(lines: readonly string[]): string[] {
  return lines.filter((l) => {
    const sp = l.lastIndexOf(' ');
    return sp < 0 || BFD_DEFAULTS[l.slice(0, sp)] !== l.slice(sp + 1);
  });
}

/** The normal form of a whole tree: rewritten lines, duplicates and empty contexts removed. */
export function normaliseConfig(root: Stanza): Stanza {
  const n = normaliseStanza(root, 'root');
  return hidesDefaults(root) ? withDefaultsShown(n) : n;
}

/**
 * True for FRR 10's running config (`frr version 10.…` or later, `frr defaults traditional`):
 * a rendered config has no version line, so only FRR's own output is rewritten.
 */
function hidesDefaults(root: Stanza): boolean {
  const top = root.items.flatMap((i) => (i.kind === 'line' ? [i.text] : []));
  const major = top.map((l) => /^frr version (\d+)\./.exec(l)?.[1]).find((v) => v !== undefined);
  return major !== undefined && Number(major) >= 10 && top.includes('frr defaults traditional');
}

/** {@link ON_BY_DEFAULT_SINCE_10} in 8.4's form: `no X` dropped, X added where FRR 10 left it out. */
function withDefaultsShown(root: Stanza): Stanza {
  const lines = new Set(root.items.flatMap((i) => (i.kind === 'line' ? [i.text] : [])));
  const off = new Set(ON_BY_DEFAULT_SINCE_10.filter((l) => lines.has(`no ${l}`)).map((l) => `no ${l}`));
  const on = ON_BY_DEFAULT_SINCE_10.filter((l) => !off.has(`no ${l}`) && !lines.has(l));
  const items = root.items.filter((i) => i.kind !== 'line' || !off.has(i.text));
  return { header: root.header, items: [...on.map((text) => ({ kind: 'line' as const, text })), ...items] };
}

function normaliseStanza(s: Stanza, kind: StanzaKind): Stanza {
  const items: ConfigItem[] = [];
  const seenLines = new Set<string>();
  const stanzaAt = new Map<string, number>();
  for (const it of s.items) {
    if (it.kind === 'line') {
      for (const text of normaliseLine(kind, it.text)) {
        if (seenLines.has(text)) continue;
        seenLines.add(text);
        items.push({ kind: 'line', text });
      }
      continue;
    }
    const k = stanzaKindOf(kind, it.stanza.header) ?? 'other';
    const n = normaliseStanza(it.stanza, k);
    const at = stanzaAt.get(n.header);
    // The same context opened twice is one context (FRR merges them).
    if (at !== undefined) {
      const prev = items[at] as { kind: 'stanza'; stanza: Stanza };
      items[at] = { kind: 'stanza', stanza: normaliseStanza({ header: n.header, items: [...prev.stanza.items, ...n.items] }, k) };
      continue;
    }
    if (n.items.length === 0 && !KEEP_EMPTY.has(k)) continue;
    stanzaAt.set(n.header, items.length);
    items.push({ kind: 'stanza', stanza: n });
  }
  return { header: s.header, items };
}

/**
 * An order-independent canonical text of a tree, for equality: FRR prints neighbor settings,
 * prefix lists and blocks in its own order, which carries no meaning for the speaker.
 */
export function canonicalText(root: Stanza): string {
  const walk = (s: Stanza, depth: number): string[] => {
    const pad = ' '.repeat(depth);
    const lines = s.items.filter((i) => i.kind === 'line').map((i) => pad + i.text).sort();
    const subs = s.items.flatMap((i) => (i.kind === 'stanza' ? [i.stanza] : []))
      .sort((a, b) => (a.header < b.header ? -1 : a.header > b.header ? 1 : 0))
      .flatMap((st) => [pad + st.header, ...walk(st, depth + 1)]);
    return [...lines, ...subs];
  };
  return walk(root, 0).join('\n');
}

/** True when two configs are the same in normal form. */
export function sameConfig(a: Stanza, b: Stanza): boolean {
  return canonicalText(normaliseConfig(a)) === canonicalText(normaliseConfig(b));
}
