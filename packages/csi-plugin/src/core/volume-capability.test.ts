import { describe, expect, it } from 'vitest';
import { capabilityProblem, toAccessKind, validateCapabilities, type CapabilityInput } from './volume-capability.js';

const mount = (mode: string, fs_type = '', mount_flags: string[] = []): CapabilityInput => ({ mount: { fs_type, mount_flags }, access_mode: { mode }, access_type: 'mount' });
const block = (mode: string): CapabilityInput => ({ block: {}, access_mode: { mode }, access_type: 'block' });

describe('capabilityProblem', () => {
  it.each([
    { name: 'RWO filesystem on LVM', cap: mount('SINGLE_NODE_WRITER'), type: 'LVM' as const, want: null },
    { name: 'RWOP raw block on Device', cap: block('SINGLE_NODE_SINGLE_WRITER'), type: 'Device' as const, want: null },
    { name: 'RWX is refused', cap: mount('MULTI_NODE_MULTI_WRITER'), type: 'LVM' as const, want: /access mode MULTI_NODE_MULTI_WRITER is not supported/ },
    { name: 'raw block MountPoint is refused', cap: block('SINGLE_NODE_WRITER'), type: 'MountPoint' as const, want: /MountPoint volumes cannot be raw block/ },
    { name: 'btrfs is refused', cap: mount('SINGLE_NODE_WRITER', 'btrfs'), type: 'LVM' as const, want: /filesystem btrfs is not supported/ },
  ])('$name', ({ cap, type, want }) => {
    const problem = capabilityProblem(cap, type);
    if (want === null) expect(problem).toBeNull();
    else expect(problem).toMatch(want);
  });
});

describe('validateCapabilities', () => {
  it('names the index of the bad capability', () => {
    expect(() => validateCapabilities([mount('SINGLE_NODE_WRITER'), mount('MULTI_NODE_READER_ONLY')], 'LVM', 'volume_capabilities')).toThrow(
      'invalid volume_capabilities[1] "MULTI_NODE_READER_ONLY"',
    );
  });

  it('requires at least one capability', () => {
    expect(() => validateCapabilities([], 'LVM', 'volume_capabilities')).toThrow('volume_capabilities is required');
  });
});

describe('toAccessKind', () => {
  it('reads a mount capability with xfs and flags', () => {
    expect(toAccessKind(mount('SINGLE_NODE_WRITER', 'xfs', ['noatime']), 'LVM', 'volume_capability')).toEqual({ kind: 'mount', fsType: 'xfs', mountFlags: ['noatime'] });
  });

  it('refuses a mount flag that could smuggle another option list', () => {
    expect(() => toAccessKind(mount('SINGLE_NODE_WRITER', 'ext4', ['ro --bind /etc']), 'LVM', 'volume_capability')).toThrow(
      'invalid volume_capability.mount.mount_flags[0] "ro --bind /etc"',
    );
  });
});
