// listConfig include/exclude filtering, including Open-Local's own unit-test cases and invalid patterns.
import { describe, expect, it } from 'vitest';
import type { NodeStorageInfo } from './generated/nodelocalstorage.js';
import { filterNames, filterStorageInfo } from './list-filter.js';

describe('filterNames', () => {
  it.each([
    { name: 'reference case: include paas[0-9]*, exclude paas[0-1]+ keeps only paas', candidates: ['paas1', 'paas'], include: ['paas[0-9]*'], exclude: ['paas[0-1]+'], want: ['paas'] },
    { name: 'reference case: two include patterns keep both names', candidates: ['paas4', 'share'], include: ['paas[0-9]+', 'share'], exclude: [], want: ['paas4', 'share'] },
    { name: 'no include patterns keeps nothing', candidates: ['vg0', 'vg1'], include: [], exclude: [], want: [] },
    { name: 'exclude alone keeps nothing', candidates: ['vg0'], include: undefined, exclude: ['x'], want: [] },
    { name: 'a prefix match is not enough', candidates: ['open-local-pool-0x'], include: ['open-local-pool-[0-9]+'], exclude: [], want: [] },
    { name: 'reference device example keeps vdc and vdd', candidates: ['/dev/vda', '/dev/vdb', '/dev/vdb1', '/dev/vdc', '/dev/vdd'], include: ['/dev/vd[a-d]+'], exclude: ['/dev/vda', '/dev/vdb'], want: ['/dev/vdc', '/dev/vdd'] },
    { name: 'output keeps candidate order and drops duplicates', candidates: ['b', 'a', 'b'], include: ['a', 'b'], exclude: [], want: ['b', 'a'] },
    { name: 'empty candidate names are never kept', candidates: ['', 'vg'], include: ['.*'], exclude: [], want: ['vg'] },
  ])('$name', ({ candidates, include, exclude, want }) => {
    const outcome = filterNames(candidates, { include, exclude }, 'listConfig.vgs');
    expect(outcome.errors).toEqual([]);
    expect(outcome.kept).toEqual(want);
  });

  it.each([
    { name: 'a bad include pattern selects nothing but the good ones still work', include: ['vg[', 'vg[0-9]'], exclude: [], want: ['vg1'], field: 'listConfig.vgs.include[0]', pattern: 'vg[' },
    { name: 'a bad exclude pattern empties the list (its exclusion cannot be honoured)', include: ['.*'], exclude: ['sys(', 'x'], want: [], field: 'listConfig.vgs.exclude[0]', pattern: 'sys(' },
  ])('$name', ({ include, exclude, want, field, pattern }) => {
    const outcome = filterNames(['vg1', 'sys'], { include, exclude }, 'listConfig.vgs');
    expect(outcome.kept).toEqual(want);
    expect(outcome.errors).toHaveLength(1);
    expect(outcome.errors[0]).toMatchObject({ code: 'INVALID_PATTERN', field, pattern });
  });
});

describe('filterStorageInfo', () => {
  const info: NodeStorageInfo = {
    volumeGroups: [
      { name: 'open-local-pool-0', physicalVolumes: ['/dev/vdb3'], total: 10, available: 10, allocatable: 10 },
      { name: 'system', physicalVolumes: ['/dev/vda2'], total: 10, available: 0, allocatable: 0 },
    ],
    mountPoints: [{ name: '/mnt/open-local/disk-1', total: 1, available: 1, isBind: false, readOnly: false }],
    deviceInfo: [
      { name: '/dev/vdb1', total: 1, readOnly: false },
      { name: '/dev/vdb', total: 2, readOnly: false },
      { name: '/dev/vdc', total: 3, readOnly: false },
    ],
  };

  it('filters the three lists independently', () => {
    const filtered = filterStorageInfo(info, {
      vgs: { include: ['open-local-pool-[0-9]+'] },
      mountPoints: { include: ['/mnt/open-local/disk-[0-9]+'] },
      devices: { include: ['/dev/vd[b-z]'], exclude: ['/dev/vdb'] },
    });
    expect(filtered).toEqual({ volumeGroups: ['open-local-pool-0'], mountPoints: ['/mnt/open-local/disk-1'], devices: ['/dev/vdc'], errors: [] });
  });

  it('a bad pattern in one list leaves the other lists filtered', () => {
    const filtered = filterStorageInfo(info, {
      vgs: { include: ['open-local-pool-[0-9]+'] },
      devices: { include: ['/dev/vd[c'] },
    });
    expect(filtered.volumeGroups).toEqual(['open-local-pool-0']);
    expect(filtered.devices).toEqual([]);
    expect(filtered.errors.map((e) => e.field)).toEqual(['listConfig.devices.include[0]']);
  });

  it('no listConfig and no status give empty lists', () => {
    expect(filterStorageInfo(undefined, undefined)).toEqual({ volumeGroups: [], mountPoints: [], devices: [], errors: [] });
  });
});
