// Per-operation times recorded by the guest tests (one JSON file per test file on the share), summed up into
// the table the guest stage prints: how long lvcreate, lvextend, mkfs... take inside the guest.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** One timed command, as the guest tests record it: `op` is e.g. "lvcreate" or "mkfs.ext4". */
export interface OpTime {
  op: string;
  ms: number;
}

export interface OpSummary {
  op: string;
  count: number;
  medianMs: number;
  maxMs: number;
  totalMs: number;
}

function isOpTime(value: unknown): value is OpTime {
  const v = value as Partial<OpTime> | null;
  return typeof v === 'object' && v !== null && typeof v.op === 'string' && typeof v.ms === 'number' && Number.isFinite(v.ms);
}

/** Count, median, max and total per op, sorted by total time, largest first. */
export function summariseOpTimes(times: readonly OpTime[]): OpSummary[] {
  const byOp = new Map<string, number[]>();
  for (const t of times) byOp.set(t.op, [...(byOp.get(t.op) ?? []), t.ms]);
  return [...byOp.entries()]
    .map(([op, list]) => {
      const sorted = [...list].sort((a, b) => a - b);
      const mid = Math.floor(sorted.length / 2);
      const medianMs = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
      return { op, count: sorted.length, medianMs, maxMs: sorted[sorted.length - 1]!, totalMs: sorted.reduce((a, b) => a + b, 0) };
    })
    .sort((a, b) => b.totalMs - a.totalMs);
}

/** A fixed-width table of the summary. */
export function formatOpTable(summary: readonly OpSummary[]): string {
  const header = ['operation', 'count', 'median ms', 'max ms', 'total ms'];
  const rows = summary.map((s) => [s.op, String(s.count), s.medianMs.toFixed(0), s.maxMs.toFixed(0), s.totalMs.toFixed(0)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

/** Reads every `*.json` list of OpTime in dir (a missing dir is no times); malformed entries are reported. */
export async function readOpTimes(dir: string): Promise<{ times: OpTime[]; problems: string[] }> {
  const files = await readdir(dir).catch(() => [] as string[]);
  const times: OpTime[] = [];
  const problems: string[] = [];
  for (const file of files.filter((f) => f.endsWith('.json')).sort()) {
    const parsed: unknown = JSON.parse(await readFile(join(dir, file), 'utf8'));
    if (!Array.isArray(parsed)) {
      problems.push(`${file}: not a JSON array`);
      continue;
    }
    for (const entry of parsed) {
      if (isOpTime(entry)) times.push(entry);
      else problems.push(`${file}: bad entry ${JSON.stringify(entry)}`);
    }
  }
  return { times, problems };
}
