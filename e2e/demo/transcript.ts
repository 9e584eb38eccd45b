// Reads a demo transcript back (for the CI check of `scripts/demo --once`): the tables under their headings,
// the bound-claim lines, the Pending pod's reason and the cold-start time. Pure; the formats are the ones
// run.ts, steps.ts and evidence.ts print.
import { LVS_HEADING, VGS_HEADING } from './evidence.js';

/** The rows of every table printed under `heading` (header row dropped), one array of cells per row, in order. */
export function tablesUnder(transcript: string, heading: string): string[][][] {
  const lines = transcript.split('\n');
  const tables: string[][][] = [];
  lines.forEach((line, index) => {
    if (line.trim() !== heading) return;
    const rows: string[][] = [];
    for (const row of lines.slice(index + 2)) {
      if (row.trim() === '' || row.startsWith('==')) break;
      rows.push(row.trim().split(/\s{2,}/));
    }
    tables.push(rows);
  });
  return tables;
}

/** `lvm vgs` rows: node, VG, size text (e.g. `1528Mi`). */
export function vgsTables(transcript: string): { node: string; vg: string; size: string }[][] {
  return tablesUnder(transcript, VGS_HEADING).map((rows) => rows.map(([node = '', vg = '', size = '']) => ({ node, vg, size })));
}

/** `lvm lvs` rows: node, LV, VG, size text. */
export function lvsTables(transcript: string): { node: string; lv: string; vg: string; size: string }[][] {
  return tablesUnder(transcript, LVS_HEADING).map((rows) => rows.map(([node = '', lv = '', vg = '', size = '']) => ({ node, lv, vg, size })));
}

/** NLS table rows (NLS, STATE, PHASE, VG, TOTAL, USED, ALLOCATABLE, LVS) printed under a heading. */
export interface NlsRow {
  readonly nls: string;
  readonly state: string;
  readonly phase: string;
  readonly vg: string;
  readonly total: string;
  readonly used: string;
  readonly allocatable: string;
  readonly lvs: string;
}

export function nlsTables(transcript: string, heading: string): NlsRow[][] {
  return tablesUnder(transcript, heading).map((rows) =>
    rows.map(([nls = '', state = '', phase = '', vg = '', total = '', used = '', allocatable = '', lvs = '']) => ({ nls, state, phase, vg, total, used, allocatable, lvs })),
  );
}

/** One `claim X Bound: PV P = LV L in VG V on node N (S)` line. */
export interface BoundLine {
  readonly claim: string;
  readonly pv: string;
  readonly lv: string;
  readonly vg: string;
  readonly node: string;
  readonly size: string;
}

const BOUND = /claim (\S+) Bound: PV (\S+) = LV (\S+) in VG (\S+) on node (\S+) \((\S+)\)/;

export function boundLines(transcript: string): BoundLine[] {
  return transcript.split('\n').flatMap((line) => {
    const match = BOUND.exec(line);
    if (!match) return [];
    const [, claim = '', pv = '', lv = '', vg = '', node = '', size = ''] = match;
    return [{ claim, pv, lv, vg, node, size }];
  });
}

/** The line after "stays Pending": kube-scheduler's message for the pod that cannot fit. */
export function pendingReason(transcript: string): string | undefined {
  const lines = transcript.split('\n');
  const index = lines.findIndex((line) => line.includes(' stays Pending '));
  return index < 0 ? undefined : lines[index + 1]?.trim();
}

/** Seconds from the demo's start to the first bound claim, as printed. */
export function coldStartSeconds(transcript: string): number | undefined {
  const match = /cold start to first provisioned volume: (\d+(?:\.\d+)?) s/.exec(transcript);
  return match ? Number(match[1]) : undefined;
}

/** Pure: `1528Mi` → bytes; undefined for anything else. */
export function miToBytes(text: string): number | undefined {
  const match = /^(\d+)Mi$/.exec(text);
  return match ? Number(match[1]) * 2 ** 20 : undefined;
}
