// A malformed device path in resourceToBeInited is refused by the spec field that holds it, and only its own VG or
// mount point is refused: the other entries of the pass are still planned.
import { describe, expect, it } from 'vitest';
import { planMountInit, planVgInit, type DeviceFacts } from './init-plan.js';
import { state } from './test-data.js';

const facts = new Map<string, DeviceFacts>([['/dev/loop1', { exists: true, signature: null }]]);

describe('malformed device paths in resourceToBeInited', () => {
  it.each([
    { name: 'a relative path', device: 'sdb' },
    { name: 'a path that climbs out of /dev', device: '/dev/../etc/passwd' },
    { name: 'a path that looks like a flag', device: '-rf' },
    { name: 'a path with a newline', device: '/dev/sdb\n' },
  ])('refuses $name naming the field, and still creates the next VG', ({ device }) => {
    const steps = planVgInit([{ name: 'bad', devices: ['/dev/loop1', device] }, { name: 'good', devices: ['/dev/loop1'] }], state({}), facts);
    expect(steps[0]).toEqual({ kind: 'refuse', name: 'bad', reason: `invalid spec.resourceToBeInited.vgs[0].devices[1] ${JSON.stringify(device)}: must be a device path like /dev/sdb` });
    expect(steps[1]).toEqual({ kind: 'create', name: 'good', devices: ['/dev/loop1'] });
  });

  it('refuses a mount point whose device path is malformed, naming the field, and plans the next one', () => {
    const steps = planMountInit(
      [
        { path: '/mnt/open-local/a', device: '../sdb' },
        { path: '/mnt/open-local/b', device: '/dev/loop1' },
      ],
      new Set(),
      facts,
    );
    expect(steps[0]).toEqual({ kind: 'refuse', path: '/mnt/open-local/a', reason: 'invalid spec.resourceToBeInited.mountpoints[0].device "../sdb": must be a device path like /dev/sdb' });
    expect(steps[1]).toMatchObject({ kind: 'mount', device: '/dev/loop1' });
  });
});
