import { describe, expect, it } from 'vitest';
import { parsePlan } from './extender-client.js';

describe('parsePlan', () => {
  it.each([
    { name: 'an LVM binding names the VG', input: '{"node":"n1","vgName":"pool-1","size":1024}', want: { vgName: 'pool-1' } },
    { name: 'a Device binding names the disk', input: '{"device":"/dev/sdc"}', want: { device: '/dev/sdc' } },
    { name: 'a MountPoint binding calls the path "disk"', input: '{"disk":"/mnt/open-local/disk-1"}', want: { mountPoint: '/mnt/open-local/disk-1' } },
    { name: 'null means no plan (Open-Local bug 2 answers 200 null)', input: 'null', want: null },
    { name: 'an empty body means no plan', input: '', want: null },
  ])('$name', ({ input, want }) => {
    expect(parsePlan(input)).toEqual(want);
  });

  it.each([
    { name: 'HTML from a proxy', input: '<html>bad gateway</html>', want: /not JSON/ },
    { name: 'a vgName that is not a string', input: '{"vgName":42}', want: /malformed plan/ },
  ])('refuses $name', ({ input, want }) => {
    expect(() => parsePlan(input)).toThrow(want);
  });
});
