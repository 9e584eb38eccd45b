import { describe, expect, it } from 'vitest';
import { fullReportArgs, lvcreateArgs, lvextendArgs, lvTagArgs, sizeArg } from './args.js';

describe('argv builders', () => {
  it.each([
    { name: 'a whole sector stays', input: 1024, want: '1024b' },
    { name: 'one byte more rounds up to the next sector', input: 1025, want: '1536b' },
    { name: '1 byte is one sector', input: 1, want: '512b' },
  ])('sizeArg: $name', ({ input, want }) => {
    expect(sizeArg(input)).toBe(want);
  });

  it('lvcreate without device-mapper writes metadata only', () => {
    const argv = lvcreateArgs({ vgName: 'vg', name: 'lv', sizeBytes: 4096, tags: ['t'], hasDeviceMapper: false });
    expect(argv).toEqual(['lvm', 'lvcreate', '--yes', '--name', 'lv', '--size', '4096b', '--addtag', 't', '--driverloaded', 'n', '--activate', 'n', '--zero', 'n', 'vg']);
  });

  it('lvcreate with device-mapper activates and stripes', () => {
    const argv = lvcreateArgs({ vgName: 'vg', name: 'lv', sizeBytes: 4096, stripes: 2, stripeSizeBytes: 65536, hasDeviceMapper: true });
    expect(argv).toEqual(['lvm', 'lvcreate', '--yes', '--name', 'lv', '--size', '4096b', '--stripes', '2', '--stripesize', '64k', 'vg']);
  });

  it('lvextend names the LV as vg/lv and takes a total size', () => {
    expect(lvextendArgs({ vgName: 'vg', name: 'lv', sizeBytes: 8192, hasDeviceMapper: true })).toEqual(['lvm', 'lvextend', '--size', '8192b', 'vg/lv']);
  });

  it('lvchange adds and removes tags in one call', () => {
    expect(lvTagArgs({ vgName: 'vg', name: 'lv', add: ['a=1'], remove: ['b', 'c'] })).toEqual(['lvm', 'lvchange', '--addtag', 'a=1', '--deltag', 'b', '--deltag', 'c', 'vg/lv']);
  });

  it('the full report is a single lvm process with JSON in bytes', () => {
    const argv = fullReportArgs();
    expect(argv.slice(0, 2)).toEqual(['lvm', 'fullreport']);
    expect(argv).toEqual(expect.arrayContaining(['--reportformat', 'json', '--units', 'b', '--nosuffix']));
  });
});
