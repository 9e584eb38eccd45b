// Reads a V8 heap snapshot (the .heapsnapshot JSON Node writes) and sums self sizes by node type and name
// (constructor for objects, "(string)" and the like otherwise): where a process's heap goes, as text.
interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

export function summarizeHeapSnapshot(json: string, top: number): string {
  const parsed = JSON.parse(json) as Snapshot;
  const fields = parsed.snapshot.meta.node_fields;
  const typeNames = parsed.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  if (typeAt < 0 || nameAt < 0 || sizeAt < 0) throw new Error(`heap snapshot: node_fields lack type/name/self_size: ${fields.join(',')}`);
  const totals = new Map<string, { bytes: number; count: number }>();
  let all = 0;
  for (let i = 0; i < parsed.nodes.length; i += width) {
    const type = typeNames[parsed.nodes[i + typeAt] ?? 0] ?? '?';
    const name = type === 'object' || type === 'closure' ? parsed.strings[parsed.nodes[i + nameAt] ?? 0] ?? '?' : `(${type})`;
    const size = parsed.nodes[i + sizeAt] ?? 0;
    all += size;
    const entry = totals.get(name) ?? { bytes: 0, count: 0 };
    entry.bytes += size;
    entry.count += 1;
    totals.set(name, entry);
  }
  const rows = [...totals.entries()].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, top);
  const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(1).padStart(7);
  return [`  total ${mib(all)} MiB`, ...rows.map(([name, e]) => `  ${mib(e.bytes)} MiB  ${String(e.count).padStart(8)}  ${name.slice(0, 60)}`)].join('\n');
}
