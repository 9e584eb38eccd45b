// The extender's own numbers. Names shared with the rest of Open-Local (driver names, annotations, topology key,
// parameter keys) are @openlocal/crd-types' constants.

/** Filesystems a MountPoint must carry to be offered (Open-Local's CheckMountPointOptions). */
export const MOUNT_POINT_FS_TYPES: readonly string[] = ['ext3', 'ext4', 'xfs'];
export const MIN_SCORE = 0;
export const MAX_SCORE = 10;
