// Names shared with the rest of Open-Local and with kube-scheduler (kept exactly as Open-Local v0.7.1 spells them).

/** CSI driver names whose volumes the extender accounts for (the second is Alibaba's internal alias). */
export const DRIVER_NAMES: readonly string[] = ['local.csi.aliyun.com', 'yodaplugin.csi.alibabacloud.com'];
/** Written by kube-scheduler's VolumeBinding plugin on a WaitForFirstConsumer PVC when it picks a node. */
export const SELECTED_NODE_ANNOTATION = 'volume.kubernetes.io/selected-node';
/** PV annotation with the placement decided at provisioning: `{"vgName","deviceName","volumeType"}`. */
export const PV_ALLOCATED_ANNOTATION = 'csi.aliyun.com/pv-allocated';
export const HOSTNAME_TOPOLOGY_KEY = 'kubernetes.io/hostname';
/** Inline ephemeral volumes without a `size` attribute get this (Open-Local's default). */
export const DEFAULT_INLINE_SIZE = '1Gi';
/** Filesystems a MountPoint must carry to be offered (Open-Local's CheckMountPointOptions). */
export const MOUNT_POINT_FS_TYPES: readonly string[] = ['ext3', 'ext4', 'xfs'];
export const MIN_SCORE = 0;
export const MAX_SCORE = 10;
