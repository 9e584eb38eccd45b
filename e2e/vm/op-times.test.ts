// The per-operation table of the guest stage.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatOpTable, readOpTimes, summariseOpTimes } from './op-times.js';

describe('summariseOpTimes', () => {
  it('gives count, median, max and total per op, largest total first', () => {
    const summary = summariseOpTimes([
      { op: 'mount', ms: 100 },
      { op: 'lvm lvcreate', ms: 400 },
      { op: 'lvm lvcreate', ms: 600 },
      { op: 'lvm lvcreate', ms: 500 },
      { op: 'mount', ms: 300 },
    ]);
    expect(summary).toEqual([
      { op: 'lvm lvcreate', count: 3, medianMs: 500, maxMs: 600, totalMs: 1500 },
      { op: 'mount', count: 2, medianMs: 200, maxMs: 300, totalMs: 400 },
    ]);
  });

  it('formats aligned columns with a header', () => {
    const lines = formatOpTable(summariseOpTimes([{ op: 'lvm lvextend', ms: 604.4 }])).split('\n');
    expect(lines[0]).toMatch(/^operation\s+count\s+median ms\s+max ms\s+total ms$/);
    expect(lines[1]).toMatch(/^lvm lvextend\s+1\s+604\s+604\s+604$/);
    expect(lines[0]!.length).toBe(lines[1]!.length);
  });
});

describe('readOpTimes', () => {
  it('reads every file, reports malformed entries and a missing dir as no times', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'optimes-'));
    try {
      await writeFile(join(dir, 'a.json'), JSON.stringify([{ op: 'mount', ms: 5 }, { op: 'x' }]));
      await writeFile(join(dir, 'b.json'), JSON.stringify({ op: 'mount' }));
      const { times, problems } = await readOpTimes(dir);
      expect(times).toEqual([{ op: 'mount', ms: 5 }]);
      expect(problems).toEqual(['a.json: bad entry {"op":"x"}', 'b.json: not a JSON array']);
      expect(await readOpTimes(join(dir, 'missing'))).toEqual({ times: [], problems: [] });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
