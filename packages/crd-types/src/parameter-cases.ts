// The parity table: StorageClass parameter sets and inline-volume attribute sets with the verdict every part
// must reach. The extender's and the CSI plugin's unit tests each run it through their own code path.

/** One input and whether Open-Local accepts it; `field` is the parameter a refusal must name. */
export interface ParameterCase {
  name: string;
  input: Readonly<Record<string, string>>;
  accepted: boolean;
  field?: string;
}

/** StorageClass `parameters`: valid sets and each kind of invalid one. */
export const STORAGE_CLASS_PARAMETER_CASES: readonly ParameterCase[] = [
  { name: 'LVM alone', input: { volumeType: 'LVM' }, accepted: true },
  { name: 'LVM with a vgName', input: { volumeType: 'LVM', vgName: 'open-local-pool-0' }, accepted: true },
  { name: 'LVM striping', input: { volumeType: 'LVM', lvmType: 'striping' }, accepted: true },
  { name: 'LVM linear', input: { volumeType: 'LVM', lvmType: 'linear' }, accepted: true },
  { name: 'LVM with iops and bps', input: { volumeType: 'LVM', iops: '100', bps: '1Mi' }, accepted: true },
  { name: 'LVM with bps in exponent form', input: { volumeType: 'LVM', bps: '1e6' }, accepted: true },
  { name: 'LVM with a fractional bps of whole bytes', input: { volumeType: 'LVM', bps: '1.5Mi' }, accepted: true },
  { name: 'LVM with zero iops and empty bps (no limit)', input: { volumeType: 'LVM', iops: '0', bps: '' }, accepted: true },
  { name: 'LVM on xfs', input: { volumeType: 'LVM', 'csi.storage.k8s.io/fstype': 'xfs' }, accepted: true },
  { name: 'LVM on ext4', input: { volumeType: 'LVM', 'csi.storage.k8s.io/fstype': 'ext4' }, accepted: true },
  { name: 'LVM thin pool in a VG', input: { volumeType: 'LVM', vgName: 'open-local-pool-0', thinPool: 'thin0' }, accepted: true },
  { name: 'a thin pool without vgName', input: { volumeType: 'LVM', thinPool: 'thin0' }, accepted: false, field: 'thinPool' },
  { name: 'a thin pool with a path in its name', input: { volumeType: 'LVM', vgName: 'vg0', thinPool: '../x' }, accepted: false, field: 'thinPool' },
  { name: 'a thin pool named like an lvm sub-volume', input: { volumeType: 'LVM', vgName: 'vg0', thinPool: 'p_tdata' }, accepted: false, field: 'thinPool' },
  { name: 'a thin pool with an over-provisioning ratio', input: { volumeType: 'LVM', vgName: 'vg0', thinPool: 'thin0', overProvisioningRatio: '2.5' }, accepted: true },
  { name: 'an over-provisioning ratio without a thin pool', input: { volumeType: 'LVM', vgName: 'vg0', overProvisioningRatio: '2' }, accepted: false, field: 'overProvisioningRatio' },
  { name: 'an over-provisioning ratio below 1', input: { volumeType: 'LVM', vgName: 'vg0', thinPool: 'thin0', overProvisioningRatio: '0.5' }, accepted: false, field: 'overProvisioningRatio' },
  { name: 'an over-provisioning ratio that is no number', input: { volumeType: 'LVM', vgName: 'vg0', thinPool: 'thin0', overProvisioningRatio: 'lots' }, accepted: false, field: 'overProvisioningRatio' },
  { name: 'a striped thin volume', input: { volumeType: 'LVM', vgName: 'vg0', thinPool: 'thin0', lvmType: 'striping' }, accepted: false, field: 'thinPool' },
  { name: 'Device on ssd', input: { volumeType: 'Device', mediaType: 'ssd' }, accepted: true },
  { name: 'MountPoint on hdd', input: { volumeType: 'MountPoint', mediaType: 'hdd' }, accepted: true },
  { name: 'missing volumeType', input: {}, accepted: false, field: 'volumeType' },
  { name: 'unknown volumeType', input: { volumeType: 'NFS' }, accepted: false, field: 'volumeType' },
  { name: 'volumeType in the wrong case', input: { volumeType: 'lvm' }, accepted: false, field: 'volumeType' },
  { name: 'Device without mediaType', input: { volumeType: 'Device' }, accepted: false, field: 'mediaType' },
  { name: 'MountPoint with an unknown mediaType', input: { volumeType: 'MountPoint', mediaType: 'nvme' }, accepted: false, field: 'mediaType' },
  { name: 'a vgName with a slash', input: { volumeType: 'LVM', vgName: 'vg/../x' }, accepted: false, field: 'vgName' },
  { name: 'an unknown lvmType', input: { volumeType: 'LVM', lvmType: 'raid5' }, accepted: false, field: 'lvmType' },
  { name: 'a negative iops', input: { volumeType: 'LVM', iops: '-5' }, accepted: false, field: 'iops' },
  { name: 'a fractional iops', input: { volumeType: 'LVM', iops: '1.5' }, accepted: false, field: 'iops' },
  { name: 'a bps that is not a quantity', input: { volumeType: 'LVM', bps: 'fast' }, accepted: false, field: 'bps' },
  { name: 'a milli bps', input: { volumeType: 'LVM', bps: '100m' }, accepted: false, field: 'bps' },
  { name: 'a negative bps', input: { volumeType: 'LVM', bps: '-1Mi' }, accepted: false, field: 'bps' },
  { name: 'a huge bps', input: { volumeType: 'LVM', bps: '100000Pi' }, accepted: false, field: 'bps' },
  { name: 'ext3', input: { volumeType: 'LVM', 'csi.storage.k8s.io/fstype': 'ext3' }, accepted: false, field: 'csi.storage.k8s.io/fstype' },
  { name: 'LVM with spdk false (Go bool)', input: { volumeType: 'LVM', spdk: 'false' }, accepted: true },
  { name: 'Device with direct 0 (Go bool)', input: { volumeType: 'Device', mediaType: 'ssd', direct: '0' }, accepted: true },
  { name: 'spdk true: SPDK volumes', input: { volumeType: 'LVM', spdk: 'true' }, accepted: false, field: 'spdk' },
  { name: 'spdk that is no bool', input: { volumeType: 'LVM', spdk: 'yes' }, accepted: false, field: 'spdk' },
  { name: 'direct true: Kata direct volumes', input: { volumeType: 'LVM', direct: 'True' }, accepted: false, field: 'direct' },
  { name: 'ext2 (listed in Open-Local\'s docs)', input: { volumeType: 'LVM', 'csi.storage.k8s.io/fstype': 'ext2' }, accepted: false, field: 'csi.storage.k8s.io/fstype' },
  { name: 'btrfs on a Device', input: { volumeType: 'Device', mediaType: 'ssd', 'csi.storage.k8s.io/fstype': 'btrfs' }, accepted: false, field: 'csi.storage.k8s.io/fstype' },
];

/** Inline ephemeral volume `csi.volumeAttributes`: valid sets and each kind of invalid one. */
export const INLINE_VOLUME_ATTRIBUTE_CASES: readonly ParameterCase[] = [
  { name: 'a vgName and the default size', input: { vgName: 'pool' }, accepted: true },
  { name: 'an empty size means the default', input: { vgName: 'pool', size: '' }, accepted: true },
  { name: 'a binary size', input: { vgName: 'pool', size: '4Gi' }, accepted: true },
  { name: 'a decimal size', input: { vgName: 'pool', size: '500M' }, accepted: true },
  { name: 'a size in exponent form', input: { vgName: 'pool', size: '1e9' }, accepted: true },
  { name: 'a fractional size of whole bytes', input: { vgName: 'pool', size: '1.5Gi' }, accepted: true },
  { name: 'missing vgName', input: { size: '1Gi' }, accepted: false, field: 'vgName' },
  { name: 'a vgName with a slash', input: { vgName: '../etc', size: '1Gi' }, accepted: false, field: 'vgName' },
  { name: 'a milli size', input: { vgName: 'pool', size: '100m' }, accepted: false, field: 'size' },
  { name: 'a negative size', input: { vgName: 'pool', size: '-1Gi' }, accepted: false, field: 'size' },
  { name: 'a huge size', input: { vgName: 'pool', size: '100000Pi' }, accepted: false, field: 'size' },
  { name: 'a size of fractional bytes', input: { vgName: 'pool', size: '0.5' }, accepted: false, field: 'size' },
  { name: 'a size that is not a quantity', input: { vgName: 'pool', size: 'big' }, accepted: false, field: 'size' },
];
