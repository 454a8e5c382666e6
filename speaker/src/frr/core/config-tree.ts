/**
 * FRR configuration text as a tree of contexts ("stanzas"): `router bgp X [vrf Y]` with its
 * `address-family` blocks, `route-map NAME permit|deny N`, `bfd` with `profile`/`peer` blocks,
 * `interface`/`vrf`, and top-level lines. The same parser reads the rendered frr.conf and FRR's
 * own `show running-config`, so both can be compared and diffed.
 */

/** One statement or nested context, in file order. */
export type ConfigItem =
  | { readonly kind: 'line'; readonly text: string }
  | { readonly kind: 'stanza'; readonly stanza: Stanza };

/** A context: its header line (empty for the root) and its body in file order. */
export interface Stanza {
  /** The line that opens the context, whitespace-collapsed; `''` for the file itself. */
  readonly header: string;
  /** Statements and nested contexts, in order. */
  readonly items: readonly ConfigItem[];
}

/** What kind of context a header opens (drives nesting, closers and single-valued slots). */
export type StanzaKind = 'root' | 'router-bgp' | 'address-family' | 'route-map' | 'bfd' | 'bfd-profile' |
  'bfd-peer' | 'interface' | 'vrf' | 'other';

/** Lines that end a context; none of them is a statement. */
const CLOSERS = new Set(['exit', 'exit-address-family', 'exit-vrf', 'end', 'quit']);

/** The kind of context `header` opens inside `parent`, or undefined when it is a plain line. */
export function stanzaKindOf(parent: StanzaKind, header: string): StanzaKind | undefined {
  if (parent === 'root') {
    if (/^router bgp\b/.test(header)) return 'router-bgp';
    if (/^route-map \S+ (permit|deny) \d+$/.test(header)) return 'route-map';
    if (header === 'bfd') return 'bfd';
    if (/^interface \S+/.test(header)) return 'interface';
    if (/^vrf \S+$/.test(header)) return 'vrf';
    if (/^(line vty|key chain \S+|segment-routing)$/.test(header)) return 'other';
    return undefined;
  }
  if (parent === 'router-bgp' && /^address-family \S+/.test(header)) return 'address-family';
  if (parent === 'bfd' && /^profile \S+$/.test(header)) return 'bfd-profile';
  if (parent === 'bfd' && /^peer \S+/.test(header)) return 'bfd-peer';
  return undefined;
}

interface Frame {
  readonly kind: StanzaKind;
  readonly header: string;
  readonly items: ConfigItem[];
}

/**
 * Parses config text. Comments (`!`, `#`) and blank lines are dropped, whitespace is collapsed,
 * nesting follows FRR's context commands; an unindented line always returns to the top level
 * (that is how both FRR's output and rendered files are laid out). Never fails: whether FRR
 * accepts a statement is for FRR (`vtysh --dryrun`) to say.
 */
export function parseConfig(text: string): Stanza {
  const stack: Frame[] = [{ kind: 'root', header: '', items: [] }];
  const close = (): void => {
    const f = stack.pop();
    const parent = stack.at(-1);
    if (f !== undefined && parent !== undefined) parent.items.push({ kind: 'stanza', stanza: { header: f.header, items: f.items } });
  };
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim().replace(/\s+/g, ' ');
    if (line === '' || line.startsWith('!') || line.startsWith('#')) continue;
    if (CLOSERS.has(line)) {
      if (stack.length > 1) close();
      continue;
    }
    if (!/^\s/.test(raw)) while (stack.length > 1) close();
    // A line that does not fit the current context may open or belong to an enclosing one.
    for (;;) {
      const top = stack.at(-1) as Frame;
      const kind = stanzaKindOf(top.kind, line);
      if (kind !== undefined) {
        stack.push({ kind, header: line, items: [] });
        break;
      }
      if (stack.length === 1 || !opensElsewhere(stack, line)) {
        top.items.push({ kind: 'line', text: line });
        break;
      }
      close();
    }
  }
  while (stack.length > 1) close();
  return { header: '', items: (stack[0] as Frame).items };
}

/** True when an enclosing context (not the innermost) would open a stanza for `line`. */
function opensElsewhere(stack: readonly Frame[], line: string): boolean {
  return stack.slice(0, -1).some((f) => stanzaKindOf(f.kind, line) !== undefined);
}

/** The kind of each stanza along a path of headers from the root. */
export function kindsOf(path: readonly string[]): StanzaKind[] {
  const kinds: StanzaKind[] = [];
  let parent: StanzaKind = 'root';
  for (const h of path) {
    parent = stanzaKindOf(parent, h) ?? 'other';
    kinds.push(parent);
  }
  return kinds;
}

/** Renders a tree back to FRR text, one space of indent per level, each context closed. */
export function renderConfig(root: Stanza): string {
  const out: string[] = [];
  const walk = (s: Stanza, kind: StanzaKind, depth: number): void => {
    const pad = ' '.repeat(depth);
    for (const it of s.items) {
      if (it.kind === 'line') {
        out.push(pad + it.text);
        continue;
      }
      const k = stanzaKindOf(kind, it.stanza.header) ?? 'other';
      out.push(pad + it.stanza.header);
      walk(it.stanza, k, depth + 1);
      out.push(pad + closerOf(k));
    }
  };
  walk(root, 'root', 0);
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}

/** The line that leaves a context of `kind`. */
export function closerOf(kind: StanzaKind): string {
  return kind === 'address-family' ? 'exit-address-family' : kind === 'vrf' ? 'exit-vrf' : 'exit';
}
