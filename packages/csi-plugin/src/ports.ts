// The narrow I/O ports the services use. Production wires them to @openlocal/lvm and the node's files; unit
// tests of pure code never need them, integration tests pass the real ones.
import type { NodeLocalStorage, OpenLocalPv } from '@openlocal/crd-types';
import type { BlockDevice, FilesystemStats, Lvm, MountEntry, MountRequest } from '@openlocal/lvm';
import type { Claim } from './core/claim.js';
import type { FsType, IoThrottle, MediaType } from './core/parameters.js';

/** The LVM operations the plugin performs (a subset of @openlocal/lvm's Lvm). */
export type LvmPort = Pick<
  Lvm,
  'readState' | 'readLv' | 'createLv' | 'extendLv' | 'removeLv' | 'hasDeviceMapper' | 'createSnapshot' | 'createThinLv' | 'createThinSnapshot' | 'changeLvTags'
>;

export interface Signal {
  signal?: AbortSignal;
}

/** A mounted filesystem directly under the mount-point directory, usable as a MountPoint volume. */
export interface MountPointInfo {
  path: string;
  sizeBytes: number;
  mediaType: MediaType;
}

/** Filesystems, mounts, block devices and paths on this node. */
export interface HostPort {
  listBlockDevices(): Promise<BlockDevice[]>;
  listMountPoints(): Promise<MountPointInfo[]>;
  /** Filesystem or other signature on a device, null when blank. */
  probeFilesystem(device: string, options?: Signal): Promise<string | null>;
  makeFilesystem(device: string, fsType: FsType, options?: Signal): Promise<void>;
  growFilesystem(request: { device: string; mountPath: string; fsType: FsType }, options?: Signal): Promise<void>;
  mount(request: MountRequest, options?: Signal): Promise<void>;
  unmount(target: string, options?: Signal): Promise<void>;
  mountInfo(): Promise<MountEntry[]>;
  statFilesystem(path: string): Promise<FilesystemStats>;
  /** Size of a block device node in bytes (BLKGETSIZE64 via sysfs), null when it is not a block device. */
  blockDeviceInfo(path: string): Promise<{ sizeBytes: number; majMin: string } | null>;
  /** Copies every block of `source` onto the start of `target` (a thick clone); `target` must be at least as large. */
  copyDevice(request: { source: string; target: string }, options?: Signal): Promise<void>;
  /** The disk's stable identity (WWID, serial, loop backing file) from sysfs, null when it has none. */
  deviceIdentity(device: string): Promise<string | null>;
  /** Writes zeros over the whole device (blkdiscard --zeroout), with its own deadline. */
  zeroDevice(device: string, options?: { offsetBytes?: number; lengthBytes?: number; timeoutMs?: number }): Promise<void>;
  /** Erases every signature on a device (wipefs -a): what Delete of a Device volume means. */
  wipeDevice(device: string, options?: Signal): Promise<void>;
  /** Deletes everything inside a directory, keeping the directory. */
  emptyDirectory(path: string): Promise<void>;
  ensureDirectory(path: string): Promise<void>;
  ensureFile(path: string): Promise<void>;
  /** Removes a file or empty directory; absent is fine. */
  removePath(path: string): Promise<void>;
  pathExists(path: string): Promise<boolean>;
}

/** Claims of whole disks and mount points, persisted on the node. */
export interface ClaimStore {
  list(): Promise<Claim[]>;
  get(volumeId: string): Promise<Claim | null>;
  put(claim: Claim): Promise<void>;
  remove(volumeId: string): Promise<void>;
}

/** What the scheduler extender reserved for a PVC on this node. */
export interface VolumePlan {
  vgName?: string;
  device?: string;
  mountPoint?: string;
}

export interface PlanSource {
  planVolume(request: { namespace: string; pvcName: string; volumeType: string; nodeName: string }, options?: Signal): Promise<VolumePlan | null>;
}

/** What applying IO limits did: written, or why not (for the log; publishing goes on either way). */
export interface ThrottleOutcome {
  isApplied: boolean;
  detail: string;
}

/** Applies IO limits to the pod that owns a publish target (cgroup v2 io.max or v1 blkio). */
export interface ThrottlePort {
  apply(request: { targetPath: string; majMin: string; throttle: IoThrottle }): Promise<ThrottleOutcome>;
}

/** The API reads that adopting Open-Local's volumes needs (#15): its PVs and this node's NLS. */
export interface AdoptionSource {
  /** Every PV of Open-Local's drivers, decoded. */
  listOpenLocalPvs(options?: Signal): Promise<OpenLocalPv[]>;
  /** The NLS named after the node; undefined when there is none. */
  getNls(nodeName: string, options?: Signal): Promise<NodeLocalStorage | undefined>;
}
