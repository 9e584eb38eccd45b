import type { MountEntry } from '@openlocal/lvm';
import { describe, expect, it } from 'vitest';
import { mountPointsUnder } from './mount-points.js';

function entry(mountPoint: string, source: string): MountEntry {
  return { mountId: 1, parentId: 0, majMin: '7:1', root: '/', mountPoint, options: ['rw'], fsType: 'ext4', source, superOptions: [] };
}

describe('mountPointsUnder', () => {
  it.each([
    { name: 'keeps children that are mount points', children: ['a', 'b'], mounts: [entry('/mnt/ol/a', '/dev/loop1')], want: ['/mnt/ol/a'] },
    { name: 'ignores deeper mounts and the root itself', children: ['a'], mounts: [entry('/mnt/ol', '/dev/x'), entry('/mnt/ol/a/b', '/dev/y')], want: [] },
    { name: 'the top of stacked mounts wins', children: ['a'], mounts: [entry('/mnt/ol/a', '/dev/loop1'), entry('/mnt/ol/a', '/dev/loop2')], want: ['/mnt/ol/a=/dev/loop2'] },
  ])('$name', ({ children, mounts, want }) => {
    const found = mountPointsUnder('/mnt/ol/', children, mounts).map((m) => (want.some((w) => w.includes('=')) ? `${m.mountPoint}=${m.source}` : m.mountPoint));
    expect(found).toEqual(want);
  });
});
