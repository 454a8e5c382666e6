/**
 * The minimal vtysh batch that turns one FRR config into another. Both sides are normalised
 * first; the batch is config-file text for ONE `vtysh -f` call: every removal (in reverse file
 * order, inside its context), then every addition in the wanted file's order. Single-valued
 * settings are replaced by sending only the new value, a removed neighbor is one
 * `no neighbor X` (its settings and per-family lines go with it), a removed `router bgp` or
 * route-map entry is one `no` line. Sessions whose lines did not change see no command at all.
 */
import { normaliseConfig } from './config-normalise.ts';
import { closerOf, renderConfig, stanzaKindOf, type ConfigItem, type Stanza, type StanzaKind } from './config-tree.ts';
import { neighborOf, neighborsDefined, removalOf, slotOf, stanzaRemovalOf } from './config-slots.ts';

/** The change between two configs. */
export interface ConfigChange {
  /** `vtysh -f` text; empty when nothing changes. */
  readonly batch: string;
  /** Commands that remove or undo something. */
  readonly removals: number;
  /** Commands that add or replace something (context headers not counted). */
  readonly additions: number;
}

/** Computes the batch turning `from` (running or last applied) into `to` (wanted). */
export function diffConfig(from: Stanza, to: Stanza): ConfigChange {
  const a = normaliseConfig(from);
  const b = normaliseConfig(to);
  const counter = { removals: 0, additions: 0 };
  const removals = removalLines(a, b, 'root', new Set(), counter);
  const additions = additionLines(a, b, 'root', counter);
  const lines = [...removals, ...additions];
  return { batch: lines.length === 0 ? '' : `${lines.join('\n')}\n`, ...counter };
}

interface Counter {
  removals: number;
  additions: number;
}

const linesOf = (s: Stanza): string[] => s.items.flatMap((i) => (i.kind === 'line' ? [i.text] : []));
const stanzasOf = (s: Stanza): Stanza[] => s.items.flatMap((i) => (i.kind === 'stanza' ? [i.stanza] : []));
const indent = (lines: readonly string[]): string[] => lines.map((l) => ` ${l}`);

/** Wraps body lines in their context (header, indented body, closer); nothing when empty. */
function inContext(kind: StanzaKind, header: string, body: readonly string[]): string[] {
  return body.length === 0 ? [] : [header, ...indent(body), closerOf(kind)];
}

function removalLines(a: Stanza, b: Stanza, kind: StanzaKind, goneNeighbors: ReadonlySet<string>, c: Counter): string[] {
  const out: string[] = [];
  const bLines = new Set(linesOf(b));
  const bSlots = new Set(linesOf(b).map((l) => slotOf(kind, l)).filter((s) => s !== undefined));
  let gone = goneNeighbors;
  if (kind === 'router-bgp') {
    const wanted = neighborsDefined(linesOf(b));
    const removed = [...neighborsDefined(linesOf(a))].filter(([n]) => !wanted.has(n));
    gone = new Set(removed.map(([n]) => n));
    for (const [n, how] of removed) out.push(how === 'interface' ? `no neighbor ${n} interface` : `no neighbor ${n}`);
    c.removals += removed.length;
  }
  for (const line of linesOf(a).reverse()) {
    if (bLines.has(line)) continue;
    const slot = slotOf(kind, line);
    if (slot !== undefined && bSlots.has(slot)) continue; // replaced by the addition phase
    const nb = neighborOf(line);
    if (nb !== undefined && gone.has(nb)) continue; // went with `no neighbor`
    out.push(removalOf(kind, line));
    c.removals++;
  }
  const bStanzas = new Map(stanzasOf(b).map((s) => [s.header, s]));
  const gonePaths: string[] = [];
  for (const s of stanzasOf(a).reverse()) {
    const k = stanzaKindOf(kind, s.header) ?? 'other';
    const keep = bStanzas.get(s.header);
    if (keep !== undefined) {
      out.push(...inContext(k, s.header, removalLines(s, keep, k, gone, c)));
      continue;
    }
    const whole = stanzaRemovalOf(k, s.header);
    if (whole === undefined) out.push(...inContext(k, s.header, removalLines(s, { header: s.header, items: [] }, k, gone, c)));
    else gonePaths.push(whole);
  }
  // A VRF instance goes before the default one (FRR refuses the default while VRFs depend on it).
  gonePaths.sort((x, y) => Number(/ vrf /.test(y)) - Number(/ vrf /.test(x)));
  out.push(...gonePaths);
  c.removals += gonePaths.length;
  return out;
}

function additionLines(a: Stanza, b: Stanza, kind: StanzaKind, c: Counter): string[] {
  const out: string[] = [];
  const aLines = new Set(linesOf(a));
  const aStanzas = new Map(stanzasOf(a).map((s) => [s.header, s]));
  for (const it of b.items) {
    if (it.kind === 'line') {
      if (aLines.has(it.text)) continue;
      out.push(it.text);
      c.additions++;
      continue;
    }
    const s = it.stanza;
    const k = stanzaKindOf(kind, s.header) ?? 'other';
    const have = aStanzas.get(s.header);
    if (have !== undefined) {
      out.push(...inContext(k, s.header, additionLines(have, s, k, c)));
      continue;
    }
    c.additions += countCommands(s);
    out.push(...renderConfig({ header: '', items: [it as ConfigItem] }).trimEnd().split('\n'));
  }
  return out;
}

/** Statements in a stanza, its header included. */
function countCommands(s: Stanza): number {
  return 1 + s.items.reduce((n, i) => n + (i.kind === 'line' ? 1 : countCommands(i.stanza)), 0);
}
