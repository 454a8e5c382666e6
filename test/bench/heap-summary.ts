/**
 * Where a V8 heap snapshot's memory is: `node test/bench/heap-summary.ts <file.heapsnapshot> [top]`
 * prints self size and count grouped by node type and constructor/name, largest first. Used with
 * the IPAM bench's `--node-flag=--heapsnapshot-signal=SIGUSR2` (send SIGUSR2 to the operator at
 * the moment of interest; the snapshot lands in its working directory). Bench tooling only.
 */
import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/** Self size and count per `type:name` group, largest first. */
export function summarize(s: Snapshot): Array<{ group: string; bytes: number; count: number }> {
  const fields = s.snapshot.meta.node_fields;
  const width = fields.length;
  const [typeAt, nameAt, sizeAt] = [fields.indexOf('type'), fields.indexOf('name'), fields.indexOf('self_size')];
  const types = s.snapshot.meta.node_types[0];
  const groups = new Map<string, { bytes: number; count: number }>();
  for (let i = 0; i < s.nodes.length; i += width) {
    const type = types[s.nodes[i + typeAt] ?? 0] ?? '?';
    // Strings and code are grouped by type only: their "names" are their contents.
    const name = type === 'object' || type === 'closure' || type === 'native' ? (s.strings[s.nodes[i + nameAt] ?? 0] ?? '?') : '';
    const key = `${type}:${name}`;
    const g = groups.get(key) ?? { bytes: 0, count: 0 };
    g.bytes += s.nodes[i + sizeAt] ?? 0;
    g.count++;
    groups.set(key, g);
  }
  return [...groups].map(([group, g]) => ({ group, ...g })).sort((a, b) => b.bytes - a.bytes);
}

const [file, top] = process.argv.slice(2);
if (file !== undefined) {
  const rows = summarize(JSON.parse(readFileSync(file, 'utf8')) as Snapshot);
  const total = rows.reduce((a, r) => a + r.bytes, 0);
  console.log(`total self size ${(total / 1048576).toFixed(1)} MiB`);
  for (const r of rows.slice(0, Number(top ?? 30))) console.log(`${(r.bytes / 1048576).toFixed(2).padStart(8)} MiB ${String(r.count).padStart(9)}  ${r.group}`);
}
