import { describe, expect, it } from 'vitest';
import { loadFixture, recordingsOf } from '../test/support/fixtures.js';
import { LvmError } from './errors.js';
import { parseFullReport, parseLvReport } from './report-parser.js';

const MiB = 1024 * 1024;

function lastFullReport(name: string): string {
  const reports = recordingsOf(loadFixture(name), 'lvm', 'fullreport');
  return reports[reports.length - 1]!.result.stdout;
}

describe('parseFullReport on real lvm 2.03 output', () => {
  const state = parseFullReport(lastFullReport('state-one-vg'));
  const fixture = loadFixture('state-one-vg');
  const vgcreate = recordingsOf(fixture, 'lvm', 'vgcreate')[0]!.argv;
  const [pvA, pvB] = vgcreate.slice(-2);
  const orphan = recordingsOf(fixture, 'lvm', 'pvcreate')[0]!.argv.at(-1);

  it('reads the VG with its tags, sizes in bytes and counts', () => {
    expect(state.vgs).toHaveLength(1);
    const vg = state.vgs[0]!;
    expect(vg).toMatchObject({ name: 'fixvg', tags: ['openlocal'], pvCount: 2, lvCount: 2, extentSizeBytes: 4 * MiB });
    // Two 64 MiB loops with 1 MiB of metadata each leave 15 extents of 4 MiB per PV.
    expect(vg.sizeBytes).toBe(120 * MiB);
    expect(vg.freeBytes).toBe(vg.sizeBytes - 20 * MiB - 16 * MiB);
    expect(vg.extentCount).toBe(30);
  });

  it('reads every PV, including the one in no VG', () => {
    expect(state.pvs.map((pv) => [pv.name, pv.vgName]).sort()).toEqual([[pvA, 'fixvg'], [pvB, 'fixvg'], [orphan, '']].sort());
    expect(state.pvs.every((pv) => pv.deviceSizeBytes === 64 * MiB)).toBe(true);
  });

  it('reads LV sizes, tags and the stripe layout', () => {
    const byName = new Map(state.lvs.map((lv) => [lv.name, lv]));
    expect(byName.get('local-pv1')).toMatchObject({
      vgName: 'fixvg',
      sizeBytes: 20 * MiB,
      tags: ['openlocal', 'pvc.ns=default'],
      stripes: 1,
      isActive: false,
      isSnapshot: false,
      isThin: false,
      devicePath: '/dev/fixvg/local-pv1',
    });
    expect(byName.get('striped1')).toMatchObject({ sizeBytes: 16 * MiB, stripes: 2, stripeSizeBytes: 64 * 1024 });
  });

  it('reads two VGs and an LV size rounded up to whole extents', () => {
    const two = parseFullReport(lastFullReport('state-two-vgs'));
    expect(two.vgs.map((vg) => vg.name).sort()).toEqual(['fixvg-a', 'fixvg-b']);
    expect(two.lvs).toHaveLength(1);
    // Asked 5 MiB + 1 byte, then extended to 30 MiB: whole 4 MiB extents give 32 MiB.
    expect(two.lvs[0]).toMatchObject({ name: 'odd', vgName: 'fixvg-b', sizeBytes: 32 * MiB });
  });
});

describe('parseLvReport', () => {
  it('reads the LV that lvcreate just made', () => {
    const fixture = loadFixture('state-two-vgs');
    const [afterCreate, beforeExtend, afterExtend] = recordingsOf(fixture, 'lvm', 'lvs').map((r) => parseLvReport(r.result.stdout));
    expect(afterCreate?.[0]?.sizeBytes).toBe(8 * MiB);
    expect(beforeExtend?.[0]?.sizeBytes).toBe(8 * MiB);
    expect(afterExtend?.[0]?.sizeBytes).toBe(32 * MiB);
  });

  // The host has no device-mapper, so no recorded fixture holds an active thin pool; this row has the shape lvm
  // 2.03 prints for one (percent columns as decimal strings, blank for LVs that have none).
  it("reads a thin pool's data and metadata use, and leaves both unset where lvm prints them blank (#17)", () => {
    const row = (name: string, layout: string, data: string, meta: string) => ({
      lv_name: name, vg_name: 'vg', lv_uuid: `u-${name}`, lv_size: '67108864', lv_attr: '-wi-a-----', lv_tags: '', origin: '',
      pool_lv: '', data_percent: data, metadata_percent: meta, snap_percent: '', lv_active: 'active', lv_role: 'public', lv_layout: layout,
    });
    const lvs = parseLvReport(JSON.stringify({ report: [{ lv: [row('tp', 'thin,pool', '87.50', '10.94'), row('plain', 'linear', '', '')] }] }));
    expect(lvs[0]).toMatchObject({ isThinPool: true, dataPercent: 87.5, metadataPercent: 10.94 });
    expect(lvs[1]).not.toHaveProperty('metadataPercent');
    expect(() => parseLvReport(JSON.stringify({ report: [{ lv: [row('tp', 'thin,pool', '87.50', 'n/a')] }] }))).toThrow(/metadata_percent/);
  });
});

describe('parseFullReport refuses what is not an lvm report', () => {
  it.each([
    { name: 'not JSON', input: 'Volume group "x" not found' },
    { name: 'no report list', input: '{"foo": []}' },
    { name: 'size that is not a number', input: '{"report":[{"vg":[{"vg_name":"a","vg_size":"12x"}]}]}' },
    { name: 'size past 2^53', input: '{"report":[{"vg":[{"vg_name":"a","vg_size":"9007199254740993"}]}]}' },
    { name: 'rows that are not objects', input: '{"report":[{"lv":["a"]}]}' },
  ])('$name', ({ input }) => {
    expect(() => parseFullReport(input)).toThrow(LvmError);
  });

  it('an empty report (no PVs at all) is an empty state', () => {
    expect(parseFullReport('{"report":[]}')).toEqual({ vgs: [], pvs: [], lvs: [] });
  });
});
