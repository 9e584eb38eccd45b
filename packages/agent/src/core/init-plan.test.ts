import { describe, expect, it } from 'vitest';
import { planMountInit, planVgInit, type DeviceFacts } from './init-plan.js';
import { pv, state, vg, GiB } from './test-data.js';

const blank: DeviceFacts = { exists: true, signature: null };
const facts = new Map<string, DeviceFacts>([
  ['/dev/loop1', blank],
  ['/dev/loop2', blank],
  ['/dev/loop3', { exists: true, signature: 'ext4' }],
  ['/dev/loop4', { exists: true, signature: 'LVM2_member' }],
  ['/dev/loop9', { exists: false, signature: null }],
]);
const lvm = state({ vgs: [vg('existing', GiB, GiB)], pvs: [pv('/dev/loop5', 'existing'), pv('/dev/loop6', '')] });

describe('planVgInit', () => {
  it.each([
    { name: 'creates a missing VG from blank devices', vgs: [{ name: 'new', devices: ['/dev/loop1', '/dev/loop2'] }], want: [{ kind: 'create', name: 'new', devices: ['/dev/loop1', '/dev/loop2'] }] },
    { name: 'leaves an existing VG of that name alone, whatever its devices', vgs: [{ name: 'existing', devices: ['/dev/loop1'] }], want: [{ kind: 'exists', name: 'existing' }] },
    { name: 'refuses a device that does not exist', vgs: [{ name: 'new', devices: ['/dev/loop9'] }], want: [{ kind: 'refuse', name: 'new', reason: 'device /dev/loop9 does not exist' }] },
    { name: 'refuses a device not looked at (unknown) as missing', vgs: [{ name: 'new', devices: ['/dev/nope'] }], want: [{ kind: 'refuse', name: 'new', reason: 'device /dev/nope does not exist' }] },
    { name: 'refuses a device holding a filesystem', vgs: [{ name: 'new', devices: ['/dev/loop3'] }], want: [{ kind: 'refuse', name: 'new', reason: 'device /dev/loop3 already holds ext4; it is not formatted or wiped' }] },
    { name: 'refuses a device in another VG', vgs: [{ name: 'new', devices: ['/dev/loop5'] }], want: [{ kind: 'refuse', name: 'new', reason: 'device /dev/loop5 already belongs to volume group existing' }] },
    { name: 'refuses a PV of a VG hidden by this node\'s filter', vgs: [{ name: 'new', devices: ['/dev/loop4'] }], want: [{ kind: 'refuse', name: 'new', reason: 'device /dev/loop4 is a physical volume of a volume group this node\'s LVM does not show' }] },
    { name: 'accepts a PV that is in no VG', vgs: [{ name: 'new', devices: ['/dev/loop6'] }], want: [{ kind: 'create', name: 'new', devices: ['/dev/loop6'] }] },
    { name: 'refuses an invalid VG name', vgs: [{ name: '-bad', devices: ['/dev/loop1'] }], want: [{ kind: 'refuse', name: '-bad', reason: 'invalid volume group name "-bad"' }] },
    { name: 'refuses a VG without devices', vgs: [{ name: 'empty', devices: [] }], want: [{ kind: 'refuse', name: 'empty', reason: 'volume group empty lists no devices' }] },
    {
      name: 'refuses a device listed for two VGs (the second)',
      vgs: [{ name: 'a', devices: ['/dev/loop1'] }, { name: 'b', devices: ['/dev/loop1'] }],
      want: [{ kind: 'create', name: 'a', devices: ['/dev/loop1'] }, { kind: 'refuse', name: 'b', reason: 'device /dev/loop1 is also listed for volume group a' }],
    },
  ])('$name', ({ vgs, want }) => {
    expect(planVgInit(vgs, lvm, facts)).toEqual(want);
  });
});

describe('planMountInit', () => {
  const mounted = new Set(['/mnt/open-local/done']);
  it.each([
    { name: 'leaves a mounted path alone', mp: { path: '/mnt/open-local/done/', device: '/dev/loop3' }, want: { kind: 'mounted', path: '/mnt/open-local/done' } },
    { name: 'formats a blank device then mounts it (ext4 by default)', mp: { path: '/mnt/open-local/a', device: '/dev/loop1' }, want: { kind: 'mount', path: '/mnt/open-local/a', device: '/dev/loop1', fsType: 'ext4', isFormatNeeded: true, options: [] } },
    { name: 'mounts without formatting a device already holding that filesystem', mp: { path: '/mnt/open-local/b', device: '/dev/loop3', fsType: 'ext4', options: ['noatime'] }, want: { kind: 'mount', path: '/mnt/open-local/b', device: '/dev/loop3', fsType: 'ext4', isFormatNeeded: false, options: ['noatime'] } },
    { name: 'refuses a device holding another filesystem (never reformats)', mp: { path: '/mnt/open-local/c', device: '/dev/loop3', fsType: 'xfs' }, want: { kind: 'refuse', path: '/mnt/open-local/c', reason: 'device /dev/loop3 holds ext4, not xfs; it is not formatted' } },
    { name: 'refuses a device that is an LVM PV', mp: { path: '/mnt/open-local/d', device: '/dev/loop4' }, want: { kind: 'refuse', path: '/mnt/open-local/d', reason: 'device /dev/loop4 holds LVM2_member, not ext4; it is not formatted' } },
    { name: 'refuses a missing device', mp: { path: '/mnt/open-local/e', device: '/dev/loop9' }, want: { kind: 'refuse', path: '/mnt/open-local/e', reason: 'device /dev/loop9 does not exist' } },
    { name: 'refuses an unsupported filesystem', mp: { path: '/mnt/open-local/f', device: '/dev/loop1', fsType: 'btrfs' }, want: { kind: 'refuse', path: '/mnt/open-local/f', reason: 'fsType "btrfs" is not supported (ext4 or xfs)' } },
  ])('$name', ({ mp, want }) => {
    expect(planMountInit([mp], mounted, facts)).toEqual([want]);
  });
});
