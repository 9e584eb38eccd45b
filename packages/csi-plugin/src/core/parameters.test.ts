import { describe, expect, it } from 'vitest';
import { INLINE_VOLUME_ATTRIBUTE_CASES, STORAGE_CLASS_PARAMETER_CASES } from '@openlocal/crd-types';
import { CsiError } from './errors.js';
import { parseFsType, parseInlineVolume, parseThrottle, parseVolumeSpec, type VolumeSpec } from './parameters.js';

type Params = Record<string, string>;

describe('parseVolumeSpec', () => {
  it.each<{ name: string; input: Params; want: VolumeSpec }>([
    {
      name: 'LVM with a vgName and striping',
      input: { volumeType: 'LVM', vgName: 'open-local-pool-0', lvmType: 'striping' },
      want: { volumeType: 'LVM', vgName: 'open-local-pool-0', isStriping: true, throttle: {}, fsType: 'ext4' },
    },
    {
      name: 'LVM without a vgName leaves the choice to the plan or best fit',
      input: { volumeType: 'LVM' },
      want: { volumeType: 'LVM', vgName: undefined, isStriping: false, throttle: {}, fsType: 'ext4' },
    },
    {
      name: 'LVM with iops and bps',
      input: { volumeType: 'LVM', iops: '100', bps: '1Mi' },
      want: { volumeType: 'LVM', vgName: undefined, isStriping: false, throttle: { iops: 100, bpsBytes: 1048576 }, fsType: 'ext4' },
    },
    { name: 'Device with mediaType', input: { volumeType: 'Device', mediaType: 'ssd' }, want: { volumeType: 'Device', mediaType: 'ssd', fsType: 'ext4' } },
    { name: 'MountPoint with mediaType', input: { volumeType: 'MountPoint', mediaType: 'hdd' }, want: { volumeType: 'MountPoint', mediaType: 'hdd', fsType: 'ext4' } },
  ])('parses $name', ({ input, want }) => {
    expect(parseVolumeSpec(input, 'parameters')).toEqual(want);
  });

  it.each<{ name: string; input: Params; want: string }>([
    { name: 'unknown volumeType', input: { volumeType: 'NFS' }, want: 'invalid parameters["volumeType"] "NFS": unknown volume type; must be one of LVM, Device, MountPoint (case-sensitive)' },
    { name: 'volumeType in the wrong case', input: { volumeType: 'lvm' }, want: 'invalid parameters["volumeType"] "lvm"' },
    { name: 'missing volumeType', input: {}, want: 'invalid parameters["volumeType"] undefined: is required' },
    { name: 'missing mediaType for Device', input: { volumeType: 'Device' }, want: 'invalid parameters["mediaType"] undefined: is required for volumeType Device' },
    { name: 'unknown mediaType for MountPoint', input: { volumeType: 'MountPoint', mediaType: 'nvme' }, want: 'invalid parameters["mediaType"] "nvme": must be ssd or hdd' },
    { name: 'a vgName with a slash', input: { volumeType: 'LVM', vgName: 'vg/../x' }, want: 'invalid parameters["vgName"] "vg/../x"' },
    { name: 'an unknown lvmType', input: { volumeType: 'LVM', lvmType: 'raid5' }, want: 'invalid parameters["lvmType"] "raid5": must be linear or striping' },
    { name: 'a negative iops', input: { volumeType: 'LVM', iops: '-5' }, want: 'invalid parameters["iops"] "-5": must be a positive whole number' },
    { name: 'a bps that is not a quantity', input: { volumeType: 'LVM', bps: 'fast' }, want: 'invalid parameters["bps"] "fast": not a quantity' },
  ])('refuses $name, naming the key', ({ input, want }) => {
    expect(() => parseVolumeSpec(input, 'parameters')).toThrow(want);
  });
});

describe('parseThrottle', () => {
  it('treats "0" and empty values as no limit', () => {
    expect(parseThrottle({ iops: '0', bps: '' }, 'volume_context')).toEqual({});
  });
});

describe('parseFsType', () => {
  it.each([
    { name: 'empty means ext4', input: '', want: 'ext4' },
    { name: 'xfs', input: 'xfs', want: 'xfs' },
  ])('$name', ({ input, want }) => {
    expect(parseFsType(input, 'fs_type')).toBe(want);
  });

  it('refuses btrfs naming the field', () => {
    expect(() => parseFsType('btrfs', 'volume_capability.mount.fs_type')).toThrow('invalid volume_capability.mount.fs_type "btrfs"');
  });
});

// Moved from the plugin's own quantity parser, now crd-types' Kubernetes rules reached through the inline path.
describe('parseInlineVolume size', () => {
  it.each([
    { name: 'binary suffix', input: '1Gi', want: 2 ** 30 },
    { name: 'decimal suffix', input: '500M', want: 5e8 },
    { name: 'plain bytes', input: '4096', want: 4096 },
    { name: 'a fraction that makes whole bytes', input: '1.5Ki', want: 1536 },
    { name: 'exponent form', input: '1e9', want: 1e9 },
    { name: 'absent means 1Gi', input: '', want: 2 ** 30 },
  ])('$name', ({ input, want }) => {
    expect(parseInlineVolume({ vgName: 'pool', size: input }, 'volume_context').sizeBytes).toBe(want);
  });

  it.each([
    { name: 'garbage', input: 'big' },
    { name: 'an absurd quantity', input: '100000Pi' },
    { name: 'a negative', input: '-1Gi' },
  ])('refuses $name naming the field', ({ input }) => {
    expect(() => parseInlineVolume({ vgName: 'pool', size: input }, 'volume_context')).toThrow(/invalid volume_context\["size"\]/);
  });
});

function verdict(parse: () => unknown): { accepted: true } | { accepted: false; message: string; code: string } {
  try {
    parse();
    return { accepted: true };
  } catch (error) {
    if (!(error instanceof CsiError)) throw error;
    return { accepted: false, message: error.message, code: error.code };
  }
}

// The same table runs through the extender's demand derivation in its unit tests: both must agree on every row.
describe('parity with the scheduler extender (crd-types parameter cases)', () => {
  it.each(STORAGE_CLASS_PARAMETER_CASES)('CreateVolume parameters, $name: accepted=$accepted', ({ input, accepted, field }) => {
    const got = verdict(() => parseVolumeSpec(input, 'parameters'));
    expect(got.accepted).toBe(accepted);
    if (!got.accepted) {
      expect(got.code).toBe('INVALID_ARGUMENT');
      expect(got.message).toContain(`invalid parameters["${field ?? ''}"]`);
    }
  });

  it.each(INLINE_VOLUME_ATTRIBUTE_CASES)('inline volume_context, $name: accepted=$accepted', ({ input, accepted, field }) => {
    const got = verdict(() => parseInlineVolume(input, 'volume_context'));
    expect(got.accepted).toBe(accepted);
    if (!got.accepted) {
      expect(got.code).toBe('INVALID_ARGUMENT');
      // "invalid volume_context["x"] <value>: <reason>", or "volume_context["x"] is required" when it is absent.
      expect(got.message).toMatch(new RegExp(`^(invalid )?volume_context\\["${field ?? ''}"\\] `));
    }
  });
});
