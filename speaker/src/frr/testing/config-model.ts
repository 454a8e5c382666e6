/**
 * A model of how FRR applies a `vtysh -f` batch to its configuration, for property tests of the
 * differ: contexts are entered (and created) by their headers, `no <header>` deletes a context,
 * `no neighbor X` deletes the neighbor everywhere in its `router bgp`, a single-valued setting
 * replaces the previous value, `no <setting>` deletes it, and a positive form re-enables a
 * default that a `no …` line had switched off. Written from FRR's documented behaviour and the
 * lab observations in test-infra.md §3.3, not from the differ's code.
 */
import { BFD_DEFAULTS, normaliseConfig } from '../core/config-normalise.ts';
import { parseConfig, stanzaKindOf, type ConfigItem, type Stanza, type StanzaKind } from '../core/config-tree.ts';
import { slotOf } from '../core/config-slots.ts';

interface Node {
  lines: string[];
  subs: Map<string, Node>;
}

const empty = (): Node => ({ lines: [], subs: new Map() });

function fromStanza(s: Stanza): Node {
  const n = empty();
  for (const it of s.items) {
    if (it.kind === 'line') n.lines.push(it.text);
    else n.subs.set(it.stanza.header, fromStanza(it.stanza));
  }
  return n;
}

function toStanza(header: string, n: Node): Stanza {
  const items: ConfigItem[] = n.lines.map((text) => ({ kind: 'line', text }));
  for (const [h, sub] of n.subs) items.push({ kind: 'stanza', stanza: toStanza(h, sub) });
  return { header, items };
}

/**
 * Applies `batch` (as written to `vtysh -f`) to `config`, which is first stored the way FRR
 * stores it (normal form); returns the resulting config.
 */
export function applyBatch(config: Stanza, batch: string): Stanza {
  const root = fromStanza(normaliseConfig(config));
  run(root, 'root', parseConfig(batch));
  return toStanza('', root);
}

function run(node: Node, kind: StanzaKind, batch: Stanza): void {
  for (const it of batch.items) {
    if (it.kind === 'stanza') {
      const k = stanzaKindOf(kind, it.stanza.header) ?? 'other';
      const sub = node.subs.get(it.stanza.header) ?? empty();
      node.subs.set(it.stanza.header, sub);
      run(sub, k, it.stanza);
    } else if (it.text.startsWith('no ')) {
      applyNo(node, kind, it.text);
    } else {
      applySet(node, kind, it.text);
    }
  }
}

function applyNo(node: Node, kind: StanzaKind, line: string): void {
  const target = line.slice(3);
  if (node.subs.delete(target)) return;
  const nb = /^neighbor (\S+)(?: interface)?$/.exec(target);
  if (kind === 'router-bgp' && nb !== null) {
    const mine = (l: string) => l.startsWith(`neighbor ${nb[1]} `);
    node.lines = node.lines.filter((l) => !mine(l));
    for (const af of node.subs.values()) af.lines = af.lines.filter((l) => !mine(l));
    return;
  }
  const i = node.lines.indexOf(target);
  if (i >= 0) node.lines.splice(i, 1);
  else node.lines.push(line); // a negative setting, e.g. `no bgp default ipv4-unicast`
}

function applySet(node: Node, kind: StanzaKind, line: string): void {
  const negated = node.lines.indexOf(`no ${line}`);
  if (negated >= 0) {
    node.lines.splice(negated, 1);
    return;
  }
  const slot = slotOf(kind, line);
  if (slot !== undefined) node.lines = node.lines.filter((l) => slotOf(kind, l) !== slot);
  const isBfdDefault = (kind === 'bfd-profile' || kind === 'bfd-peer') && slot !== undefined && BFD_DEFAULTS[slot] === line.slice(slot.length + 1);
  if (!isBfdDefault && !node.lines.includes(line)) node.lines.push(line);
}
