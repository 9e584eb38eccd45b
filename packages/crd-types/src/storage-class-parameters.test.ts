import { describe, expect, it } from 'vitest';
import { INLINE_VOLUME_ATTRIBUTE_CASES, STORAGE_CLASS_PARAMETER_CASES } from './parameter-cases.js';
import { fsTypeOf, isVolumeGroupName, parseInlineVolumeAttributes, parseIoThrottle, parseStorageClassParameters } from './storage-class-parameters.js';

describe('parseStorageClassParameters', () => {
  it.each(STORAGE_CLASS_PARAMETER_CASES)('$name: accepted=$accepted, naming $field', ({ input, accepted, field }) => {
    const result = parseStorageClassParameters(input);
    expect(result.ok).toBe(accepted);
    if (!result.ok) expect(result.issues[0]?.field).toBe(field);
  });

  it.each([
    {
      name: 'LVM with a vgName, striping and limits',
      input: { volumeType: 'LVM', vgName: 'pool', lvmType: 'striping', iops: '100', bps: '1e6' },
      want: { volumeType: 'LVM', vgName: 'pool', isStriping: true, throttle: { iops: 100, bpsBytes: 1e6 }, fsType: 'ext4' },
    },
    { name: 'LVM with an empty vgName', input: { volumeType: 'LVM', vgName: '' }, want: { volumeType: 'LVM', vgName: undefined, isStriping: false, throttle: {}, fsType: 'ext4' } },
    {
      name: 'LVM from a thin pool',
      input: { volumeType: 'LVM', vgName: 'pool', thinPool: 'thin0' },
      want: { volumeType: 'LVM', vgName: 'pool', isStriping: false, throttle: {}, fsType: 'ext4', thinPool: 'thin0' },
    },
    {
      name: 'LVM from a thin pool with an over-provisioning ratio',
      input: { volumeType: 'LVM', vgName: 'pool', thinPool: 'thin0', overProvisioningRatio: '4' },
      want: { volumeType: 'LVM', vgName: 'pool', isStriping: false, throttle: {}, fsType: 'ext4', thinPool: 'thin0', overProvisioningRatio: 4 },
    },
    { name: 'MountPoint on xfs', input: { volumeType: 'MountPoint', mediaType: 'hdd', 'csi.storage.k8s.io/fstype': 'xfs' }, want: { volumeType: 'MountPoint', mediaType: 'hdd', fsType: 'xfs' } },
  ])('decodes $name', ({ input, want }) => {
    expect(parseStorageClassParameters(input)).toEqual({ ok: true, value: want });
  });

  it.each([
    { name: 'missing volumeType', input: {}, want: { field: 'volumeType', value: undefined, reason: 'is required (LVM, Device, MountPoint)' } },
    { name: 'unknown volumeType', input: { volumeType: 'Quota' }, want: { field: 'volumeType', value: 'Quota', reason: 'unknown volume type; must be one of LVM, Device, MountPoint (case-sensitive)' } },
    { name: 'missing mediaType', input: { volumeType: 'Device' }, want: { field: 'mediaType', value: undefined, reason: 'is required for volumeType Device (ssd or hdd)' } },
    { name: 'bad mediaType', input: { volumeType: 'MountPoint', mediaType: 'nvme' }, want: { field: 'mediaType', value: 'nvme', reason: 'must be ssd or hdd for MountPoint' } },
    { name: 'ext3', input: { volumeType: 'LVM', 'csi.storage.k8s.io/fstype': 'ext3' }, want: { field: 'csi.storage.k8s.io/fstype', value: 'ext3', reason: 'unsupported filesystem; use ext4 or xfs' } },
  ])('refuses $name with the parameter, value and reason', ({ input, want }) => {
    expect(parseStorageClassParameters(input)).toEqual({ ok: false, issues: [want] });
  });

  it('reports every issue in check order', () => {
    const result = parseStorageClassParameters({ volumeType: 'LVM', lvmType: 'raid5', vgName: '-x', iops: 'many', bps: '100m', 'csi.storage.k8s.io/fstype': 'ext3' });
    expect(result.ok ? [] : result.issues.map((i) => i.field)).toEqual(['lvmType', 'vgName', 'iops', 'bps', 'csi.storage.k8s.io/fstype']);
  });

  it('explains a milli bps with the quantity rule', () => {
    const result = parseStorageClassParameters({ volumeType: 'LVM', bps: '100m' });
    expect(result.ok ? '' : result.issues[0]?.reason).toMatch(/^not a quantity such as 1Gi, 500M or 1e9 \(.*did you mean "Mi"\?\)$/);
  });
});

describe('parseInlineVolumeAttributes', () => {
  it.each(INLINE_VOLUME_ATTRIBUTE_CASES)('$name: accepted=$accepted, naming $field', ({ input, accepted, field }) => {
    const result = parseInlineVolumeAttributes(input);
    expect(result.ok).toBe(accepted);
    if (!result.ok) expect(result.issues[0]?.field).toBe(field);
  });

  it.each([
    { name: 'the default size of 1Gi', input: { vgName: 'pool' }, want: { vgName: 'pool', sizeBytes: 2 ** 30 } },
    { name: '1e9 as decimal bytes', input: { vgName: 'pool', size: '1e9' }, want: { vgName: 'pool', sizeBytes: 1e9 } },
    { name: '1.5Gi', input: { vgName: 'pool', size: '1.5Gi' }, want: { vgName: 'pool', sizeBytes: 1.5 * 2 ** 30 } },
  ])('decodes $name', ({ input, want }) => {
    expect(parseInlineVolumeAttributes(input)).toEqual({ ok: true, value: want });
  });

  it('refuses a missing vgName as required', () => {
    expect(parseInlineVolumeAttributes({})).toEqual({ ok: false, issues: [{ field: 'vgName', value: undefined, reason: 'is required' }] });
  });
});

describe('parseIoThrottle', () => {
  it('treats "0" and empty values as no limit', () => {
    expect(parseIoThrottle({ iops: '0', bps: '' })).toEqual({ ok: true, value: {} });
  });
});

describe('isVolumeGroupName', () => {
  it.each([
    { input: 'open-local-pool-0', want: true },
    { input: '-leading-dash', want: false },
    { input: '..', want: false },
    { input: 'a'.repeat(128), want: false },
  ])('$input → $want', ({ input, want }) => {
    expect(isVolumeGroupName(input)).toBe(want);
  });
});

describe('fsTypeOf (StorageClass fstype and CSI mount fs_type alike)', () => {
  it.each([
    { input: undefined, want: 'ext4' },
    { input: '', want: 'ext4' },
    { input: 'ext4', want: 'ext4' },
    { input: 'xfs', want: 'xfs' },
    { input: 'ext3', want: undefined },
    { input: 'XFS', want: undefined },
  ])('$input -> $want', ({ input, want }) => {
    expect(fsTypeOf(input)).toBe(want);
  });
});
