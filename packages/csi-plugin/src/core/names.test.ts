import { describe, expect, it } from 'vitest';
import { CsiError } from './errors.js';
import { dmNameProblem, lvNameForVolume, lvNameProblem, validateLvVolumeName, validateVolumeId } from './names.js';

describe('validateVolumeId', () => {
  it.each([
    { name: 'a PV name as external-provisioner makes it', input: 'local-5b0f3a4e-1f2c-4d5e-8a9b-0c1d2e3f4a5b' },
    { name: 'a csi-sanity name', input: 'sanity-controller-create-twice-6F1D2A3B-1234ABCD' },
    { name: 'exactly 128 characters', input: 'a'.repeat(128) },
  ])('accepts $name', ({ input }) => {
    expect(validateVolumeId(input, 'name')).toBe(input);
  });

  it.each([
    { name: 'a slash (path traversal)', input: '../../etc/passwd', want: /invalid name "\.\.\/\.\.\/etc\/passwd": .*no path characters/ },
    { name: 'an absolute path', input: '/dev/sda', want: /invalid name "\/dev\/sda"/ },
    { name: 'a leading dash (option injection)', input: '-rf', want: /invalid name "-rf"/ },
    { name: 'a space', input: 'a b', want: /invalid name "a b"/ },
    { name: 'a NUL byte', input: 'a\0b', want: /invalid name/ },
    { name: '129 characters', input: 'a'.repeat(129), want: /longer than 128 characters/ },
    { name: 'an empty id', input: '', want: /^name is required$/ },
  ])('refuses $name, naming the field', ({ input, want }) => {
    expect(() => validateVolumeId(input, 'name')).toThrow(want);
    expect(() => validateVolumeId(input, 'name')).toThrow(CsiError);
  });
});

describe('LV names', () => {
  it.each([
    { name: '128 characters is one too many for lvm', input: 'a'.repeat(128), want: /limited to 127/ },
    { name: 'lvm reserves the snapshot prefix', input: 'snapshot1', want: /reserved by lvm/ },
    { name: 'lvm reserves _tmeta', input: 'vol_tmeta', want: /"_tmeta" is reserved/ },
  ])('$name', ({ input, want }) => {
    expect(lvNameProblem(input)).toMatch(want);
    expect(() => validateLvVolumeName(input, 'volume_id')).toThrow(/invalid volume_id/);
  });

  it('accepts a normal PV name', () => {
    expect(lvNameProblem('local-0f1e2d3c')).toBeNull();
  });
});

describe('lvNameForVolume', () => {
  it.each([
    { name: 'a PV name', input: 'local-5b0f3a4e-1f2c-4d5e-8a9b-0c1d2e3f4a5b' },
    { name: 'a typical csi-sanity name', input: 'sanity-controller-create-single-no-capacity-6F1D2A3B-1234ABCD' },
  ])('keeps $name as it is', ({ input }) => {
    expect(lvNameForVolume(input)).toBe(input);
  });

  it('shortens a 128-character name deterministically, without dashes, and different names stay different', () => {
    const long = `sanity-${'x'.repeat(121)}`;
    const other = `sanity-${'x'.repeat(120)}y`;
    expect(lvNameForVolume(long)).toMatch(/^sanityx{23}_[0-9a-f]{16}$/);
    expect(lvNameForVolume(long)).toBe(lvNameForVolume(long));
    expect(lvNameForVolume(long)).not.toBe(lvNameForVolume(other));
    expect(lvNameForVolume(lvNameForVolume(long))).toBe(lvNameForVolume(long));
    expect(lvNameProblem(lvNameForVolume(long))).toBeNull();
  });

  it('reports a VG/LV pair whose device-mapper name would be too long', () => {
    expect(dmNameProblem('open-local-pool-0', 'local-5b0f3a4e-1f2c-4d5e-8a9b-0c1d2e3f4a5b')).toBeNull();
    expect(dmNameProblem('v'.repeat(66), 'l-'.repeat(20))).toBeNull();
    expect(dmNameProblem('v'.repeat(67), 'l-'.repeat(20))).toMatch(/would be 128 characters \(at most 127\)/);
  });
});
